/**
 * `trtllm-v2`: an exact port of TensorRT-LLM KVCacheManagerV2's initial pool sizing
 * (StorageManager.__init__ and ratio_to_slot_count_list). Spec: ../shared/reference/kvcache-v2-sizing.md.
 *
 *   layers -> life cycles -> pool groups      (storage.ts)
 *   constraints -> min_slots (floors)         slotsForBatch, max over constraints
 *   typical step | constraints | fallback     -> initial ratio
 *   quota -> grains -> peel loop              -> slot counts (grains.ts)
 */

import { gpuGranularity, grainsForSlots, InsufficientQuotaError, normalize, ratioToSlotCounts, slotsToBytes } from './grains.ts';
import { type BlockRange, intersect, type LifeCycle, rangeLength, staleRange } from './lifecycle.ts';
import { divUp, floorDiv, roundUp } from './pymath.ts';
import { type BatchDesc, batchFromJson, type EngineScenario } from './scenario.ts';
import { cachedStorageLayout, type StorageLayout } from './storage.ts';
import type { Plan, PlanError, PoolGroupPlan, RatioSource } from './types.ts';

export interface SizingContext {
  readonly tokensPerBlock: number;
  readonly layout: StorageLayout;
  readonly scratchRewindTokens: number | null;
}

/** compute_scratch_range: prompt blocks of this chunk that are already out of window at its end. */
function scratchRange(lc: LifeCycle, history: number, capacity: number, tpb: number, maxRewind: number): BlockRange {
  if (lc.kind !== 'attn' || lc.windowTokens === null) return { start: 0, end: 0 };
  const capStale = staleRange(lc, Math.max(0, capacity - maxRewind), tpb);
  return intersect(capStale, { start: divUp(history, tpb), end: divUp(capacity, tpb) });
}

/**
 * _compute_slots_for_batch: slots per pool group that one step of `batch` needs. Sums over life
 * cycles (a pool group with k life cycles pays k times per request); a shared system prompt is
 * counted once, as the blocks that are live for any request.
 */
export function slotsForBatch(ctx: SizingContext, batch: BatchDesc): number[] {
  const { tokensPerBlock: tpb, layout } = ctx;
  const slots = new Array<number>(layout.poolGroups.length).fill(0);
  const sysBlocks = floorDiv(batch.systemPromptLength, tpb);
  const sysRange = { start: 0, end: sysBlocks };
  for (const lc of layout.lifeCycles) {
    const pg = layout.lifeCyclePoolGroup[lc.id];
    if (lc.kind === 'ssm') {
      for (const kv of batch.kvCaches) slots[pg] += kv.count; // one dedicated slot per request
      continue;
    }
    let common = sysRange;
    for (const kv of batch.kvCaches) common = intersect(common, staleRange(lc, kv.history, tpb));
    slots[pg] += sysBlocks - rangeLength(common);
    for (const kv of batch.kvCaches) {
      const stale = staleRange(lc, kv.history, tpb);
      const nonStale = divUp(kv.capacity, tpb) - rangeLength(stale);
      const nonStaleSys = sysBlocks - rangeLength(intersect(stale, sysRange));
      const unique = Math.max(0, nonStale - nonStaleSys);
      let perRequest = unique;
      if (ctx.scratchRewindTokens !== null) {
        const nScratch = rangeLength(scratchRange(lc, kv.history, kv.capacity, tpb, ctx.scratchRewindTokens));
        const [num, den] = layout.slotUtilFracMax[lc.id];
        perRequest = unique - nScratch + divUp(nScratch * num, den); // math.ceil(n * Fraction)
      }
      slots[pg] += perRequest * kv.count;
    }
  }
  return slots;
}

/** _compute_min_slots_from_constraints: 1 per life cycle, raised by every constraint batch. */
export function minSlotsFor(ctx: SizingContext, constraintSlots: readonly (readonly number[])[]): number[] {
  const min = ctx.layout.poolGroups.map((g) => g.lifeCycleIds.length);
  for (const c of constraintSlots) {
    for (let pg = 0; pg < c.length; pg++) min[pg] = Math.max(min[pg], c[pg]);
  }
  return min;
}

