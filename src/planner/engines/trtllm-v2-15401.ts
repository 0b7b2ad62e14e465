/**
 * `trtllm-v2@15401`: TensorRT-LLM KVCacheManagerV2 sizing as it stood when issue #15401 was
 * reported (the Python `_storage_manager.py` / `_storage/_core.py` of that era; the wrapper modes
 * of build.ts). No version rule switched on.
 */
import { RULES_15401 } from '../trtllm-rules.ts';
import { modesFor, TRTLLM_WRAPPER_KNOBS, trtllmSizer } from './trtllm.ts';

export const trtllmV2At15401 = trtllmSizer({
  id: 'trtllm-v2@15401',
  label: 'TensorRT-LLM V2 (#15401 era)',
  source: 'Python StorageManager of the #15401 era (tensorrt_llm/runtime/kv_cache_manager_v2/_storage_manager.py); DSV4 wrapper as in #15401',
  rules: RULES_15401,
  // initial_pool_ratio of that era: one number per pool group, normalised.
  ratioPer: 'pool-group',
  knobs: TRTLLM_WRAPPER_KNOBS,
  // The wrapper of that era builds as-shipped (#15401, #16269) or, after PR #16545, upstream.
  modes: modesFor(['as-shipped', 'upstream'], 'as-shipped'),
});
