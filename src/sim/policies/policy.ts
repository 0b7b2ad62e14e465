/** What a scheduler policy sees: the run's limits, and one `schedule` call per pass. */
import type { SimState } from '../state.ts';
import type { EngineSimOptions } from './engine-options.ts';

export interface PolicyOptions {
  readonly maxBatchSize: number;
  readonly maxNumTokens: number;
  readonly maxUtilForResume: number;
  readonly recomputePause: boolean;
  readonly draftTokens: number;
  /** Options of the engine-faithful policies (vllm-v1, sglang). */
  readonly enginePolicy?: EngineSimOptions;
}

export interface Policy {
  /** Decide who runs in the current pass (state.step): resize caches and mark requests scheduled. */
  schedule(state: SimState): void;
  /** The engine's own account of a stall (its log symptom and cause), asked at the first stalled pass. */
  explainStall?(state: SimState): string | null;
}
