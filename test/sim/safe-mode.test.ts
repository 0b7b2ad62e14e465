/**
 * The planner's `safe` constraint mode (maxBatchSize decodes at the worst block alignment of every
 * window, plus one context chunk) against the trtllm-v2 scheduler: over random layouts and
 * workloads, with the quota at its minimum (every windowed and ssm pool pinned at its floor, the
 * hardest case; full-attention pools, whose size is the quota's business, get ample slots), no run
 * deadlocks. The same cases under `issue-fix` floors do deadlock sometimes (checked, so the
 * property is not vacuous).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildScenario, type ConstraintMode, type EngineKnobs } from '../../src/planner/build.ts';
import { planScenario } from '../../src/planner/trtllm-v2.ts';
import { normalizeConfig } from '../../src/sim/index.ts';
import { execute } from '../../src/sim/run.ts';
import { managerLayers } from '../planner/arbitraries.ts';

const arbLayers = fc
  .array(
    fc.record({
      kind: fc.constantFrom('attn', 'attn', 'attn', 'ssm'),
      window: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null, freq: 4 }),
      sink: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  // Whole 2 MiB grains, so the minimum quota pins every pool at its floor; distinct sizes per layer
  // keep life cycles in separate pool groups.
  .map((ls) => managerLayers(ls, (_, i) => [{ role: 'k', bytes_per_block: 2 * 1024 * 1024 * (i + 1) }]));

const arbCase = fc.record({
  layers: arbLayers,
  tpb: fc.constantFrom(2, 4, 8, 16),
  maxSeqLen: fc.integer({ min: 16, max: 96 }),
  maxBatchSize: fc.integer({ min: 1, max: 6 }),
  maxNumTokens: fc.integer({ min: 4, max: 48 }),
  draftTokens: fc.integer({ min: 0, max: 1 }),
  requests: fc.array(fc.record({ arrival: fc.integer({ min: 0, max: 6 }), prompt: fc.integer({ min: 1, max: 48 }), output: fc.integer({ min: 1, max: 48 }) }), { minLength: 1, maxLength: 12 }),
});

type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

function outcome(c: Case, mode: ConstraintMode) {
  const knobs: EngineKnobs = {
    tokensPerBlock: c.tpb,
    maxSeqLen: c.maxSeqLen,
    maxBatchSize: c.maxBatchSize,
    maxNumTokens: c.maxNumTokens,
    quotaBytes: 1,
    draftTokens: c.draftTokens,
    numExtraKvTokens: 0,
    avgSeqLen: null,
    poolRatio: null,
  };
  const pinned = planScenario(buildScenario(c.layers, knobs, mode));
  if (pinned.error) return null;
  // A full-attention pool needs maxBatchSize x maxSeqLen worth of blocks: that is the quota's job,
  // not a floor's, so those pools get ample slots; windowed and ssm pools stay at their floor.
  const full = new Set(pinned.lifeCycles.filter((lc) => lc.kind === 'attn' && lc.windowTokens === null).map((lc) => pinned.lifeCyclePoolGroup[lc.id]));
  const plan = { ...pinned, slotCounts: pinned.slotCounts.map((n, pg) => (full.has(pg) ? 100_000 : n)) };
  // Requests the engine would accept: prompt + output within maxSeqLen.
  const requests = c.requests.map((r) => ({ ...r, prompt: Math.min(r.prompt, c.maxSeqLen - 1), output: Math.max(1, Math.min(r.output, c.maxSeqLen - Math.min(r.prompt, c.maxSeqLen - 1))) }));
  const cfg = normalizeConfig({ plan, policy: 'trtllm-v2', workload: requests, maxBatchSize: c.maxBatchSize, maxNumTokens: c.maxNumTokens, draftTokens: c.draftTokens, stallLimit: 30, maxSteps: 5000 });
  return execute(cfg, requests, false);
}

describe('safe constraint mode under trtllm-v2 (fast-check)', () => {
  it('never deadlocks, over random layouts and workloads at minimum quota', () => {
    let issueFixDeadlocks = 0;
    fc.assert(
      fc.property(arbCase, (c) => {
        const safe = outcome(c, 'safe');
        if (!safe) return;
        expect(safe.outcome).not.toBe('deadlock');
        if (outcome(c, 'issue-fix')?.outcome === 'deadlock') issueFixDeadlocks++;
      }),
      { numRuns: 200, seed: 424242 },
    );
    expect(issueFixDeadlocks).toBeGreaterThan(0);
  }, 60_000);
});
