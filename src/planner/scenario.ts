/**
 * The engine scenario format, version 1 (docs/scenario-format.md): the engine-shaped
 * input of the `trtllm-v2` planner. Keys stay snake_case because they are TensorRT-LLM's names.
 * `parseScenario` validates untrusted JSON and names the offending field on error.
 */
import { describeLimit, LIMITS } from '../limits.ts';
import { InputError, requireInt, requireNumber } from '../model/errors.ts';

const TOKENS = LIMITS.tokens.max;

export interface BufferJson {
  role: string;
  bytes_per_block: number;
}

export interface LayerJson {
  layer_id: number;
  kind: 'attn' | 'ssm';
  window: number | null;
  sink_tokens: number | null;
  buffers: BufferJson[];
}

/** [capacity, history] or [capacity, history, repeat]. */
export type KvCacheEntry = [number, number] | [number, number, number];

export interface BatchJson {
  kv_caches: KvCacheEntry[];
  system_prompt_length: number;
}

export interface EngineScenario {
  name?: string;
  description?: string;
  tokens_per_block: number;
  layers: LayerJson[];
  gpu_quota_bytes: number;
  typical_step: BatchJson | null;
  constraints: BatchJson[];
  initial_pool_ratio: number[] | null;
  rebalance_target_length?: { history: number; capacity: number } | null;
  /** Optional: SWA scratch reuse (spec §2.3); null/absent = off. */
  swa_scratch_reuse?: { max_rewind_len: number } | null;
  /** Optional: the engine version the file was written for; absent = trtllm-v2@15401 (format v1). */
  engine?: string;
  /** Optional (trtllm-v2@main): the resume gate the floors are scaled for; default 0.95. */
  max_util_for_resume?: number;
  /** Optional, informational: the wrapper knobs typical_step and constraints were built from. */
  wrapper_knobs?: Record<string, unknown>;
}

/** One request shape of a batch, with its multiplicity (camelCase, internal). */
export interface KvCacheDesc {
  capacity: number;
  history: number;
  count: number;
}

export interface BatchDesc {
  kvCaches: KvCacheDesc[];
  systemPromptLength: number;
}

export function batchFromJson(b: BatchJson): BatchDesc {
  return {
    kvCaches: b.kv_caches.map(([capacity, history, count]) => ({ capacity, history, count: count ?? 1 })),
    systemPromptLength: b.system_prompt_length ?? 0,
  };
}

