/**
 * `trtllm-v2`: an exact port of TensorRT-LLM KVCacheManagerV2's initial pool sizing, in two
 * versions that share this one mechanism and differ by the named rules of trtllm-rules.ts:
 *
 *   @15401  the Python StorageManager.__init__ / ratio_to_slot_count_list of the #15401 era
 *   @main   the C++ StorageManager constructor (storageManager.cpp @ afe52a0) and
 *           CacheLevelStorage::ratioToSlotCountList (storage/core.cpp)
 *
 *   layers -> life cycles -> pool groups            storage.ts, trtllm-layout.ts (order)
 *   constraints -> min_slots (floors, headroom)     trtllm-slots.ts
 *   given | typical step | constraints | fallback   -> initial ratio (trtllm-ratio.ts)
 *   quota -> grains -> peel loop                    -> slot counts (grains.ts)
 *
 * Written account: docs/trtllm-v2-sizing.md.
 */
import { describeLimit, LIMITS } from '../limits.ts';
import { InputError } from '../model/errors.ts';
import { gpuGranularity, grainsForSlots, InsufficientQuotaError, ratioToSlotCounts, slotsToBytes } from './grains.ts';
import { roundUp } from './pymath.ts';
import { type BatchDesc, batchFromJson, type EngineScenario } from './scenario.ts';
import type { StorageLayout } from './storage.ts';
import { layoutFor } from './trtllm-layout.ts';
import { chooseRatio, ratioFromLength } from './trtllm-ratio.ts';
import { DEFAULT_MAX_UTIL_FOR_RESUME, RULES_15401, TRTLLM_RULE_IDS, type TrtRules } from './trtllm-rules.ts';
import { minSlotsFor, perPoolGroup, type SizingContext, slotsForBatchByLifeCycle, structuralFloors } from './trtllm-slots.ts';
import type { Plan, PlanError, PoolGroupPlan } from './types.ts';

export { type SizingContext, slotsForBatch } from './trtllm-slots.ts';

export interface PlanOptions {
  /** Overrides the scenario's max_util_for_resume (read only with rule resume-headroom). */
  readonly maxUtilForResume?: number;
}

function emptySizing(s: EngineScenario, layout: StorageLayout, pools: PoolGroupPlan[], rules: TrtRules, error: PlanError): Plan {
  const n = layout.poolGroups.length;
  const nLc = layout.lifeCycles.length;
  return {
    scenario: s,
    rules: TRTLLM_RULE_IDS.filter((r) => rules.has(r)),
    tokensPerBlock: s.tokens_per_block,
    lifeCycles: layout.lifeCycles,
    lifeCyclePoolGroup: layout.lifeCyclePoolGroup,
    poolGroups: pools,
    granularityBytes: 0,
    typicalStep: s.typical_step ? batchFromJson(s.typical_step) : null,
    constraints: s.constraints.map(batchFromJson),
    typicalStepSlots: null,
    typicalStepSlotsByLifeCycle: null,
    constraintSlots: [],
    structuralFloorByLifeCycle: new Array(nLc).fill(0),
    minSlots: new Array(n).fill(0),
    maxUtilForResume: null,
    minQuotaBytes: 0,
    quotaRoundedBytes: 0,
    effectiveQuotaBytes: 0,
    quotaRaisedToMin: false,
    totalGrains: 0,
    ratioSource: 'fallback_2049_2048',
    initialRatio: [],
    lifeCycleRatio: null,
    slotCounts: new Array(n).fill(0),
    grainsPerPoolGroup: new Array(n).fill(0),
    bytesPerPoolGroup: new Array(n).fill(0),
    rebalance: null,
    error,
  };
}

/** The #15401-era checks of a per-pool-group ratio (AssertionError in the Python manager). */
function legacyRatioError(ratio: readonly number[], n: number): PlanError | null {
  if (ratio.length !== n) return { type: 'AssertionError', message: `Wrong ratio_list length. Expected ${n}, got ${ratio.length}` };
  if (!ratio.every((r) => r > 0)) return { type: 'AssertionError', message: `every pool group ratio must be > 0, got [${ratio.join(', ')}]` };
  return null;
}

