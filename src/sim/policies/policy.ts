/** What a scheduler policy sees: the run's limits, and one `schedule` call per pass. */
import type { SimState } from '../state.ts';

export interface PolicyOptions {
  readonly maxBatchSize: number;
  readonly maxNumTokens: number;
  readonly maxUtilForResume: number;
  readonly recomputePause: boolean;
  readonly draftTokens: number;
}

export interface Policy {
  /** Decide who runs in the current pass (state.step): resize caches and mark requests scheduled. */
  schedule(state: SimState): void;
}
