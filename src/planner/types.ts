/**
 * What the planner returns. `Plan` is the camelCase value the simulator, the GPU layer and the UI
 * consume; `planToJson` (in trtllm-v2.ts) turns it into the engine's snake_case output format.
 */
import type { LifeCycle } from './lifecycle.ts';
import type { BatchDesc, EngineScenario } from './scenario.ts';

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
  readonly tokensPerBlock: number;
  readonly lifeCycles: readonly LifeCycle[];
  /** Pool group of each life cycle (index = life cycle id). */
  readonly lifeCyclePoolGroup: readonly number[];
  readonly poolGroups: readonly PoolGroupPlan[];
  readonly granularityBytes: number;
  readonly typicalStep: BatchDesc | null;
  readonly constraints: readonly BatchDesc[];
  readonly typicalStepSlots: readonly number[] | null;
  readonly constraintSlots: readonly (readonly number[])[];
  readonly minSlots: readonly number[];
  readonly minQuotaBytes: number;
  readonly quotaRoundedBytes: number;
  readonly effectiveQuotaBytes: number;
  readonly quotaRaisedToMin: boolean;
  readonly totalGrains: number;
  readonly ratioSource: RatioSource;
  readonly initialRatio: readonly number[];
  /** The headline result: GPU slots per pool group. */
  readonly slotCounts: readonly number[];
  readonly grainsPerPoolGroup: readonly number[];
  readonly bytesPerPoolGroup: readonly number[];
  readonly rebalance: { readonly ratio: readonly number[]; readonly slotCounts: readonly number[] } | null;
  /** Non-null when the engine would refuse the input (then every sizing field is empty). */
  readonly error: PlanError | null;
}