/** ratio_from_length: price one request of this shape (rebalancing), not rounded to grains. */
export function ratioFromLength(ctx: SizingContext, history: number, capacity: number): number[] {
  const { tokensPerBlock: tpb, layout } = ctx;
  const cap = Math.max(capacity, history);
  const bytes = new Array<number>(layout.poolGroups.length).fill(0);
  for (const lc of layout.lifeCycles) {
    const pg = layout.lifeCyclePoolGroup[lc.id];
    const blocks = lc.kind === 'ssm' ? 1 : Math.max(divUp(cap, tpb) - rangeLength(staleRange(lc, history, tpb)), 1);
    bytes[pg] += blocks * layout.poolGroups[pg].slotSizeList.reduce((a, b) => a + b, 0);
  }
  return normalize(bytes);
}

const FALLBACK_BATCH: BatchDesc = { kvCaches: [{ capacity: 2049, history: 2048, count: 1 }], systemPromptLength: 0 };

function ratioFromSlots(slots: readonly number[], sizeLists: readonly (readonly number[])[], gran: number): number[] {
  return normalize(slotsToBytes(slots, sizeLists, gran));
}

/** Display name of a pool group, from what lives in it (DeepSeek-V4's SWA / COMPRESS / STATE). */
function poolGroupName(layout: StorageLayout, pg: number, roles: readonly string[]): string {
  const lcs = layout.poolGroups[pg].lifeCycleIds.map((id) => layout.lifeCycles[id]);
  if (lcs.every((lc) => lc.kind === 'ssm')) return 'SSM';
  if (roles.includes('swa_kv')) return 'SWA';
  if (roles.some((r) => r === 'compress_kv' || r === 'indexer_compress_k')) return 'COMPRESS';
  if (roles.length > 0 && roles.every((r) => r.startsWith('compressor_') || r.startsWith('indexer_compressor_'))) return 'STATE';
  const parts = lcs.map((lc) => (lc.kind === 'ssm' ? 'SSM' : lc.windowTokens === null ? 'FULL' : `SWA-${lc.windowTokens}`));
  return [...new Set(parts)].join('+');
}

function poolGroupPlans(s: EngineScenario, layout: StorageLayout): PoolGroupPlan[] {
  const roles = layout.poolGroups.map(() => new Set<string>());
  const layerIds: number[][] = layout.poolGroups.map(() => []);
  s.layers.forEach((layer, i) => {
    const pg = layout.lifeCyclePoolGroup[layout.layerLifeCycle[i]];
    layerIds[pg].push(layer.layer_id);
    for (const b of layer.buffers) roles[pg].add(b.role);
  });
  return layout.poolGroups.map((g, index) => {
    const roleList = [...roles[index]];
    return {
      index,
      name: poolGroupName(layout, index, roleList),
      lifeCycleIds: g.lifeCycleIds,
      slotSizeList: g.slotSizeList,
      slotBytes: g.slotSizeList.reduce((a, b) => a + b, 0),
      roles: roleList,
      layerIds: layerIds[index],
    };
  });
}

const poolPlanCache = new WeakMap<StorageLayout, PoolGroupPlan[]>();

/** Layout and pool group descriptions, shared by every plan of the same layers (see cachedStorageLayout). */
function layoutFor(s: EngineScenario): { layout: StorageLayout; pools: PoolGroupPlan[] } {
  const layout = cachedStorageLayout(s.layers, s.tokens_per_block);
  let pools = poolPlanCache.get(layout);
  if (!pools) {
    pools = poolGroupPlans(s, layout);
    poolPlanCache.set(layout, pools);
  }
  return { layout, pools };
}

function emptySizing(s: EngineScenario, layout: StorageLayout, pools: PoolGroupPlan[], error: PlanError): Plan {
  const n = layout.poolGroups.length;
  return {
    scenario: s,
    tokensPerBlock: s.tokens_per_block,
    lifeCycles: layout.lifeCycles,
    lifeCyclePoolGroup: layout.lifeCyclePoolGroup,
    poolGroups: pools,
    granularityBytes: 0,
    typicalStep: s.typical_step ? batchFromJson(s.typical_step) : null,
    constraints: s.constraints.map(batchFromJson),
    typicalStepSlots: null,
    constraintSlots: [],
    minSlots: new Array(n).fill(0),
    minQuotaBytes: 0,
    quotaRoundedBytes: 0,
    effectiveQuotaBytes: 0,
    quotaRaisedToMin: false,
    totalGrains: 0,
    ratioSource: 'fallback_2049_2048',
    initialRatio: [],
    slotCounts: new Array(n).fill(0),
    grainsPerPoolGroup: new Array(n).fill(0),
    bytesPerPoolGroup: new Array(n).fill(0),
    rebalance: null,
    error,
  };
}

