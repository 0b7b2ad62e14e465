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
 *
 * The engines' own inputs can be changed (quota, max_model_len, max_num_batched_tokens / chunked
 * prefill, max_num_seqs / max_running_requests, block / page size, and the engine's knobs); the
 * model is the scenario's own, so a knob that would change the model (the KV dtype) or that only
 * TensorRT-LLM reads is refused with the scenario's value, never ignored.
 */

import { InputError } from '../model/errors.ts';
import { layoutAsPlan as asPlan } from '../planner/engines/as-plan.ts';
import type { KnobValues, ModelKnobs } from '../planner/index.ts';
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

/** What a caller may change of an engine scenario (everything absent: the scenario's own). */
export interface EngineScenarioOverrides {
  readonly stallLimit?: number;
  readonly knobs?: Partial<ModelKnobs>;
  /** The engine's own knobs by name (vLLM's disableHybridKvCacheManager; SGLang's ratio, radix, overlap, eviction interval). */
  readonly engineKnobs?: KnobValues;
}

/** Knobs the scenario's model fixes (or only TensorRT-LLM reads): a different value is refused, never ignored. */
const FIXED: readonly (keyof ModelKnobs)[] = ['kvDtype', 'draftTokens', 'numExtraKvTokens', 'avgSeqLen', 'poolRatio', 'maxCudaGraphBatchSize', 'estimationPass'];

/** The scenario's knobs with the caller's changes; refuses a change to a knob the scenario fixes. */
function withOverrides(name: string, own: ModelKnobs, o: EngineScenarioOverrides): ModelKnobs {
  const k = o.knobs ?? {};
  for (const f of FIXED) {
    const v = k[f];
    // Unset, off or equal to the scenario's own (null, absent and false all mean unset here).
    if (v === undefined || (!v && !own[f]) || JSON.stringify(v) === JSON.stringify(own[f])) continue;
    const text = (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x ?? null));
    throw new InputError(f, text(v), `${text(own[f])} (${name} brings its own model; pick a preset to change it)`);
  }
  for (const f of ['quotaBytes', 'tokensPerBlock', 'maxSeqLen', 'maxBatchSize'] as const) if (k[f] !== undefined && !(Number.isInteger(k[f]) && (k[f] as number) > 0)) throw new InputError(f, String(k[f]), 'an integer > 0');
  const pick = <K extends keyof ModelKnobs>(f: K): ModelKnobs[K] => (k[f] !== undefined ? (k[f] as ModelKnobs[K]) : own[f]);
  return { ...own, quotaBytes: pick('quotaBytes'), tokensPerBlock: pick('tokensPerBlock'), maxSeqLen: pick('maxSeqLen'), maxBatchSize: pick('maxBatchSize'), maxNumTokens: pick('maxNumTokens') };
}

const flagOf = (v: KnobValues[string] | undefined, d: boolean) => (typeof v === 'boolean' ? v : d);
const numOf = (v: KnobValues[string] | undefined, d: number) => (typeof v === 'number' ? v : d);

function config(plan: Plan, k: ModelKnobs, policy: PolicyName, engine: EngineSimOptions, workload: readonly RequestSpec[], stallLimit: number): SimInput {
  return { plan, policy, workload, maxBatchSize: k.maxBatchSize, maxNumTokens: k.maxNumTokens ?? 8192, stallLimit, maxSteps: 100_000, draftTokens: 0, enginePolicy: engine };
}

/** Gemma-4-like layers, every 6th full: the model of vLLM #39734's PR #39866 comment. */
function gemma4Layers(blockSize: number): Map<string, VllmSpec> {
  const attn = { blockSize, numKvHeads: 8, headSize: 256, headSizeV: 256, dtype: 'bfloat16', dtypeBytes: 2, kvQuantMode: 0, pageSizePadded: null };
  return new Map(
    Array.from({ length: 30 }, (_, i): [string, VllmSpec] => [
      `model.layers.${i}.attn`,
      i % 6 === 5 ? { cls: 'FullAttentionSpec', ...attn, slidingWindow: null, attentionChunkSize: null } : { cls: 'SlidingWindowSpec', ...attn, slidingWindow: 1024 },
    ]),
  );
}