/** The max_util_for_resume the headroom divides by; null when the rule is off. */
function resumeUtil(s: EngineScenario, rules: TrtRules, o: PlanOptions): number | null {
  if (!rules.has('resume-headroom')) return null;
  return o.maxUtilForResume ?? s.max_util_for_resume ?? DEFAULT_MAX_UTIL_FOR_RESUME;
}

/**
 * Bytes past LIMITS.bytes (1 PiB) are refused before any sizing. The engine computes them exactly
 * (Python ints, C++ size_t) and would then ask the GPU for them; here, past 2^53 a number is no
 * longer the exact byte count, so min_quota, the grains and every slot count after them would be
 * silently wrong. Within the limit every later product (grains x granularity, slots x slot size)
 * stays below 2^51. `layers` is named when one slot alone is too large, or the floors alone are.
 */
function refuseOversizedBytes(layout: StorageLayout, floorsByLc: readonly number[], gran: number, minSlots: readonly number[], minQuotaBytes: number): void {
  const sizeLists = layout.poolGroups.map((g) => g.slotSizeList);
  const max = LIMITS.bytes.max;
  const approx = (bytes: number) => `${bytes.toPrecision(3)} bytes`; // past 2^53 the digits are not exact
  sizeLists.forEach((list, pg) => {
    const slot = list.reduce((a, b) => a + b, 0);
    if (slot > max) throw new InputError('layers', `one slot of ${approx(slot)} in pool group ${pg}`, `bytes_per_block x buffers sharing a slot ${describeLimit('bytes')}`);
  });
  if (minQuotaBytes <= max) return;
  const floorQuotaBytes = slotsToBytes(perPoolGroup(layout, floorsByLc), sizeLists, gran).reduce((a, b) => a + b, 0);
  const field = floorQuotaBytes > max ? 'layers' : 'constraints';
  const fix = field === 'layers' ? 'windows and buffers' : 'batches (fewer or shorter requests)';
  throw new InputError(field, `min_quota of ${approx(minQuotaBytes)}`, `${fix} whose min_quota (min_slots [${minSlots.join(', ')}] x slot bytes) is ${describeLimit('bytes')}`);
}

/** The same scenario at another quota, sized with the plan's own version rules and resume gate. */
export function replanAtQuota(plan: Plan, quotaBytes: number): Plan {
  return planScenario({ ...plan.scenario, gpu_quota_bytes: quotaBytes }, new Set(plan.rules), { maxUtilForResume: plan.maxUtilForResume ?? undefined });
}

/**
 * Size the pools of an engine scenario exactly as KVCacheManagerV2 does, with the given version
 * rules (default: none, the #15401 era).
 */
