/**
 * One-click reproductions of vLLM's and SGLang's own failures, each with its fixed variant, sized by
 * the engines' ported sizers and run by their policies (the stories are shown by the page and CLI).
 *
 *  vllm-39734   Gemma-4-like (25 sliding W=1024 + 5 full, 8 KV heads x 256, bf16, block 16), 7 GiB,
 *               max_model_len 131072, max_num_batched_tokens 8192: startup accepts (one request of
 *               max_model_len needs 6.76 GiB), num_blocks 11468. A 40,000-token prompt needs
 *               6 groups x 2500 = 15000 blocks under full-ISL admission: never admitted.
 *  vllm-39734-fixed   the same with PR #40946's single bound: 5 x 577 + 2500 = 5385 blocks: runs.
 *  sglang-29662 2 full + 10 SWA layers (W=1024, 2048 B/token each), page 16, ratio 0.8: FULL 20000
 *               and SWA 16000 tokens. One 17,000-token prompt fits FULL, but its out-of-window SWA
 *               entries stay cached and the FULL-LRU eviction never frees them: SWA runs out.
 *  sglang-29662-fixed the same with SWA entries evicted when SWA is the short pool: runs.
 */
import { layoutAsPlan as asPlan } from '../planner/engines/as-plan.ts';
import type { ModelKnobs } from '../planner/index.ts';
import { renderSglang, type SglangInput, sglangLayout, sglangPoolSizes } from '../planner/sglang/index.ts';
import type { Plan } from '../planner/types.ts';
import { getKvCacheConfig, renderVllm, vllmLayout } from '../planner/vllm/index.ts';
import type { VllmSpec } from '../planner/vllm/specs.ts';
import type { SimInput } from './index.ts';
import type { EngineSimOptions } from './policies/engine-options.ts';
import type { PolicyName, RequestSpec } from './types.ts';

const GiB = 1024 ** 3;

export interface EngineScenarioBuild {
  readonly config: SimInput;
  readonly plan: Plan;
  readonly knobs: ModelKnobs;
  /** The sizer's own readable report (the page's Plan tab). */
  readonly report: string;
}

const knobs = (k: Partial<ModelKnobs> & Pick<ModelKnobs, 'tokensPerBlock' | 'maxSeqLen' | 'maxBatchSize' | 'maxNumTokens' | 'quotaBytes'>): ModelKnobs => ({
  kvDtype: 'bf16',
  draftTokens: 0,
  numExtraKvTokens: 0,
  avgSeqLen: null,
  poolRatio: null,
  ...k,
});

function config(plan: Plan, k: ModelKnobs, policy: PolicyName, engine: EngineSimOptions, workload: readonly RequestSpec[], stallLimit: number): SimInput {
  return { plan, policy, workload, maxBatchSize: k.maxBatchSize, maxNumTokens: k.maxNumTokens ?? 8192, stallLimit, maxSteps: 100_000, draftTokens: 0, enginePolicy: engine };
}

/** Gemma-4-like layers, every 6th full: the model of vLLM #39734's PR #39866 comment. */
function gemma4Layers(): Map<string, VllmSpec> {
  const attn = { blockSize: 16, numKvHeads: 8, headSize: 256, headSizeV: 256, dtype: 'bfloat16', dtypeBytes: 2, kvQuantMode: 0, pageSizePadded: null };
  return new Map(
    Array.from({ length: 30 }, (_, i): [string, VllmSpec] => [
      `model.layers.${i}.attn`,
      i % 6 === 5 ? { cls: 'FullAttentionSpec', ...attn, slidingWindow: null, attentionChunkSize: null } : { cls: 'SlidingWindowSpec', ...attn, slidingWindow: 1024 },
    ]),
  );
}

