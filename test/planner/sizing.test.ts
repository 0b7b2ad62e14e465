import { describe, expect, it } from 'vitest';
import { gpuGranularity, grainsForSlots, grainsToSlots, InsufficientQuotaError, ratioToSlotCounts } from '../../src/planner/grains.ts';
import { batchFromJson } from '../../src/planner/scenario.ts';
import { buildStorageLayout } from '../../src/planner/storage.ts';
import { planScenario, slotsForBatch } from '../../src/planner/trtllm-v2.ts';
import { layer, scenario } from './helpers.ts';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const ctxFor = (layers: ReturnType<typeof layer>[], tpb = 4, scratch: number | null = null) => ({ tokensPerBlock: tpb, layout: buildStorageLayout(layers, tpb), scratchRewindTokens: scratch });

describe('storage layout', () => {
  it('coalesces same-size buffers per life cycle and merges identical size lists into one pool group', () => {
    const layout = buildStorageLayout([layer(0, 3, [64, 64]), layer(1, null, [64, 64]), layer(2, 3, [64, 64]), layer(3, 5, [128])], 4);
    expect(layout.lifeCycles.map((lc) => (lc.kind === 'attn' ? lc.windowTokens : 'ssm'))).toEqual([3, null, 5]);
    expect(layout.coalesced.map((c) => c.map((b) => b.size))).toEqual([[256], [128], [128]]);
    // w=null and w=5 both coalesce to [128]: one pool group, two life cycles.
    expect(layout.poolGroups).toEqual([
      { lifeCycleIds: [0], slotSizeList: [256] },
      { lifeCycleIds: [1, 2], slotSizeList: [128] },
    ]);
    expect(layout.slotUtilFracMax).toEqual([
      [2, 4],
      [2, 2],
      [1, 1],
    ]);
  });
  it('sinks key the life cycle by blocks, so 1 and 4 sink tokens at tpb 4 are one life cycle', () => {
    const layout = buildStorageLayout([layer(0, 8, [64], 'attn', 1), layer(1, 8, [64], 'attn', 4), layer(2, 8, [64], 'attn', 5)], 4);
    expect(layout.lifeCycles.length).toBe(2);
  });
  it('refuses sinks without a window and duplicate layer ids', () => {
    expect(() => buildStorageLayout([layer(0, null, [64], 'attn', 4)], 4)).toThrow(/sink_tokens/);
    expect(() => buildStorageLayout([layer(0, 8, [64]), layer(0, 8, [64])], 4)).toThrow(/layer_id/);
  });
});

describe('slots for a batch (hand-checked, tpb 4, window 3)', () => {
  const layers = [layer(0, 3, [64, 64]), layer(1, null, [32, 32])]; // different slot sizes: two pool groups
  it('two decodes at h = 9', () => {
    // w3: stale(9) = [0, 1) -> div_up(10, 4) - 1 = 2 each; full: 3 each.
    expect(slotsForBatch(ctxFor(layers), batchFromJson({ kv_caches: [[10, 9, 2]], system_prompt_length: 0 }))).toEqual([4, 6]);
  });
  it('a shared system prompt is counted once', () => {
    // sys = 8 tokens = 2 blocks. w3: no sys block is stale for both requests -> +2; unique: 1 + 1.
    // full: +2 shared; unique 1 + 1.
    expect(slotsForBatch(ctxFor(layers), batchFromJson({ kv_caches: [[10, 9], [12, 2]], system_prompt_length: 8 }))).toEqual([4, 4]);
  });
  it('ssm takes one slot per request', () => {
    const l = [layer(0, null, [64]), layer(1, null, [1000], 'ssm')];
    expect(slotsForBatch(ctxFor(l), batchFromJson({ kv_caches: [[100, 0, 3]], system_prompt_length: 0 }))).toEqual([75, 3]);
  });
  it('a pool group with two life cycles pays for each', () => {
    const l = [layer(0, 3, [64]), layer(1, 5, [64])];
    expect(slotsForBatch(ctxFor(l), batchFromJson({ kv_caches: [[10, 9]], system_prompt_length: 0 }))).toEqual([2 + 2]);
    expect(planScenario(scenario(l)).minSlots).toEqual([2]); // default floor: one per life cycle
  });
  it('SWA scratch reuse charges out-of-window prompt blocks a fraction of a slot', () => {
    // prefill (16, 0), w3: blocks 0..3; at capacity 16 the stale range is [0, 3) -> 3 scratch blocks.
    // frac_max = 2/4 (each layer owns 2 of the 4 coalesced buffers) -> ceil(3 * 1/2) = 2 -> 1 + 2 = 3.
    const l = [layer(0, 3, [64, 64]), layer(1, 3, [64, 64])];
    expect(slotsForBatch(ctxFor(l, 4, 0), batchFromJson({ kv_caches: [[16, 0]], system_prompt_length: 0 }))).toEqual([3]);
    expect(slotsForBatch(ctxFor(l, 4, null), batchFromJson({ kv_caches: [[16, 0]], system_prompt_length: 0 }))).toEqual([4]);
    // max_rewind_len protects the speculative tail: with 8 rewindable tokens only block 0 is scratch.
    expect(slotsForBatch(ctxFor(l, 4, 8), batchFromJson({ kv_caches: [[16, 0]], system_prompt_length: 0 }))).toEqual([3 + 1]);
  });
});

