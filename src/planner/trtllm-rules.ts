/**
 * What changed in TensorRT-LLM KVCacheManagerV2 sizing between the #15401 era (the Python storage
 * manager) and main (the C++ storage manager at afe52a0, the wrapper at 0076e93), as small named
 * rules. One sizer (trtllm-v2.ts) runs with a set of these switched on: none is `trtllm-v2@15401`,
 * all is `trtllm-v2@main`. Each can be switched off alone, which is how `compareEngines` attributes
 * a moved number to the rule that moved it. See docs/trtllm-v2-sizing.md for the full account.
 *
 * Engine files (NVIDIA/TensorRT-LLM):
 *   cpp/tensorrt_llm/batch_manager/kv_cache_manager_v2/storageManager.cpp      @ afe52a0
 *   cpp/tensorrt_llm/batch_manager/kv_cache_manager_v2/storage/config.cpp      @ afe52a0
 *   cpp/tensorrt_llm/batch_manager/kv_cache_manager_v2/storage/core.cpp        (stored version 55157404688)
 *   tensorrt_llm/_torch/pyexecutor/kv_cache/kv_cache_manager_v2.py             @ 0076e93
 */

export const TRTLLM_RULE_IDS = [
  'structural-floor',
  'resume-headroom',
  'per-life-cycle-ratio',
  'float32-ratio',
  'pool-group-order',
  'peel-loop',
  'wrapper-main',
] as const;
export type TrtRuleId = (typeof TRTLLM_RULE_IDS)[number];

export interface TrtRule {
  readonly id: TrtRuleId;
  /** Short name used in diffs: "STATE floor 1 -> 2: structural floor, ...". */
  readonly title: string;
  /** One line: why the engine does this. */
  readonly why: string;
  /** Where it came from (PR, or the file when no PR is recorded). */
  readonly origin: string;
}

export const TRTLLM_RULES: Readonly<Record<TrtRuleId, TrtRule>> = {
  'structural-floor': {
    id: 'structural-floor',
    title: 'structural floor',
    why: 'a window of w tokens at tpb spans up to sink + (w + tpb - 2) // tpb + 1 blocks while it slides; full attention gets the largest of those; recurrent state 1',
    origin: 'PR #15588 (storageManager.cpp computeSlotsFromConstraints)',
  },
  'resume-headroom': {
    id: 'resume-headroom',
    title: 'resume headroom',
    why: 'KvCache::resume refuses a pool group above max_util_for_resume, so each constraint floor becomes ceil(slots / max_util_for_resume)',
    origin: 'PR #16484 (storageManager.cpp computePoolGroupMinSlotsFromConstraints)',
  },
  'per-life-cycle-ratio': {
    id: 'per-life-cycle-ratio',
    title: 'ratio per life cycle',
    why: 'the C++ manager weighs bytes per life cycle (layer group), then sums per pool group; initial_pool_ratio has one entry per life cycle and must sum to 1',
    origin: 'C++ StorageManager constructor and toPoolGroupRatio (storageManager.cpp @ afe52a0; no PR recorded)',
  },
  'float32-ratio': {
    id: 'float32-ratio',
    title: 'float32 ratio',
    why: 'ratios are std::vector<float>: every normalisation divides float32 by float32, and the peel loop reads float32 ratios',
    origin: 'normalizeToRatio (utils header) and ratioToSlotCountList (core.cpp; no PR recorded)',
  },
  'pool-group-order': {
    id: 'pool-group-order',
    title: 'pool-group order',
    why: 'pool groups are the keys of a std::map on slot_size_list, so they come in ascending lexicographic order of it, not in order of first appearance',
    origin: 'createStorageConfig (storage/config.cpp @ afe52a0; no PR recorded)',
  },
  'peel-loop': {
    id: 'peel-loop',
    title: 'C++ peel loop',
    why: 'std::sort (stable below 17 groups) and "Insufficient quota" only when no grain remains; no number moves at initial sizing, where the quota is first raised to min_quota',
    origin: 'ratioToSlotCountList (core.cpp; no PR recorded)',
  },
  'wrapper-main': {
    id: 'wrapper-main',
    title: 'wrapper at 0076e93',
    why: 'typical step and constraints only when pool_ratio is unset and a typical length exists; C1 gains mbs-1 minimal decodes (capped by the CUDA-graph batch size in the estimation pass), C2 the extra KV tokens',
    origin: 'PR #16545, PR #18910 (kv_cache_manager_v2.py _build_base_config @ 0076e93)',
  },
};

/** The sizing rules a plan runs with (the wrapper rule acts on the constraint mode, not here). */
export type TrtRules = ReadonlySet<TrtRuleId>;

export const RULES_15401: TrtRules = new Set<TrtRuleId>();
export const RULES_MAIN: TrtRules = new Set<TrtRuleId>(TRTLLM_RULE_IDS);

/** The wrapper's default max_util_for_resume (llm_args; the C++ core's own default is 0.97). */
export const DEFAULT_MAX_UTIL_FOR_RESUME = 0.95;

export function withoutRule(rules: TrtRules, id: TrtRuleId): TrtRules {
  const out = new Set(rules);
  out.delete(id);
  return out;
}
