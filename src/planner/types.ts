/**
 * What the planner returns. `Plan` is the camelCase value the simulator, the GPU layer and the UI
 * consume; `planToJson` (in trtllm-v2.ts) turns it into the engine's snake_case output format.
 */
import type { LifeCycle } from './lifecycle.ts';
import type { BatchDesc, EngineScenario } from './scenario.ts';
import type { TrtRuleId } from './trtllm-rules.ts';

export interface PoolGroupPlan {
  readonly index: number;
  /** Short display name: SWA, COMPRESS, STATE (DeepSeek-V4), FULL, SWA-4096, SSM, ... */
  readonly name: string;
  readonly lifeCycleIds: readonly number[];
  /** Coalesced pool sizes in bytes, sorted descending: one pool per entry. */
  readonly slotSizeList: readonly number[];
  /** Sum of slotSizeList: the bytes one slot of this pool group occupies. */
  readonly slotBytes: number;
  /** Buffer roles that live in this pool group (for display). */
  readonly roles: readonly string[];
  /** Manager layer ids registered in this pool group's life cycles. */
  readonly layerIds: readonly number[];
}

export type RatioSource = 'typical_step' | 'constraints' | 'fallback_2049_2048' | 'initial_pool_ratio';

export interface PlanError {
  readonly type: string;
  readonly message: string;
}

export interface Plan {
  readonly scenario: EngineScenario;
  /** The version rules this plan was sized with (none = trtllm-v2@15401, all = trtllm-v2@main). */
  readonly rules: readonly TrtRuleId[];
  readonly tokensPerBlock: number;
  readonly lifeCycles: readonly LifeCycle[];
  /** Pool group of each life cycle (index = life cycle id). */
  readonly lifeCyclePoolGroup: readonly number[];
  readonly poolGroups: readonly PoolGroupPlan[];
  readonly granularityBytes: number;
  readonly typicalStep: BatchDesc | null;
  readonly constraints: readonly BatchDesc[];
  readonly typicalStepSlots: readonly number[] | null;
  readonly typicalStepSlotsByLifeCycle: readonly number[] | null;
  /** Per pool group, unscaled (the headroom applies when they become floors). */
  readonly constraintSlots: readonly (readonly number[])[];
  /** Each life cycle's floor before any constraint: 1 (#15401 era) or its structural floor (main). */
  readonly structuralFloorByLifeCycle: readonly number[];
  readonly minSlots: readonly number[];
  /** The resume utilisation the floors were scaled for; null without the resume-headroom rule. */
  readonly maxUtilForResume: number | null;
  readonly minQuotaBytes: number;
  readonly quotaRoundedBytes: number;
  readonly effectiveQuotaBytes: number;
  readonly quotaRaisedToMin: boolean;
  readonly totalGrains: number;
  readonly ratioSource: RatioSource;
  /** Per pool group, in this plan's pool-group order. */
  readonly initialRatio: readonly number[];
  /** Per life cycle, before summing per pool group (main); null in the #15401 era. */
  readonly lifeCycleRatio: readonly number[] | null;
  /** The headline result: GPU slots per pool group. */
  readonly slotCounts: readonly number[];
  readonly grainsPerPoolGroup: readonly number[];
  readonly bytesPerPoolGroup: readonly number[];
  readonly rebalance: { readonly ratio: readonly number[]; readonly slotCounts: readonly number[] } | null;
  /** Non-null when the engine would refuse the input (then every sizing field is empty). */
  readonly error: PlanError | null;
}

/**
 * What every engine's sizer hands the simulator, the pool grids, the timeline and the explainer:
 * the pools and who lives in them, nothing about how they were sized. vLLM maps to one pool group
 * (its one shared block pool) with one life cycle per KV-cache group; SGLang to two (full, SWA).
 * `src/sim` reads only these fields of a plan.
 */
export type PoolLayout = Pick<Plan, 'tokensPerBlock' | 'lifeCycles' | 'lifeCyclePoolGroup' | 'poolGroups' | 'slotCounts' | 'error'>;