describe('grains', () => {
  it('granularity steps at powers of two GiB', () => {
    expect([0.5 * GiB, GiB, 2 * GiB - 1, 2 * GiB, 4 * GiB, 8 * GiB, 16 * GiB, 40 * GiB, 1024 * GiB].map((q) => gpuGranularity(q) / MiB)).toEqual([2, 2, 2, 4, 8, 16, 32, 32, 32]);
  });
  it('grains for / to slots', () => {
    const sizes = [3 * MiB, MiB];
    expect(grainsForSlots(5, sizes, 2 * MiB)).toBe(8 + 3);
    expect(grainsToSlots(11, sizes, 2 * MiB)).toEqual([5, 11]);
    expect(grainsToSlots(12, sizes, 2 * MiB)).toEqual([6, 12]);
    expect(grainsToSlots(2, sizes, 2 * MiB)).toEqual([0, 0]); // below one slot's grains
  });
  it('peel loop: even split, round-half-even, pinning with <=', () => {
    const two = [[2 * MiB], [2 * MiB]];
    expect(ratioToSlotCounts(10, two, [0.5, 0.5], 2 * MiB, [1, 1])).toEqual([5, 5]);
    expect(ratioToSlotCounts(5, two, [0.5, 0.5], 2 * MiB, [1, 1])).toEqual([2, 3]); // round(2.5) = 2
    expect(ratioToSlotCounts(10, two, [0.5, 0.5], 2 * MiB, [6, 1])).toEqual([6, 4]);
    // 5 slots at a floor of 5 is pinned too (<=): same grains, same count, but the other group is redone.
    expect(ratioToSlotCounts(10, two, [0.5, 0.5], 2 * MiB, [5, 1])).toEqual([5, 5]);
    expect(() => ratioToSlotCounts(5, two, [0.5, 0.5], 2 * MiB, [6, 1])).toThrow(InsufficientQuotaError);
  });
  it('the quota is raised to min_quota, loudly', () => {
    const p = planScenario(scenario([layer(0, null, [MiB])], { gpu_quota_bytes: 10 * MiB, constraints: [{ kv_caches: [[400, 399]], system_prompt_length: 0 }] }));
    expect(p.minSlots).toEqual([100]);
    expect(p.quotaRaisedToMin).toBe(true);
    expect(p.effectiveQuotaBytes).toBe(100 * MiB);
    expect(p.slotCounts).toEqual([100]);
  });
  it('a non-positive quota is refused the engine way', () => {
    expect(planScenario(scenario([layer(0, null, [MiB])], { gpu_quota_bytes: 0 })).error).toEqual({ type: 'AssertionError', message: 'Quota must be positive' });
  });
  it('finding: a larger quota can give a pool group fewer slots (granularity step); the port keeps it', () => {
    // Found by a seeded search; at 2 GiB the grain doubles from 2 MiB to 4 MiB and rounding moves a slot.
    const layers = [layer(0, null, [1944881]), layer(1, 32, [5518905]), layer(2, 48, [3948431, 6201863])];
    const ratio = [0.5491829872131347, 0.28434000015258787, 0.5316888153553009];
    const below = planScenario(scenario(layers, { tokens_per_block: 16, gpu_quota_bytes: 2 * GiB - 1, initial_pool_ratio: ratio }));
    const at = planScenario(scenario(layers, { tokens_per_block: 16, gpu_quota_bytes: 2 * GiB, initial_pool_ratio: ratio }));
    expect(below.slotCounts).toEqual([447, 80, 82]);
    expect(at.slotCounts).toEqual([448, 81, 81]);
  });
});
