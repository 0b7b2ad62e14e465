/**
 * `trtllm-v2@main`: TensorRT-LLM KVCacheManagerV2 sizing today: the C++ storage manager
 * (cpp/tensorrt_llm/batch_manager/kv_cache_manager_v2/storageManager.cpp, storage/config.cpp at
 * afe52a0; storage/core.cpp) with the wrapper's `_build_base_config` at 0076e93
 * (tensorrt_llm/_torch/pyexecutor/kv_cache/kv_cache_manager_v2.py). Every version rule on.
 * Open question the code did not settle: whether the wrapper runs the C++ or the Python backend by default.
 */
import { DEFAULT_MAX_UTIL_FOR_RESUME, RULES_MAIN } from '../trtllm-rules.ts';
import { modesFor, TRTLLM_WRAPPER_KNOBS, trtllmSizer } from './trtllm.ts';

export const trtllmV2AtMain = trtllmSizer({
  id: 'trtllm-v2@main',
  label: 'TensorRT-LLM V2 (main)',
  source: 'C++ StorageManager at afe52a0 (storageManager.cpp, storage/config.cpp, storage/core.cpp) and the wrapper at 0076e93 (kv_cache_manager_v2.py)',
  rules: RULES_MAIN,
  // Per-life-cycle ratios summing to 1 (the C++ storage manager).
  ratioPer: 'life-cycle',
  knobs: [
    ...TRTLLM_WRAPPER_KNOBS,
    { name: 'maxUtilForResume', flag: 'max-util-for-resume', urlKey: 'util', type: 'number', default: DEFAULT_MAX_UTIL_FOR_RESUME, min: 0, minExclusive: true, max: 1, help: 'kv_cache_config.max_util_for_resume in (0, 1]: floors get ceil(slots / U) headroom (PR #16484); also the simulator\'s resume gate' },
    { name: 'maxCudaGraphBatchSize', flag: 'max-cuda-graph-batch-size', urlKey: 'cgbs', type: 'int', default: null, min: 1, help: 'mode main: caps C1\'s minimal decodes in the estimation pass of a model without windows (PR #18910)' },
    { name: 'estimationPass', flag: 'estimation-pass', urlKey: 'est', type: 'bool', default: false, help: 'mode main: plan the KV-cache estimation pass (where the CUDA-graph cap applies)' },
  ],
  modes: modesFor(['main'], 'main'),
});