export function buildVllm39734(fixed: boolean, stallLimit = 1000): EngineScenarioBuild {
  const k = knobs({ tokensPerBlock: 16, maxSeqLen: 131_072, maxBatchSize: 256, maxNumTokens: 8192, quotaBytes: 7 * GiB });
  const r = getKvCacheConfig({ availableMemoryBytes: k.quotaBytes, maxModelLen: k.maxSeqLen, maxNumBatchedTokens: 8192, mambaCacheMode: 'none', disableHybridKvCacheManager: false, layers: gemma4Layers() });
  if (!r.ok) throw new Error(`vllm-39734: the sizer refused its own scenario: ${r.error.message}`);
  const plan = asPlan(vllmLayout(r.config), k.quotaBytes);
  // A short request runs and finishes first; then the long one waits alone with the pool empty.
  const workload = [
    { arrival: 0, prompt: 1000, output: 32 },
    { arrival: 0, prompt: 40_000, output: 64 },
  ];
  return { plan, knobs: k, report: renderVllm(fixed ? 'vllm-39734-fixed' : 'vllm-39734', r, k.maxSeqLen), config: config(plan, k, 'vllm-v1', { vllmAdmission: fixed ? 'single-bound' : 'full-isl', maxModelLen: k.maxSeqLen }, workload, stallLimit) };
}

export const SGLANG_29662_INPUT: SglangInput = {
  availableBytes: 20480 * 20000,
  pageSize: 16,
  fullPerToken: 2048,
  swaPerToken: 2048,
  fullLayers: 2,
  swaLayers: 10,
  slidingWindow: 1024,
  swaFullTokensRatio: 0.8,
  maxRunningRequests: null,
  disableRadixCache: false,
  chunkedPrefillSize: 8192,
  disableOverlapSchedule: false,
  swaEvictionInterval: 128,
};

export function buildSglang29662(fixed: boolean, stallLimit = 1000): EngineScenarioBuild {
  const input = SGLANG_29662_INPUT;
  const r = sglangPoolSizes(input);
  const layout = sglangLayout(input, r);
  if (!layout) throw new Error('sglang-29662: the sizer refused its own scenario');
  const k = knobs({ tokensPerBlock: input.pageSize, maxSeqLen: 32_768, maxBatchSize: 16, maxNumTokens: 8192, quotaBytes: input.availableBytes });
  const plan = asPlan(layout, k.quotaBytes);
  const workload = [{ arrival: 0, prompt: 17_000, output: 64 }];
  return { plan, knobs: k, report: renderSglang(fixed ? 'sglang-29662-fixed' : 'sglang-29662', input, r), config: config(plan, k, 'sglang', { sglangEviction: fixed ? 'bottleneck' : 'full-lru' }, workload, stallLimit) };
}

export const ENGINE_SCENARIO_STORIES = {
  'vllm-39734':
    'vLLM #39734: startup sizing admits max_model_len 131072 (windowed groups counted at cdiv(W-1+8192, 16)+1 = 577 blocks), but the runtime gate of that era reserves the whole 40,000-token prompt in every group (6 x 2500 = 15000 of 11468 blocks): Running 0, Waiting 1, KV cache usage 0%, forever.',
  'vllm-39734-fixed': 'vLLM PR #40946: the runtime gate clamps each group to the startup bound (5 x 577 + 2500 = 5385 blocks), one function for both sides: the 40,000-token prompt runs.',
  'sglang-29662':
    'SGLang #29662: a 17,000-token prompt fits the FULL pool (20000 tokens), but its out-of-window SWA entries stay cached and eviction walks the FULL LRU only, so the SWA pool (16000) fills with evictable tokens: "KV cache is full". The bottleneck pool is not the one being evicted.',
  'sglang-29662-fixed': 'SGLang, fixed: when SWA is the short pool, eviction frees out-of-window SWA entries (tombstones); the 17,000-token prompt runs.',
} as const;

const GEMMA4_LIKE = 'Gemma-4-like: 30 layers (25 sliding window 1024 + 5 full attention), 8 KV heads x 256, bf16, block 16, in 7 GiB';
const SGLANG_MODEL = '2 full + 10 sliding-window layers (window 1024), 2048 B per token each, page 16';
export const ENGINE_SCENARIO_MODELS: Record<keyof typeof ENGINE_SCENARIO_STORIES, string> = {
  'vllm-39734': GEMMA4_LIKE,
  'vllm-39734-fixed': GEMMA4_LIKE,
  'sglang-29662': SGLANG_MODEL,
  'sglang-29662-fixed': SGLANG_MODEL,
};
