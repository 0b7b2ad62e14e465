import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineScenario } from '../../src/planner/scenario.ts';
import { planScenario } from '../../src/planner/trtllm-v2.ts';
import { arbBatch, arbScenarioFields, scenarioOf } from './arbitraries.ts';

const arbScenario = fc
  .record({
    ...arbScenarioFields,
    ratioSeed: fc.option(fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }), { nil: null }),
  })
  // The ratio is resolved per scenario below, once the pool-group count is known.
  .map((r): EngineScenario => ({ ...scenarioOf(r), description: r.ratioSeed ? JSON.stringify(r.ratioSeed) : undefined }));

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