export function batchToJson(b: BatchDesc): BatchJson {
  return {
    kv_caches: b.kvCaches.map((k) => (k.count === 1 ? [k.capacity, k.history] : [k.capacity, k.history, k.count])),
    system_prompt_length: b.systemPromptLength,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SCENARIO_KEYS = new Set([
  'name',
  'description',
  'format_version',
  'tokens_per_block',
  'layers',
  'gpu_quota_bytes',
  'typical_step',
  'constraints',
  'initial_pool_ratio',
  'rebalance_target_length',
  'swa_scratch_reuse',
  'engine',
  'max_util_for_resume',
  'wrapper_knobs',
]);

function parseBatch(field: string, raw: unknown): BatchJson {
  if (!isObject(raw)) throw new InputError(field, raw, 'an object {kv_caches: [[capacity, history(, repeat)]], system_prompt_length}');
  if (!Array.isArray(raw.kv_caches)) throw new InputError(`${field}.kv_caches`, raw.kv_caches, 'an array of [capacity, history(, repeat)]');
  if (raw.kv_caches.length > LIMITS.batchSize.max) throw new InputError(`${field}.kv_caches`, `${raw.kv_caches.length} entries`, describeLimit('batchSize'));
  const kv_caches = raw.kv_caches.map((e, i): KvCacheEntry => {
    const f = `${field}.kv_caches[${i}]`;
    if (!Array.isArray(e) || e.length < 2 || e.length > 3) throw new InputError(f, e, '[capacity, history] or [capacity, history, repeat]');
    const capacity = requireInt(`${f}[0] (capacity)`, e[0], 0, TOKENS);
    const history = requireInt(`${f}[1] (history)`, e[1], 0, TOKENS);
    if (history > capacity) throw new InputError(`${f}[1] (history)`, history, `an integer in [0, capacity = ${capacity}]`);
    // A repeat count is requests in one step: bounded like a batch (src/limits.ts).
    if (e.length === 3) return [capacity, history, requireInt(`${f}[2] (repeat)`, e[2], 1, LIMITS.batchSize.max)];
    return [capacity, history];
  });
  const sys = raw.system_prompt_length ?? 0;
  return { kv_caches, system_prompt_length: requireInt(`${field}.system_prompt_length`, sys, 0, TOKENS) };
}

function parseLayer(i: number, raw: unknown): LayerJson {
  const f = `layers[${i}]`;
  if (!isObject(raw)) throw new InputError(f, raw, 'a layer object {layer_id, kind, window, sink_tokens, buffers}');
  const kind = raw.kind;
  if (kind !== 'attn' && kind !== 'ssm') throw new InputError(`${f}.kind`, kind, '"attn" or "ssm"');
  const window = raw.window ?? null;
  if (window !== null) requireInt(`${f}.window`, window, 1, TOKENS);
  const sink = raw.sink_tokens ?? null;
  if (sink !== null) requireInt(`${f}.sink_tokens`, sink, 0, TOKENS);
  if (kind === 'ssm' && (window !== null || (sink !== null && sink !== 0))) {
    throw new InputError(`${f}.window`, window, 'null for an "ssm" layer (recurrent state has no window or sinks)');
  }
  if (!Array.isArray(raw.buffers) || raw.buffers.length === 0) throw new InputError(`${f}.buffers`, raw.buffers, 'a non-empty array of {role, bytes_per_block}');
  const buffers = raw.buffers.map((b, j) => {
    if (!isObject(b)) throw new InputError(`${f}.buffers[${j}]`, b, 'an object {role, bytes_per_block}');
    if (typeof b.role !== 'string' || b.role === '') throw new InputError(`${f}.buffers[${j}].role`, b.role, 'a non-empty string');
    return { role: b.role, bytes_per_block: requireInt(`${f}.buffers[${j}].bytes_per_block`, b.bytes_per_block, 1, LIMITS.bytes.max) };
  });
  return { layer_id: requireInt(`${f}.layer_id`, raw.layer_id, 0, LIMITS.integer.max), kind, window: window as number | null, sink_tokens: sink as number | null, buffers };
}

/** Validate untrusted JSON as an engine scenario. Throws InputError naming the field. */
export function parseScenario(raw: unknown): EngineScenario {
  if (!isObject(raw)) throw new InputError('scenario', raw, 'a JSON object in the engine scenario format');
  for (const k of Object.keys(raw)) {
    if (!SCENARIO_KEYS.has(k)) throw new InputError(`scenario.${k}`, raw[k], `no such key; valid keys: ${[...SCENARIO_KEYS].join(', ')}`);
  }
  if (raw.format_version !== undefined && raw.format_version !== 1) throw new InputError('format_version', raw.format_version, '1');
  const tokens_per_block = requireInt('tokens_per_block', raw.tokens_per_block, 1, LIMITS.tokensPerBlock.max);
  if (!Array.isArray(raw.layers) || raw.layers.length === 0) throw new InputError('layers', raw.layers, 'a non-empty array of manager layers');
  if (raw.layers.length > LIMITS.layers.max) throw new InputError('layers', `${raw.layers.length} layers`, describeLimit('layers'));
  const layers = raw.layers.map((l, i) => parseLayer(i, l));
  // The engine refuses a non-positive quota before any sizing (AssertionError); keep the value so
  // the planner can report it the engine's way, but it must still be a number.
  const gpu_quota_bytes = requireNumber('gpu_quota_bytes', raw.gpu_quota_bytes, -Infinity, LIMITS.bytes.max);
  const typical_step = raw.typical_step === undefined || raw.typical_step === null ? null : parseBatch('typical_step', raw.typical_step);
  const rawConstraints = raw.constraints ?? [];
  if (!Array.isArray(rawConstraints)) throw new InputError('constraints', rawConstraints, 'an array of batches');
  if (rawConstraints.length > LIMITS.layers.max) throw new InputError('constraints', `${rawConstraints.length} batches`, `at most ${LIMITS.layers.max}`);
  const constraints = rawConstraints.map((c, i) => parseBatch(`constraints[${i}]`, c));
  let initial_pool_ratio: number[] | null = null;
  if (raw.initial_pool_ratio !== undefined && raw.initial_pool_ratio !== null) {
    if (!Array.isArray(raw.initial_pool_ratio)) throw new InputError('initial_pool_ratio', raw.initial_pool_ratio, 'null or an array of numbers, one per pool group');
    // The engine asserts every ratio is > 0 (ratio_to_slot_count_list).
    initial_pool_ratio = raw.initial_pool_ratio.map((r, i) => {
      const v = requireNumber(`initial_pool_ratio[${i}]`, r, 0);
      if (v <= 0) throw new InputError(`initial_pool_ratio[${i}]`, r, 'a number > 0 (the engine asserts every ratio is positive)');
      return v;
    });
  }
  let rebalance_target_length: EngineScenario['rebalance_target_length'] = null;
  if (raw.rebalance_target_length !== undefined && raw.rebalance_target_length !== null) {
    const r = raw.rebalance_target_length;
    if (!isObject(r)) throw new InputError('rebalance_target_length', r, 'an object {history, capacity}');
    const capacity = requireInt('rebalance_target_length.capacity', r.capacity, 1, TOKENS);
    const history = requireInt('rebalance_target_length.history', r.history, 0, TOKENS);
    if (history > capacity) throw new InputError('rebalance_target_length.history', history, `an integer in [0, capacity = ${capacity}]`);
    rebalance_target_length = { history, capacity };
  }
  let swa_scratch_reuse: EngineScenario['swa_scratch_reuse'] = null;
  if (raw.swa_scratch_reuse !== undefined && raw.swa_scratch_reuse !== null) {
    const s = raw.swa_scratch_reuse;
    if (!isObject(s)) throw new InputError('swa_scratch_reuse', s, 'null or {max_rewind_len}');
    swa_scratch_reuse = { max_rewind_len: requireInt('swa_scratch_reuse.max_rewind_len', s.max_rewind_len, 0, TOKENS) };
  }
  const out: EngineScenario = { tokens_per_block, layers, gpu_quota_bytes, typical_step, constraints, initial_pool_ratio, rebalance_target_length, swa_scratch_reuse };
  if (raw.engine !== undefined) {
    if (typeof raw.engine !== 'string' || raw.engine === '') throw new InputError('engine', raw.engine, 'an engine id such as "trtllm-v2@main" (absent = trtllm-v2@15401)');
    out.engine = raw.engine;
  }
  // Kept as given: the engine itself checks the (0, 1] range and refuses with its own message.
  if (raw.max_util_for_resume !== undefined && raw.max_util_for_resume !== null) out.max_util_for_resume = requireNumber('max_util_for_resume', raw.max_util_for_resume);
  if (raw.wrapper_knobs !== undefined && raw.wrapper_knobs !== null) {
    if (!isObject(raw.wrapper_knobs)) throw new InputError('wrapper_knobs', raw.wrapper_knobs, 'an object (informational: the knobs the batches were built from)');
    out.wrapper_knobs = raw.wrapper_knobs;
  }
  if (typeof raw.name === 'string') out.name = raw.name;
  if (typeof raw.description === 'string') out.description = raw.description;
  return out;
}

/**
 * Custom constraint batches for `--constraints custom`: `{typical_step, constraints}` from a file
 * (a whole scenario file works too; only those two keys are taken).
 */
export function parseCustomBatches(raw: unknown): { typical_step: BatchJson | null; constraints: BatchJson[] } {
  if (!isObject(raw)) throw new InputError('batches', raw, 'a JSON object {typical_step, constraints}');
  for (const k of Object.keys(raw)) {
    if (!SCENARIO_KEYS.has(k)) throw new InputError(`batches.${k}`, raw[k], 'typical_step, constraints (or a whole engine scenario)');
  }
  if (raw.typical_step === undefined && raw.constraints === undefined) throw new InputError('batches', raw, 'at least one of typical_step, constraints');
  const typical_step = raw.typical_step === undefined || raw.typical_step === null ? null : parseBatch('typical_step', raw.typical_step);
  const rawConstraints = raw.constraints ?? [];
  if (!Array.isArray(rawConstraints)) throw new InputError('constraints', rawConstraints, 'an array of batches');
  return { typical_step, constraints: rawConstraints.map((c, i) => parseBatch(`constraints[${i}]`, c)) };
}
