/**
 * The planner's output in the engine scenario format (snake_case, the engine's names), plus the
 * bookkeeping the golden cases carry (grains, realized slots per pool, adjust error).
 */
import { divUp } from './pymath.ts';
import { batchToJson } from './scenario.ts';
import type { Plan } from './types.ts';

export interface PlanJson {
  name?: string;
  life_cycles: ({ id: number; kind: 'attn'; window: number | null; sink_blocks: number; pool_group: number } | { id: number; kind: 'ssm'; pool_group: number })[];
  pool_groups: { index: number; name: string; life_cycle_ids: number[]; slot_size_list: number[]; slot_bytes: number }[];
  granularity: number;
  typical_step_slots_by_life_cycle: number[] | null;
  typical_step_slots: number[] | null;
  constraint_slots: number[][];
  structural_floor_by_life_cycle: number[];
  min_slots: number[];
  max_util_for_resume: number | null;
  min_quota_bytes: number;
  quota_rounded_bytes: number;
  effective_quota_bytes: number;
  quota_raised_to_min: boolean;
  total_grains: number;
  ratio_source: string;
  life_cycle_ratio: number[] | null;
  initial_ratio: number[];
  slot_counts: number[];
  slot_counts_by_life_cycle: number[];
  grains_per_pool_group: number[];
  bytes_per_pool_group: number[];
  slot_bytes_used_per_pool_group: number[];
  realized_slots_per_pool: number[][];
  rebalance?: { ratio: number[]; slot_counts: number[] };
  adjust_to_this_quota_error: { type: string; message: string } | null;
  error: { type: string; message: string } | null;
  [extra: string]: unknown;
}

export function planToJson(plan: Plan): PlanJson {
  const gran = plan.granularityBytes;
  const out: PlanJson = {
    life_cycles: plan.lifeCycles.map((lc) =>
      lc.kind === 'ssm'
        ? { id: lc.id, kind: 'ssm' as const, pool_group: plan.lifeCyclePoolGroup[lc.id] }
        : { id: lc.id, kind: 'attn' as const, window: lc.windowTokens, sink_blocks: lc.sinkBlocks, pool_group: plan.lifeCyclePoolGroup[lc.id] },
    ),
    pool_groups: plan.poolGroups.map((g) => ({
      index: g.index,
      name: g.name,
      life_cycle_ids: [...g.lifeCycleIds],
      slot_size_list: [...g.slotSizeList],
      slot_bytes: g.slotBytes,
    })),
    granularity: gran,
    typical_step_slots_by_life_cycle: plan.typicalStepSlotsByLifeCycle ? [...plan.typicalStepSlotsByLifeCycle] : null,
    typical_step_slots: plan.typicalStepSlots ? [...plan.typicalStepSlots] : null,
    constraint_slots: plan.constraintSlots.map((c) => [...c]),
    structural_floor_by_life_cycle: [...plan.structuralFloorByLifeCycle],
    min_slots: [...plan.minSlots],
    max_util_for_resume: plan.maxUtilForResume,
    min_quota_bytes: plan.minQuotaBytes,
    quota_rounded_bytes: plan.quotaRoundedBytes,
    effective_quota_bytes: plan.effectiveQuotaBytes,
    quota_raised_to_min: plan.quotaRaisedToMin,
    total_grains: plan.totalGrains,
    ratio_source: plan.ratioSource,
    life_cycle_ratio: plan.lifeCycleRatio ? [...plan.lifeCycleRatio] : null,
    initial_ratio: [...plan.initialRatio],
    slot_counts: [...plan.slotCounts],
    slot_counts_by_life_cycle: plan.lifeCycles.map((lc) => plan.slotCounts[plan.lifeCyclePoolGroup[lc.id]]),
    grains_per_pool_group: [...plan.grainsPerPoolGroup],
    bytes_per_pool_group: [...plan.bytesPerPoolGroup],
    slot_bytes_used_per_pool_group: plan.slotCounts.map((n, pg) => n * plan.poolGroups[pg].slotBytes),
    // Slots each pool could hold in the grains it was rounded up to (pools of a group may differ).
    realized_slots_per_pool: plan.slotCounts.map((n, pg) => plan.poolGroups[pg].slotSizeList.map((size) => (gran > 0 ? Math.floor((divUp(n * size, gran) * gran) / size) : 0))),
    // What adjust()/resize to this same quota would say (it refuses less than min_quota).
    adjust_to_this_quota_error:
      plan.error === null && plan.quotaRoundedBytes < plan.minQuotaBytes
        ? { type: 'ValueError', message: `Quota ${plan.quotaRoundedBytes} is insufficient for min_slots constraints (requires at least ${plan.minQuotaBytes})` }
        : null,
    error: plan.error,
    typical_step: plan.typicalStep ? batchToJson(plan.typicalStep) : null,
    constraints: plan.constraints.map(batchToJson),
  };
  if (plan.scenario.name !== undefined) out.name = plan.scenario.name;
  if (plan.rebalance) out.rebalance = { ratio: [...plan.rebalance.ratio], slot_counts: [...plan.rebalance.slotCounts] };
  return out;
}
