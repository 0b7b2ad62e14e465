import { describe, expect, it } from 'vitest';
import { getPreset, listPresets } from '../../src/model/presets.ts';
import { CONSTRAINT_MODES, planModel, planScenario } from '../../src/planner/index.ts';
import { issue15401Knobs } from './helpers.ts';

// These are the #15401-era numbers: pin the version (presets default to trtllm-v2@main).
const V15401 = 'trtllm-v2@15401';

const flash = () => getPreset('deepseek-v4-flash');

describe('#15401 from the preset and engine knobs', () => {
  it('slot bytes of the three pool groups', () => {
    const { plan } = planModel(flash(), issue15401Knobs(), 'as-shipped', undefined, V15401);
    expect(plan.poolGroups.map((g) => [g.name, g.slotBytes])).toEqual([
      ['SWA', 26607616],
      ['COMPRESS', 886016],
      ['STATE', 55050240],
    ]);
  });
  it('min_slots per constraint mode', () => {
    expect(planModel(flash(), issue15401Knobs(), 'as-shipped', undefined, V15401).plan.minSlots).toEqual([1, 539, 1]);
    expect(planModel(flash(), issue15401Knobs(), 'issue-fix', undefined, V15401).plan.minSlots).toEqual([64, 539, 64]);
    expect(planModel(flash(), issue15401Knobs(), 'upstream', undefined, V15401).plan.minSlots).toEqual([64, 602, 64]);
  });
  it('default typical step: [324, 18535, 323] under either floor', () => {
    expect(planModel(flash(), issue15401Knobs(), 'as-shipped', undefined, V15401).plan.slotCounts).toEqual([324, 18535, 323]);
    expect(planModel(flash(), issue15401Knobs(), 'issue-fix', undefined, V15401).plan.slotCounts).toEqual([324, 18535, 323]);
  });
  it('skewed pool ratio: [16, 47473, 7] as shipped, [64, 42555, 64] with the fix', () => {
    const poolRatio = [0.01, 0.98, 0.01];
    const shipped = planModel(flash(), issue15401Knobs({ poolRatio }), 'as-shipped', undefined, V15401);
    expect(shipped.plan.slotCounts).toEqual([16, 47473, 7]);
    expect(planModel(flash(), issue15401Knobs({ poolRatio }), 'issue-fix', undefined, V15401).plan.slotCounts).toEqual([64, 42555, 64]);
    // the finding in plain words, as the issue phrases it
    expect(shipped.diagnostics.findings.map((f) => f.text)).toContain(
      'pool group 2 STATE (window 8): min_slots 1 is below maxBatchSize 64; with initial_pool_ratio [0.01, 0.98, 0.01] it gets 7 slots, so at most 7 requests can decode at once, each holding its full window (a policy that preempts and recomputes can run more for a while).',
    );
    expect(shipped.diagnostics.maxDecodesBest).toBe(7);
    expect(shipped.diagnostics.limitingPoolGroup).toBe(2);
  });
  it('the fix still falls short at a block boundary: 64 SWA slots serve 32 straddling decodes', () => {
    const fixed = planModel(flash(), issue15401Knobs({ poolRatio: [0.01, 0.98, 0.01] }), 'issue-fix', undefined, V15401);
    const swa = fixed.diagnostics.poolGroups[0];
    expect([swa.decodeBlocksBest, swa.decodeBlocksWorst, swa.decodesBest, swa.decodesWorst]).toEqual([1, 2, 64, 32]);
    expect(fixed.diagnostics.findings.some((f) => f.poolGroup === 0 && /straddle/.test(f.text))).toBe(true);
  });
  it('safe floors cover maxBatchSize decodes at the straddle plus a context chunk', () => {
    const safe = planModel(flash(), issue15401Knobs({ maxNumTokens: 8192, poolRatio: [0.01, 0.98, 0.01] }), 'safe', undefined, V15401);
    // 64 decodes x 2 blocks + a 32-block chunk (8192 / 256) in each windowed pool
    expect(safe.plan.minSlots[0]).toBe(160);
    expect(safe.plan.minSlots[2]).toBe(160);
    expect(safe.diagnostics.maxDecodesWorst).toBeGreaterThanOrEqual(64);
  });
  it('BF16 rebalancing toward a 131072-token average: [47, 24307, 47] buggy, [64, 23405, 64] fixed (spec §4 v)', () => {
    const rebalanced = (mode: 'as-shipped' | 'issue-fix') => {
      const { scenario } = planModel(flash(), issue15401Knobs({ kvDtype: 'bf16' }), mode);
      return planScenario({ ...scenario, rebalance_target_length: { history: 131072, capacity: 131072 } }).rebalance?.slotCounts;
    };
    expect(rebalanced('as-shipped')).toEqual([47, 24307, 47]);
    expect(rebalanced('issue-fix')).toEqual([64, 23405, 64]);
  });
  it('BF16 slot bytes (spec §1.3)', () => {
    expect(planModel(flash(), issue15401Knobs({ kvDtype: 'bf16' }), 'as-shipped', undefined, V15401).plan.poolGroups.map((g) => g.slotBytes)).toEqual([32243712, 1594624, 55050240]);
  });
});

describe('every preset plans in every mode at its defaults', () => {
  for (const model of listPresets()) {
    it(model.id, () => {
      for (const mode of CONSTRAINT_MODES.filter((m) => m !== 'custom')) {
        const knobs = issue15401Knobs({ tokensPerBlock: model.defaults.tokensPerBlock, kvDtype: model.defaults.kvDtype, maxSeqLen: Math.min(model.maxContext, 131072), maxNumTokens: 8192 });
        const { plan } = planModel(model, knobs, mode);
        expect(plan.error).toBeNull();
        plan.slotCounts.forEach((n, pg) => expect(n).toBeGreaterThanOrEqual(plan.minSlots[pg]));
      }
    });
  }
});