export function buildVllm39734(fixed: boolean, o: EngineScenarioOverrides = {}): EngineScenarioBuild {
  const name = fixed ? 'vllm-39734-fixed' : 'vllm-39734';
  const k = withOverrides(name, knobs({ tokensPerBlock: 16, maxSeqLen: 131_072, maxBatchSize: 256, maxNumTokens: 8192, quotaBytes: 7 * GiB }), o);
  const stallLimit = o.stallLimit ?? 1000;
  const hybridOff = flagOf(o.engineKnobs?.disableHybridKvCacheManager, false);
  const r = getKvCacheConfig({ availableMemoryBytes: k.quotaBytes, maxModelLen: k.maxSeqLen, maxNumBatchedTokens: k.maxNumTokens ?? 8192, mambaCacheMode: 'none', disableHybridKvCacheManager: hybridOff, layers: gemma4Layers(k.tokensPerBlock) });
  // The engine refuses at startup (e.g. too little memory for one max_model_len request): the user's change, said as the engine says it.
  if (!r.ok) throw new InputError('quotaBytes', String(k.quotaBytes), `a configuration vllm-v1 accepts (${r.error.type}: ${r.error.message})`);
  const plan = asPlan(vllmLayout(r.config), k.quotaBytes);
  // A short request runs and finishes first; then the long one waits alone with the pool empty.
  const workload = [
    { arrival: 0, prompt: 1000, output: 32 },
    { arrival: 0, prompt: 40_000, output: 64 },
  ];
  return { plan, knobs: k, report: renderVllm(name, r, k.maxSeqLen), config: config(plan, k, 'vllm-v1', { vllmAdmission: fixed ? 'single-bound' : 'full-isl', maxModelLen: k.maxSeqLen }, workload, stallLimit) };
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

export function buildSglang29662(fixed: boolean, o: EngineScenarioOverrides = {}): EngineScenarioBuild {
  const name = fixed ? 'sglang-29662-fixed' : 'sglang-29662';
  const base = SGLANG_29662_INPUT;
  const k = withOverrides(name, knobs({ tokensPerBlock: base.pageSize, maxSeqLen: 32_768, maxBatchSize: 16, maxNumTokens: base.chunkedPrefillSize, quotaBytes: base.availableBytes }), o);
  const stallLimit = o.stallLimit ?? 1000;
  const e = o.engineKnobs ?? {};
  const noRadix = flagOf(e.disableRadixCache, base.disableRadixCache);
  const input: SglangInput = {
    ...base,
    availableBytes: k.quotaBytes,
    pageSize: k.tokensPerBlock,
    chunkedPrefillSize: k.maxNumTokens,
    swaFullTokensRatio: numOf(e.swaFullTokensRatio, base.swaFullTokensRatio),
    disableRadixCache: noRadix,
    maxRunningRequests: noRadix ? k.maxBatchSize : base.maxRunningRequests,
    disableOverlapSchedule: flagOf(e.disableOverlapSchedule, base.disableOverlapSchedule),
    swaEvictionInterval: numOf(e.swaEvictionInterval, base.swaEvictionInterval),
  };
  const r = sglangPoolSizes(input);
  const layout = sglangLayout(input, r);
  if (!layout) throw new InputError('quotaBytes', String(k.quotaBytes), `a configuration sglang accepts (${r.ok ? 'no pools' : `${r.error.type}: ${r.error.message}`})`);
  const plan = asPlan(layout, k.quotaBytes);
  const workload = [{ arrival: 0, prompt: 17_000, output: 64 }];
  return { plan, knobs: k, report: renderSglang(name, input, r), config: config(plan, k, 'sglang', { sglangEviction: fixed ? 'bottleneck' : 'full-lru' }, workload, stallLimit) };
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
