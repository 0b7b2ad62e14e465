/**
 * Each finding is true of the numbers beside it (issue 11 §4.2): "min_slots X is below
 * maxBatchSize Y" only when X < Y; "the limit is P" only when P bounds decoding below
 * maxBatchSize; a concurrency bound says which requests it counts (a policy that preempts and
 * recomputes can exceed it for a while).
 */
import { describe, expect, it } from 'vitest';
import { listPresets } from '../../src/model/presets.ts';
import { CONSTRAINT_MODES } from '../../src/planner/build.ts';
import { planModel } from '../../src/planner/index.ts';

const GiB = 2 ** 30;

describe('findings agree with their numbers', () => {
  const cases = listPresets()
    .slice(0, 12)
    .flatMap((m) => CONSTRAINT_MODES.filter((c) => c !== 'custom').flatMap((mode) => [64, 128].map((mbs) => ({ m, mode, mbs }))));
  it(`${cases.length} preset x mode x maxBatchSize plans`, () => {
    let checked = 0;
    for (const { m, mode, mbs } of cases) {
      const knobs = { tokensPerBlock: m.defaults.tokensPerBlock, maxSeqLen: Math.min(m.maxContext, 32_768), maxBatchSize: mbs, maxNumTokens: 8192, quotaBytes: 40 * GiB, kvDtype: m.defaults.kvDtype, draftTokens: 0, numExtraKvTokens: 0, avgSeqLen: null, poolRatio: null };
      let texts: string[];
      let d: ReturnType<typeof planModel>['diagnostics'];
      try {
        const p = planModel(m, knobs, mode);
        d = p.diagnostics;
        texts = d.findings.map((f) => f.text);
      } catch {
        continue;
      }
      for (const t of texts) {
        const below = /min_slots (\d+) is below maxBatchSize (\d+)/.exec(t);
        if (below) expect(Number(below[1]), t).toBeLessThan(Number(below[2]));
        const limit = /the limit is (\S+?)\.?$/.exec(t);
        if (limit) expect(d.maxDecodesWorst, t).toBeLessThan(mbs);
        if (/can decode at once/.test(t)) expect(t).toMatch(/full window|each holding/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});