/** Size the pools of an engine scenario exactly as KVCacheManagerV2 does. */
export function planScenario(s: EngineScenario): Plan {
  const tpb = s.tokens_per_block;
  const { layout, pools } = layoutFor(s);
  if (!(s.gpu_quota_bytes > 0)) return emptySizing(s, layout, pools, { type: 'AssertionError', message: 'Quota must be positive' });
  const ctx: SizingContext = { tokensPerBlock: tpb, layout, scratchRewindTokens: s.swa_scratch_reuse?.max_rewind_len ?? null };
  const sizeLists = layout.poolGroups.map((g) => g.slotSizeList);
  const gran = gpuGranularity(s.gpu_quota_bytes);
  const typicalStep = s.typical_step ? batchFromJson(s.typical_step) : null;
  const constraints = s.constraints.map(batchFromJson);
  const constraintSlots = constraints.map((c) => slotsForBatch(ctx, c));
  const minSlots = minSlotsFor(ctx, constraintSlots);
  const typicalStepSlots = typicalStep ? slotsForBatch(ctx, typicalStep) : null;

  let ratioSource: RatioSource;
  let initialRatio: number[];
  if (s.initial_pool_ratio) {
    ratioSource = 'initial_pool_ratio';
    initialRatio = [...s.initial_pool_ratio];
  } else if (typicalStepSlots) {
    ratioSource = 'typical_step';
    initialRatio = ratioFromSlots(typicalStepSlots, sizeLists, gran);
  } else if (constraints.length > 0) {
    ratioSource = 'constraints';
    initialRatio = ratioFromSlots(minSlots, sizeLists, gran);
  } else {
    ratioSource = 'fallback_2049_2048';
    initialRatio = ratioFromSlots(slotsForBatch(ctx, FALLBACK_BATCH), sizeLists, gran);
  }

  const minQuotaBytes = slotsToBytes(minSlots, sizeLists, gran).reduce((a, b) => a + b, 0);
  const quotaRoundedBytes = roundUp(s.gpu_quota_bytes, gran);
  const effectiveQuotaBytes = Math.max(minQuotaBytes, quotaRoundedBytes);
  const totalGrains = effectiveQuotaBytes / gran;
  const base = {
    ...emptySizing(s, layout, pools, { type: '', message: '' }),
    granularityBytes: gran,
    typicalStep,
    constraints,
    typicalStepSlots,
    constraintSlots,
    minSlots,
    minQuotaBytes,
    quotaRoundedBytes,
    effectiveQuotaBytes,
    quotaRaisedToMin: minQuotaBytes > quotaRoundedBytes,
    totalGrains,
    ratioSource,
    initialRatio,
  };
  try {
    if (initialRatio.length !== sizeLists.length) {
      return { ...base, error: { type: 'AssertionError', message: `Wrong ratio_list length. Expected ${sizeLists.length}, got ${initialRatio.length}` } };
    }
    if (!initialRatio.every((r) => r > 0)) {
      return { ...base, error: { type: 'AssertionError', message: `every pool group ratio must be > 0, got [${initialRatio.join(', ')}]` } };
    }
    const slotCounts = ratioToSlotCounts(totalGrains, sizeLists, initialRatio, gran, minSlots);
    const grainsPerPoolGroup = slotCounts.map((n, pg) => grainsForSlots(n, sizeLists[pg], gran));
    let rebalance: Plan['rebalance'] = null;
    if (s.rebalance_target_length) {
      const ratio = ratioFromLength(ctx, s.rebalance_target_length.history, s.rebalance_target_length.capacity);
      rebalance = { ratio, slotCounts: ratioToSlotCounts(totalGrains, sizeLists, ratio, gran, minSlots) };
    }
    return { ...base, slotCounts, grainsPerPoolGroup, bytesPerPoolGroup: grainsPerPoolGroup.map((g) => g * gran), rebalance, error: null };
  } catch (e) {
    if (e instanceof InsufficientQuotaError) return { ...base, error: { type: 'ValueError', message: e.message } };
    throw e;
  }
}
