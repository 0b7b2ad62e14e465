/** Hand-checked small cases for each version rule of trtllm-v2@main (src/planner/trtllm-rules.ts). */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/planner/scenario.ts';
import { compareSizeLists } from '../../src/planner/trtllm-layout.ts';
import { RULES_15401, RULES_MAIN, type TrtRuleId, withoutRule } from '../../src/planner/trtllm-rules.ts';
import { planScenario } from '../../src/planner/trtllm-v2.ts';
import { layer, mainCases, scenario } from './helpers.ts';

const MiB = 1024 ** 2;
const only = (...ids: TrtRuleId[]) => new Set<TrtRuleId>(ids);

describe('rule structural-floor (PR #15588)', () => {
  it('sink + (w + tpb - 2) // tpb + 1 per window; full attention takes the largest; recurrent state 1', () => {
    const s = scenario([layer(0, 128, [256]), layer(1, 8, [512]), layer(2, null, [1024]), layer(3, null, [64], 'ssm'), layer(4, 6, [128], 'attn', 5)], { tokens_per_block: 256 });
    // w 128: (128 + 254) // 256 + 1 = 2; w 8: 2; full: 2; ssm: 1; w 6 with 5 sink tokens: 1 sink block + 2 = 3.
    expect(planScenario(s, only('structural-floor')).structuralFloorByLifeCycle).toEqual([2, 2, 3, 1, 3]);
    expect(planScenario(s, RULES_15401).structuralFloorByLifeCycle).toEqual([1, 1, 1, 1, 1]);
  });
  it('Gemma 3 at tpb 32 (window 1024): 33; a model without windows: 1', () => {
    expect(planScenario(scenario([layer(0, 1024, [64]), layer(1, null, [128])], { tokens_per_block: 32 }), only('structural-floor')).structuralFloorByLifeCycle).toEqual([33, 33]);
    expect(planScenario(scenario([layer(0, null, [64])]), only('structural-floor')).structuralFloorByLifeCycle).toEqual([1]);
  });
  it('a pool group sums its life cycles\' floors (gpt-oss-like: SWA 128 + full at tpb 64 -> 3 + 3 = 6)', () => {
    const s = scenario([layer(0, 128, [4096]), layer(1, null, [4096])], { tokens_per_block: 64 });
    expect(planScenario(s, only('structural-floor')).minSlots).toEqual([6]);
    expect(planScenario(s, RULES_15401).minSlots).toEqual([2]);
  });
});

describe('rule resume-headroom (PR #16484)', () => {
  const s = parseScenario(mainCases[0].input);
  it('ceil(slots / float32(mu)) per pool group: 539 / 0.95 -> 568, 1 -> 2; mu 1 leaves them; mu 0.5 doubles', () => {
    expect(planScenario(s, only('resume-headroom')).minSlots).toEqual([2, 568, 2]);
    expect(planScenario(s, only('resume-headroom'), { maxUtilForResume: 1 }).minSlots).toEqual([1, 539, 1]);
    expect(planScenario(s, only('resume-headroom'), { maxUtilForResume: 0.5 }).minSlots).toEqual([2, 1078, 2]);
  });
  it('mu outside (0, 1] is the engine\'s refusal', () => {
    for (const mu of [0, 1.5, -1]) {
      expect(planScenario({ ...s, max_util_for_resume: mu }, RULES_MAIN).error).toEqual({ type: 'tensorrt_llm::common::TllmException', message: 'max_util_for_resume must be in (0, 1]' });
    }
  });
});

describe('rule per-life-cycle-ratio', () => {
  // Pool group A = {full, window 8} at 1 MiB per block; B = window 16 at 3 MiB; tpb 4; gran 2 MiB.
  // Fallback (2049, 2048): full 513 blocks, w8 513 - 510 = 3, w16 513 - 508 = 5.
  // Per life cycle: A = roundUp(513 MiB) + roundUp(3 MiB) = 514 + 4 = 518 MiB; per pool group: roundUp(516 MiB) = 516.
  // B = roundUp(15 MiB) = 16 MiB either way.
  const s = scenario([layer(0, null, [MiB]), layer(1, 8, [MiB]), layer(2, 16, [3 * MiB])], { tokens_per_block: 4, gpu_quota_bytes: 1024 ** 3 });
  it('bytes are rounded to grains per life cycle, then summed per pool group', () => {
    expect(planScenario(s, only('per-life-cycle-ratio')).initialRatio).toEqual([518 / 534, 16 / 534]);
    expect(planScenario(s, RULES_15401).initialRatio).toEqual([516 / 532, 16 / 532]);
  });
  it('initial_pool_ratio per life cycle: summed per pool group; checked for length, sign and sum', () => {
    const err = (r: number[]) => planScenario({ ...s, initial_pool_ratio: r }, only('per-life-cycle-ratio')).error?.message;
    expect(planScenario({ ...s, initial_pool_ratio: [0.25, 0.25, 0.5] }, only('per-life-cycle-ratio')).initialRatio).toEqual([0.5, 0.5]);
    expect(err([0.5, 0.5])).toBe('initial_pool_ratio length must match number of layer groups');
    expect(err([0.5, 0.6, -0.1])).toBe('initial_pool_ratio values must be positive');
    expect(err([0.3, 0.3, 0.3])).toBe('initial_pool_ratio values must sum to 1.0');
    expect(err([0.3, 0.3, 0.4000005])).toBeUndefined(); // within 1e-6
  });
});

describe('rule float32-ratio', () => {
  it('every ratio is a float32 value, float32 / float32', () => {
    const s = scenario([layer(0, null, [MiB]), layer(1, 8, [3 * MiB])], { tokens_per_block: 4 });
    const r = planScenario(s, only('float32-ratio')).initialRatio;
    expect(r.every((x) => Math.fround(x) === x)).toBe(true);
    const d = planScenario(s, RULES_15401).initialRatio;
    expect(r).toEqual(d.map((_, i) => Math.fround(Math.fround([514, 10][i] * MiB) / Math.fround(524 * MiB))));
    expect(d).toEqual([514 / 524, 10 / 524]); // full 513 MiB -> 514; window 8: 3 x 3 MiB -> 10
  });
});

describe('rule pool-group-order', () => {
  it('pool groups in ascending lexicographic slot_size_list (DeepSeek-V4-Flash: COMPRESS, SWA, STATE); life cycles keep their ids', () => {
    const s = parseScenario(mainCases[0].input);
    const plan = planScenario(s, only('pool-group-order'));
    expect(plan.poolGroups.map((g) => g.name)).toEqual(['COMPRESS', 'SWA', 'STATE']);
    expect(plan.lifeCyclePoolGroup).toEqual([1, 0, 2]);
    expect(planScenario(s, RULES_15401).poolGroups.map((g) => g.name)).toEqual(['SWA', 'COMPRESS', 'STATE']);
  });
  it('std::vector comparison: element by element, a proper prefix first', () => {
    expect(compareSizeLists([1024], [1024, 512])).toBeLessThan(0);
    expect(compareSizeLists([2048], [1024, 4096])).toBeGreaterThan(0);
    expect(compareSizeLists([7, 1], [7, 1])).toBe(0);
  });
});

describe('rule peel-loop', () => {
  it('moves no number at initial sizing (the quota is first raised to min_quota): switching it off changes nothing', () => {
    for (const c of mainCases) {
      const s = parseScenario(c.input);
      const { rules: _a, ...on } = planScenario(s, RULES_MAIN);
      const { rules: _b, ...off } = planScenario(s, withoutRule(RULES_MAIN, 'peel-loop'));
      expect(off).toEqual(on);
    }
  });
});
