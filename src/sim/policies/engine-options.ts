/**
 * Options of the engine-faithful policies (vllm-v1, sglang), carried in SimConfig.enginePolicy. Each is a
 * switch between the engine as shipped and the engine as fixed, so a failure and its fix run in
 * the same scheduler.
 */
export const VLLM_ADMISSIONS = ['full-isl', 'single-bound'] as const;
export type VllmAdmission = (typeof VLLM_ADMISSIONS)[number];
export const SGLANG_EVICTIONS = ['full-lru', 'bottleneck'] as const;
export type SglangEviction = (typeof SGLANG_EVICTIONS)[number];

export interface EngineSimOptions {
  /**
   * vllm-v1 admission gate for a waiting request (scheduler_reserve_full_isl):
   *   full-isl      as shipped before PR #40946: every group reserves cdiv(prompt, block) blocks,
   *                 windowed groups included, without the clamp (vLLM #39734)
   *   single-bound  PR #40946: each group's count clamped to the startup bound (one function for both)
   */
  readonly vllmAdmission?: VllmAdmission;
  /** vLLM max_model_len: the startup bound's cap (min(W - 1 + T, L)). */
  readonly maxModelLen?: number;
  /**
   * sglang eviction when an allocation fails:
   *   full-lru      as shipped: walk the FULL component's LRU, free SWA only on the nodes it evicts (#29662)
   *   bottleneck    fixed: when the SWA pool is the short one, evict out-of-window SWA entries
   */
  readonly sglangEviction?: SglangEviction;
}
