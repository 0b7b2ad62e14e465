/**
 * A layout-only engine's pools (vLLM, SGLang) in the `Plan` shape the simulator's scenario and
 * trace code carry. Only the `PoolLayout` fields are the engine's; the TensorRT-LLM-only fields
 * (floors, ratios, grains) are neutral placeholders that nothing shows as an engine figure: views
 * of such a plan read the sizer's own report instead.
 */
import type { Plan, PoolLayout } from '../types.ts';

export function layoutAsPlan(layout: PoolLayout, quota: number): Plan {
  return {
    ...layout,
    scenario: { tokens_per_block: layout.tokensPerBlock, layers: [], gpu_quota_bytes: quota, typical_step: null, constraints: [], initial_pool_ratio: null },
    granularityBytes: 1,
    typicalStep: null,
    constraints: [],
    typicalStepSlots: null,
    constraintSlots: [],
    minSlots: layout.slotCounts.map(() => 1),
    minQuotaBytes: 0,
    quotaRoundedBytes: quota,
    effectiveQuotaBytes: quota,
    quotaRaisedToMin: false,
    totalGrains: 0,
    ratioSource: 'constraints',
    initialRatio: layout.slotCounts.map(() => 1 / Math.max(1, layout.slotCounts.length)),
    grainsPerPoolGroup: layout.slotCounts.map(() => 0),
    bytesPerPoolGroup: layout.poolGroups.map((g, i) => g.slotBytes * layout.slotCounts[i]),
    rebalance: null,
    rules: [],
    typicalStepSlotsByLifeCycle: null,
    structuralFloorByLifeCycle: layout.lifeCycles.map(() => 1),
    maxUtilForResume: null,
    lifeCycleRatio: null,
  };
}
