/** The peel-loop walk the lessons explain must end where the planner ends, for every preset. */
import { describe, expect, it } from 'vitest';
import { peelRounds } from '../../src/lessons/peel.ts';
import { listPresets } from '../../src/model/presets.ts';
import { planModel } from '../../src/planner/index.ts';

const GiB = 2 ** 30;

describe('peelRounds', () => {
  it('re-walks the planner split of every preset, in every mode, with and without a skewed ratio', () => {
    let walked = 0;
    for (const m of listPresets()) {
      for (const mode of ['as-shipped', 'issue-fix', 'upstream', 'safe'] as const) {
        for (const skew of [false, true]) {
          const knobs = { tokensPerBlock: 128, maxSeqLen: 32768, maxBatchSize: 32, maxNumTokens: 8192, quotaBytes: 24 * GiB, kvDtype: 'bf16' as const, draftTokens: 0, numExtraKvTokens: 0, avgSeqLen: null, poolRatio: null as number[] | null };
          const base = planModel(m, knobs, mode).plan;
          if (base.error) continue;
          const n = base.poolGroups.length;
          const plan = skew && n > 1 ? planModel(m, { ...knobs, poolRatio: Array.from({ length: n }, (_, i) => (i === 0 ? 0.97 : 0.03 / (n - 1))) }, mode).plan : base;
          if (plan.error) continue;
          const walk = peelRounds(plan);
          expect(walk, `${m.id} ${mode} skew=${skew}`).not.toBeNull();
          expect(walk!.rounds.length).toBeGreaterThanOrEqual(1);
          for (const pg of walk!.pinned) expect(plan.slotCounts[pg]).toBeGreaterThanOrEqual(plan.minSlots[pg]);
          walked++;
        }
      }
    }
    expect(walked).toBeGreaterThan(100);
  });
});
