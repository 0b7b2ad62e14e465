import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatchJson, EngineScenario, LayerJson } from '../../src/planner/scenario.ts';
import { planScenario } from '../../src/planner/trtllm-v2.ts';

const MiB = 1024 ** 2;

const arbLayers = fc
  .array(
    fc.record({
      kind: fc.constantFrom('attn', 'attn', 'attn', 'ssm'),
      window: fc.option(fc.integer({ min: 1, max: 700 }), { nil: null }),
      sink: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
      buffers: fc.array(fc.integer({ min: 1, max: 8 * MiB }), { minLength: 1, maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((ls): LayerJson[] =>
    ls.map((l, i) => ({
      layer_id: i,
      kind: l.kind as 'attn' | 'ssm',
      window: l.kind === 'ssm' ? null : l.window,
      sink_tokens: l.kind === 'ssm' || l.window === null ? null : l.sink,
      buffers: l.buffers.map((b, j) => ({ role: `r${j}`, bytes_per_block: b })),
    })),
  );

const arbBatch = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 70 })), { minLength: 1, maxLength: 4 })
  .chain((kvs) => fc.integer({ min: 0, max: 300 }).map((sys): BatchJson => ({ kv_caches: kvs.map(([c, h, n]) => [Math.max(c, h), Math.min(c, h), n]), system_prompt_length: sys })));

const arbScenario = fc
  .record({
    layers: arbLayers,
    tpb: fc.constantFrom(4, 16, 32, 64, 128, 256),
    quota: fc.integer({ min: 1, max: 200 * 1024 }).map((m) => m * MiB + 12345),
    typical: fc.option(arbBatch, { nil: null }),
    constraints: fc.array(arbBatch, { maxLength: 3 }),
    ratioSeed: fc.option(fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }), { nil: null }),
  })
  .map(
    (r): EngineScenario => ({
      tokens_per_block: r.tpb,
      layers: r.layers,
      gpu_quota_bytes: r.quota,
      typical_step: r.typical,
      constraints: r.constraints,
      initial_pool_ratio: null,
      // Resolved per scenario below, once the pool-group count is known.
      description: r.ratioSeed ? JSON.stringify(r.ratioSeed) : undefined,
    }),
  );

function withRatio(s: EngineScenario): EngineScenario {
  if (!s.description) return s;
  const n = planScenario(s).poolGroups.length;
  return { ...s, initial_pool_ratio: (JSON.parse(s.description) as number[]).slice(0, n) };
}

describe('planner invariants over random layouts (fast-check)', () => {
  it('slot counts never fall below min_slots, and the bytes fit in the effective quota', () => {
    fc.assert(
      fc.property(arbScenario, (raw) => {
        const p = planScenario(withRatio(raw));
        expect(p.error).toBeNull();
        p.slotCounts.forEach((n, pg) => expect(n).toBeGreaterThanOrEqual(p.minSlots[pg]));
        expect(p.bytesPerPoolGroup.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(p.effectiveQuotaBytes);
        // every pool is a whole number of grains, and the bytes hold the slots
        p.poolGroups.forEach((g, pg) => expect(p.bytesPerPoolGroup[pg]).toBeGreaterThanOrEqual(p.slotCounts[pg] * g.slotBytes));
      }),
      { numRuns: 300 },
    );
  });

  it('adding a constraint never lowers a floor', () => {
    fc.assert(
      fc.property(arbScenario, arbBatch, (raw, extra) => {
        const s = withRatio(raw);
        const before = planScenario(s).minSlots;
        const after = planScenario({ ...s, constraints: [...s.constraints, extra] }).minSlots;
        after.forEach((m, pg) => expect(m).toBeGreaterThanOrEqual(before[pg]));
      }),
      { numRuns: 200 },
    );
  });

  it('planning is a pure function of the scenario', () => {
    fc.assert(
      fc.property(arbScenario, (raw) => {
        const s = withRatio(raw);
        expect(planScenario(s)).toEqual(planScenario(structuredClone(s)));
      }),
      { numRuns: 50 },
    );
  });
});
