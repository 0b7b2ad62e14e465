/**
 * The vLLM case format (what `kvpool plan --scenario FILE --engine vllm-v1` reads and prints): the
 * input keeps vLLM's snake_case names (available_memory_bytes, max_model_len, layers[] with type,
 * block_size, num_kv_heads, head_size, dtype_bytes, sliding_window, attention_chunk_size, ...), the
 * output uses the names of vLLM's KVCacheConfig (num_blocks, kv_cache_groups[].layer_names/spec,
 * kv_cache_tensors) plus what vLLM logs. Untrusted JSON: every field is checked and named on error.
 */
import { describeLimit, LIMITS, type LimitName } from '../../limits.ts';
import { InputError, requireInt } from '../../model/errors.ts';
import { requireIntIn } from '../../model/parse.ts';
import { getKvCacheConfig, type VllmConfigInput, type VllmResult } from './config.ts';
import { pageSizeBytes, type VllmSpec } from './specs.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// Token, byte and layer counts are bounded by the one limits table (src/limits.ts), so every byte
// count stays below 2^53 (vLLM's Python ints are unbounded; ours are doubles) and a vLLM case file
// is refused in the same words as a flag or a TensorRT-LLM scenario past the same limit.
const LAYER_TYPES = ['full', 'sliding_window', 'chunked_local', 'mla', 'mamba'] as const;

const optInt = (f: string, v: unknown, min: number, max: number): number | null => (v === undefined || v === null ? null : requireInt(f, v, min, max));
const optIn = (f: string, v: unknown, min: number, limit: LimitName): number | null => (v === undefined || v === null ? null : requireIntIn(f, v, min, limit));

function parseAttn(f: string, raw: Record<string, unknown>, blockSize: number) {
  const dtypeBytes = requireInt(`${f}.dtype_bytes`, raw.dtype_bytes, 1, 8);
  const headSize = requireIntIn(`${f}.head_size`, raw.head_size, 1, 'dimension');
  const quant = optInt(`${f}.kv_quant_mode`, raw.kv_quant_mode, 0, 3) ?? 0;
  return {
    blockSize,
    numKvHeads: requireIntIn(`${f}.num_kv_heads`, raw.num_kv_heads, 1, 'dimension'),
    headSize,
    headSizeV: optIn(`${f}.head_size_v`, raw.head_size_v, 1, 'dimension') ?? headSize,
    dtype: typeof raw.dtype === 'string' ? raw.dtype : `${dtypeBytes}B`,
    dtypeBytes,
    kvQuantMode: quant,
    pageSizePadded: optIn(`${f}.page_size_padded`, raw.page_size_padded, 1, 'bytes'),
  };
}

function parseMamba(f: string, raw: Record<string, unknown>, blockSize: number): VllmSpec {
  if (!Array.isArray(raw.shapes) || raw.shapes.length === 0) throw new InputError(`${f}.shapes`, raw.shapes, 'a non-empty array of state shapes, e.g. [[3, 8192], [128, 64, 128]]');
  const shapes = raw.shapes.map((s, i) => {
    if (!Array.isArray(s) || s.length === 0) throw new InputError(`${f}.shapes[${i}]`, s, 'a non-empty array of positive integers');
    return s.map((d, j) => requireIntIn(`${f}.shapes[${i}][${j}]`, d, 1, 'bytes'));
  });
  const db = raw.dtype_bytes;
  const dtypeBytes = Array.isArray(db) ? db.map((d, i) => requireInt(`${f}.dtype_bytes[${i}]`, d, 1, 8)) : shapes.map(() => requireInt(`${f}.dtype_bytes`, db, 1, 8));
  if (dtypeBytes.length !== shapes.length) throw new InputError(`${f}.dtype_bytes`, db, `one byte size per shape (${shapes.length})`);
  return {
    cls: 'MambaSpec',
    blockSize,
    shapes,
    dtypeBytes,
    pageSizePadded: optIn(`${f}.page_size_padded`, raw.page_size_padded, 1, 'bytes'),
    mambaType: typeof raw.mamba_type === 'string' ? raw.mamba_type : 'mamba2',
    numSpeculativeBlocks: optInt(`${f}.num_speculative_blocks`, raw.num_speculative_blocks, 0, 64) ?? 0,
  };
}