export function planScenario(s: EngineScenario, rules: TrtRules = RULES_15401, o: PlanOptions = {}): Plan {
  const tpb = s.tokens_per_block;
  const { layout, pools, firstAppearance } = layoutFor(s, rules);
  if (!(s.gpu_quota_bytes > 0)) return emptySizing(s, layout, pools, rules, { type: 'AssertionError', message: 'Quota must be positive' });
  const mu = resumeUtil(s, rules, o);
  const ctx: SizingContext = { tokensPerBlock: tpb, layout, scratchRewindTokens: s.swa_scratch_reuse?.max_rewind_len ?? null };
  const sizeLists = layout.poolGroups.map((g) => g.slotSizeList);
  const gran = gpuGranularity(s.gpu_quota_bytes);
  const typicalStep: BatchDesc | null = s.typical_step ? batchFromJson(s.typical_step) : null;
  const constraints = s.constraints.map(batchFromJson);
  const constraintSlotsByLc = constraints.map((c) => slotsForBatchByLifeCycle(ctx, c));
  const constraintSlots = constraintSlotsByLc.map((c) => perPoolGroup(layout, c));
  const floorsByLc = structuralFloors(layout, tpb, rules);
  const minSlots = minSlotsFor(layout, floorsByLc, constraintSlots, rules, mu ?? 1);
  const typicalByLc = typicalStep ? slotsForBatchByLifeCycle(ctx, typicalStep) : null;

  const minQuotaBytes = slotsToBytes(minSlots, sizeLists, gran).reduce((a, b) => a + b, 0);
  const quotaRoundedBytes = roundUp(s.gpu_quota_bytes, gran);
  const effectiveQuotaBytes = Math.max(minQuotaBytes, quotaRoundedBytes);
  const totalGrains = effectiveQuotaBytes / gran;
  const base: Plan = {
    ...emptySizing(s, layout, pools, rules, { type: '', message: '' }),
    granularityBytes: gran,
    typicalStep,
    constraints,
    typicalStepSlots: typicalByLc ? perPoolGroup(layout, typicalByLc) : null,
    typicalStepSlotsByLifeCycle: typicalByLc,
    constraintSlots,
    structuralFloorByLifeCycle: floorsByLc,
    minSlots,
    maxUtilForResume: mu,
    minQuotaBytes,
    quotaRoundedBytes,
    effectiveQuotaBytes,
    quotaRaisedToMin: minQuotaBytes > quotaRoundedBytes,
    totalGrains,
  };
  // The resume gate's range is checked before anything else is sized (computeSlotsFromConstraints).
  if (mu !== null && !(Math.fround(mu) > 0 && Math.fround(mu) <= 1)) {
    return { ...base, error: { type: 'tensorrt_llm::common::TllmException', message: 'max_util_for_resume must be in (0, 1]' } };
  }
  refuseOversizedBytes(layout, floorsByLc, gran, minSlots, minQuotaBytes);
  // A per-pool-group ratio is given in first-appearance order; the plan may index pool groups otherwise.
  const givenPg = !rules.has('per-life-cycle-ratio') && s.initial_pool_ratio ? firstAppearance.map((i) => s.initial_pool_ratio?.[i] ?? Number.NaN) : null;
  if (givenPg && s.initial_pool_ratio) {
    const err = legacyRatioError(s.initial_pool_ratio, sizeLists.length);
    if (err) return { ...base, ratioSource: 'initial_pool_ratio', initialRatio: [...s.initial_pool_ratio], error: err };
  }
  const choice = chooseRatio({ ctx, gran, typicalStep, constraints, constraintSlotsByLc, floorsByLc, minSlots, given: s.initial_pool_ratio, mu: mu ?? 1 }, rules, givenPg);
  const withRatio: Plan = { ...base, ratioSource: choice.source, initialRatio: choice.ratio, lifeCycleRatio: choice.lifeCycleRatio };
  if (choice.error) return { ...withRatio, error: choice.error };
  try {
    const slotCounts = ratioToSlotCounts(totalGrains, sizeLists, choice.ratio, gran, minSlots);
    const grainsPerPoolGroup = slotCounts.map((n, pg) => grainsForSlots(n, sizeLists[pg], gran));
    let rebalance: Plan['rebalance'] = null;
    if (s.rebalance_target_length) {
      const ratio = ratioFromLength(ctx, s.rebalance_target_length.history, s.rebalance_target_length.capacity, rules);
      rebalance = { ratio, slotCounts: ratioToSlotCounts(totalGrains, sizeLists, ratio, gran, minSlots) };
    }
    return { ...withRatio, slotCounts, grainsPerPoolGroup, bytesPerPoolGroup: grainsPerPoolGroup.map((g) => g * gran), rebalance, error: null };
  } catch (e) {
    if (e instanceof InsufficientQuotaError) return { ...withRatio, error: { type: 'ValueError', message: e.message } };
    throw e;
  }
}
