/**
 * Mode main: what the wrapper's _build_base_config at 0076e93 builds, checked by hand against the
 * formulas (docs/trtllm-v2-sizing.md, rule 7), then sized by trtllm-v2@main.
 *
 * Layers: L0 full attention [1024 B/block], L1 window 8 [2048 B/block]; tpb 4.
 */
import { describe, expect, it } from 'vitest';
import { buildScenario, type EngineKnobs } from '../../src/planner/build.ts';
import { RULES_MAIN } from '../../src/planner/trtllm-rules.ts';
import { planScenario } from '../../src/planner/trtllm-v2.ts';
import { layer } from './helpers.ts';

const layers = [layer(0, null, [1024]), layer(1, 8, [2048])];
const fullOnly = [layer(0, null, [1024]), layer(1, null, [2048])];
const k = (over: Partial<EngineKnobs> = {}): EngineKnobs => ({
  tokensPerBlock: 4,
  maxSeqLen: 40,
  maxBatchSize: 4,
  maxNumTokens: null,
  quotaBytes: 1024 ** 3,
  draftTokens: 0,
  numExtraKvTokens: 0,
  avgSeqLen: 16,
  poolRatio: null,
  ...over,
});

describe('mode main builds the wrapper\'s typical step and constraints', () => {
  it('typical [((mnt or T) + x, 0)] + [(T, T - d - 1)] x (mbs - 1); C1\' [(msl, msl - 1)] + [(1 + d + x, 0)] x (mbs - 1); no C2\' without max_num_tokens', () => {
    const s = buildScenario(layers, k({ draftTokens: 1, numExtraKvTokens: 2 }), 'main');
    expect(s.typical_step?.kv_caches).toEqual([[18, 0], [16, 14, 3]]);
    expect(s.constraints.map((c) => c.kv_caches)).toEqual([[[40, 39], [4, 0, 3]]]);
  });
  it('C2\' [(mnt + x, 0)] when max_num_tokens is set; it also replaces T in the context entry', () => {
    const s = buildScenario(layers, k({ maxNumTokens: 12, numExtraKvTokens: 1 }), 'main');
    expect(s.typical_step?.kv_caches).toEqual([[13, 0], [16, 15, 3]]);
    expect(s.constraints.map((c) => c.kv_caches)).toEqual([[[40, 39], [2, 0, 3]], [[13, 0]]]);
  });
  it('pool_ratio gate: with a ratio set nothing is built (only the structural floors remain)', () => {
    const s = buildScenario(layers, k({ poolRatio: [0.5, 0.5] }), 'main');
    expect(s.typical_step).toBeNull();
    expect(s.constraints).toEqual([]);
    expect(s.initial_pool_ratio).toEqual([0.5, 0.5]);
    expect(planScenario(s, RULES_MAIN).minSlots).toEqual([3, 3]); // (8 + 4 - 2) // 4 + 1 = 3, and full takes it
  });
  it('avg_seq_len gate: no typical length, no batches; DeepSeek-V4 falls back to max_seq_len', () => {
    const none = buildScenario(layers, k({ avgSeqLen: null }), 'main');
    expect(none.typical_step).toBeNull();
    expect(none.constraints).toEqual([]);
    expect(planScenario(none, RULES_MAIN).ratioSource).toBe('fallback_2049_2048');
    const dsv4 = buildScenario(layers, k({ avgSeqLen: null, typicalLengthFromMaxSeqLen: true }), 'main');
    expect(dsv4.typical_step?.kv_caches).toEqual([[40, 0], [40, 39, 3]]);
  });
  it('CUDA-graph cap: min(mbs, max_cuda_graph_batch_size) only in the estimation pass of a model without windows', () => {
    const capped = (l: typeof layers, estimationPass: boolean) => buildScenario(l, k({ maxBatchSize: 8, maxCudaGraphBatchSize: 3, estimationPass }), 'main').constraints[0].kv_caches;
    expect(capped(fullOnly, true)).toEqual([[40, 39], [1, 0, 2]]);
    expect(capped(fullOnly, false)).toEqual([[40, 39], [1, 0, 7]]);
    expect(capped(layers, true)).toEqual([[40, 39], [1, 0, 7]]); // a windowed layer: no cap
  });
  it('sized by @main: slots by hand, floors = max(structural, ceil(slots / 0.95))', () => {
    // C1' = (40, 39) + 3 x (1, 0).  full: 10 + 3 = 13 -> ceil(13 / 0.95) = 14.
    // window 8: stale end (39 + 1 - 8) // 4 = 8, so 10 - 8 = 2, + 3 = 5 -> ceil(5 / 0.95) = 6; structural 3.
    // typical (16, 0) + 3 x (16, 15): full 4 + 12 = 16; window 4 + 3 x (4 - (15 + 1 - 8) // 4) = 4 + 6 = 10.
    const plan = planScenario(buildScenario(layers, k(), 'main'), RULES_MAIN);
    expect(plan.constraintSlots).toEqual([[13, 5]]);
    expect(plan.structuralFloorByLifeCycle).toEqual([3, 3]);
    expect(plan.minSlots).toEqual([14, 6]);
    expect(plan.typicalStepSlots).toEqual([16, 10]);
    expect(plan.ratioSource).toBe('typical_step');
  });
});