function parseLayer(i: number, raw: unknown): [string, VllmSpec] {
  const f = `layers[${i}]`;
  if (!isObject(raw)) throw new InputError(f, raw, 'a layer object {name, type, block_size, ...}');
  if (typeof raw.name !== 'string' || raw.name === '') throw new InputError(`${f}.name`, raw.name, 'a non-empty layer name');
  const type = raw.type as (typeof LAYER_TYPES)[number];
  if (!LAYER_TYPES.includes(type)) throw new InputError(`${f}.type`, raw.type, LAYER_TYPES.join(' | '));
  const blockSize = requireIntIn(`${f}.block_size`, raw.block_size, 1, 'tokens');
  if (type === 'mamba') return [raw.name, parseMamba(f, raw, blockSize)];
  const a = parseAttn(f, raw, blockSize);
  const window = optIn(`${f}.sliding_window`, raw.sliding_window, 1, 'tokens');
  const chunk = optIn(`${f}.attention_chunk_size`, raw.attention_chunk_size, 1, 'tokens');
  switch (type) {
    case 'full':
      return [raw.name, { cls: 'FullAttentionSpec', ...a, slidingWindow: window, attentionChunkSize: chunk }];
    case 'mla':
      return [raw.name, { cls: 'MLAAttentionSpec', ...a, cacheDtypeStr: typeof raw.cache_dtype_str === 'string' ? raw.cache_dtype_str : null }];
    case 'sliding_window':
      if (window === null) throw new InputError(`${f}.sliding_window`, raw.sliding_window, 'the window in tokens (an integer >= 1)');
      return [raw.name, { cls: 'SlidingWindowSpec', ...a, slidingWindow: window }];
    case 'chunked_local':
      if (chunk === null) throw new InputError(`${f}.attention_chunk_size`, raw.attention_chunk_size, 'the chunk in tokens (an integer >= 1)');
      return [raw.name, { cls: 'ChunkedLocalAttentionSpec', ...a, attentionChunkSize: chunk }];
  }
}

/** Parse a vLLM case input (a whole case {name, input, expected} is accepted too: its input is used). */
export function parseVllmCase(raw: unknown): VllmConfigInput & { name: string | null } {
  const src = isObject(raw) && isObject(raw.input) ? raw.input : raw;
  if (!isObject(src)) throw new InputError('scenario', raw, 'a vLLM case object {available_memory_bytes, max_model_len, layers, ...}');
  if (Array.isArray(src.cases)) throw new InputError('scenario', `a file of ${src.cases.length} cases`, 'one vLLM case: its input object, or one {name, input, expected} entry');
  if (!Array.isArray(src.layers) || src.layers.length > LIMITS.layers.max) throw new InputError('layers', Array.isArray(src.layers) ? `${src.layers.length} layers` : src.layers, `an array of layers, ${describeLimit('layers')}`);
  const layers = new Map<string, VllmSpec>();
  src.layers.forEach((l, i) => {
    const [name, spec] = parseLayer(i, l);
    if (layers.has(name)) throw new InputError(`layers[${i}].name`, name, 'a name no other layer has');
    layers.set(name, spec);
  });
  const mode = src.mamba_cache_mode ?? 'none';
  if (mode !== 'none' && mode !== 'align' && mode !== 'all') throw new InputError('mamba_cache_mode', mode, 'none | align | all');
  const hybridOff = src.disable_hybrid_kv_cache_manager ?? false;
  if (typeof hybridOff !== 'boolean') throw new InputError('disable_hybrid_kv_cache_manager', hybridOff, 'true or false');
  return {
    name: typeof src.name === 'string' ? src.name : null,
    availableMemoryBytes: requireIntIn('available_memory_bytes', src.available_memory_bytes, 0, 'bytes'),
    maxModelLen: requireIntIn('max_model_len', src.max_model_len, 1, 'tokens'),
    maxNumBatchedTokens: requireIntIn('max_num_batched_tokens', src.max_num_batched_tokens, 1, 'tokens'),
    mambaCacheMode: mode,
    disableHybridKvCacheManager: hybridOff,
    layers,
  };
}

/** Whether a parsed JSON file is a vLLM case (its layers carry vLLM spec types). */
export function looksLikeVllmCase(raw: unknown): boolean {
  const src = isObject(raw) && isObject(raw.input) ? raw.input : raw;
  return isObject(src) && (src.engine === 'vllm-v1' || (typeof src.available_memory_bytes === 'number' && Array.isArray(src.layers)));
}

function specJson(s: VllmSpec): Record<string, unknown> {
  const base = { class: s.cls, block_size: s.blockSize, page_size_bytes: pageSizeBytes(s) };
  switch (s.cls) {
    case 'FullAttentionSpec':
      return { ...base, sliding_window: s.slidingWindow, attention_chunk_size: s.attentionChunkSize, num_kv_heads: s.numKvHeads, head_size: s.headSize };
    case 'MLAAttentionSpec':
      return { ...base, sliding_window: null, attention_chunk_size: null, num_kv_heads: s.numKvHeads, head_size: s.headSize };
    case 'SlidingWindowSpec':
      return { ...base, sliding_window: s.slidingWindow, num_kv_heads: s.numKvHeads, head_size: s.headSize };
    case 'ChunkedLocalAttentionSpec':
      return { ...base, attention_chunk_size: s.attentionChunkSize, num_kv_heads: s.numKvHeads, head_size: s.headSize };
    case 'MambaSpec':
      return { ...base, shapes: s.shapes, num_speculative_blocks: s.numSpeculativeBlocks };
    case 'UniformTypeKVCacheSpecs':
      return { ...base, kv_cache_specs: Object.fromEntries([...s.specs].map(([n, v]) => [n, specJson(v)])) };
  }
}

/** The result in the golden cases' field names. */
export function vllmResultJson(r: VllmResult): Record<string, unknown> {
  if (!r.ok) return { engine: 'vllm-v1', error: r.error, not_enough_kv_cache_error: r.error.message.includes('KV cache is needed'), log: r.log, logged_gpu_kv_cache_size_tokens: null, max_concurrency: null };
  const c = r.config;
  const sizes = [...new Set(c.tensors.map((t) => t.size))].sort((a, b) => a - b);
  return {
    engine: 'vllm-v1',
    error: null,
    num_blocks: c.numBlocks,
    kv_cache_groups: c.groups.map((g, i) => ({ layer_names: g.layerNames, spec: specJson(g.spec), max_memory_usage_bytes: c.groupMaxMemoryBytes[i], blocks_per_request_bound: c.blocksPerRequestBound[i] })),
    num_kv_cache_tensors: c.tensors.length,
    kv_cache_tensor_sizes: sizes,
    kv_cache_tensors: c.tensors.map((t) => ({ size: t.size, shared_by: t.sharedBy })),
    blocks_per_request_bound: c.blocksPerRequestBound.reduce((a, b) => a + b, 0),
    max_concurrency: c.maxConcurrency,
    max_memory_usage_bytes_from_groups: c.maxMemoryUsageBytesFromGroups,
    logged_gpu_kv_cache_size_tokens: c.loggedGpuKvCacheSizeTokens,
    log: r.log,
    not_enough_kv_cache_error: false,
  };
}

/** Parse, size, and check that every byte count stayed exact (below 2^53). */
export function sizeVllmCase(raw: unknown): { input: ReturnType<typeof parseVllmCase>; result: VllmResult } {
  const input = parseVllmCase(raw);
  const result = getKvCacheConfig(input);
  if (result.ok && !Number.isSafeInteger(result.config.maxMemoryUsageBytesFromGroups)) {
    throw new InputError('layers', `${input.layers.size} layers`, 'sizes whose per-request bytes stay below 2^53');
  }
  return { input, result };
}


