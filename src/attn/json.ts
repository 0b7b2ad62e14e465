/**
 * `kvpool attention` input and output JSON (snake_case, FlashInfer's names) <-> PagedDecodeInput.
 *
 *   { "num_qo_heads": 4, "num_kv_heads": 1, "head_dim": 8, "tokens_per_block": 4,
 *     "window_left": -1, "sink_tokens": 0, "sm_scale": null,
 *     "q": [[...num_qo_heads*head_dim...], ...],  "k_pool": [...], "v_pool": [...],
 *     "kv_indptr": [0, 2], "kv_indices": [3, 0], "kv_last_page_len": [3] }
 *
 * or, instead of the three CSR arrays, a padded "block_table": [[3, 0, -1]] with "kv_lens": [7].
 */
import { describeLimit, LIMITS } from '../limits.ts';
import { InputError, requireInt } from '../model/errors.ts';
import { type PagedDecodeInput, validatePagedDecodeInput } from './inputs.ts';

const F32_MAX = LIMITS.f32.max;

/** Finite numbers that f32 can hold (the kernels compute in f32: 1e39 would become Infinity, then NaN). */
function numbers(field: string, raw: unknown, allowNested: boolean): Float32Array {
  if (!Array.isArray(raw)) throw new InputError(field, raw, 'an array of numbers');
  const nested = allowNested && raw.length > 0 && Array.isArray(raw[0]);
  const flat: unknown[] = nested ? raw.flat() : raw;
  if (flat.length > LIMITS.attnElements.max) throw new InputError(field, `${flat.length} numbers`, describeLimit('attnElements'));
  const out = new Float32Array(flat.length);
  const width = nested ? (raw[0] as unknown[]).length : 0;
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > F32_MAX) {
      const at = nested && width > 0 ? `${field}[${Math.floor(i / width)}][${i % width}]` : `${field}[${i}]`;
      throw new InputError(at, v, `a finite number within the f32 range (|x| <= ${F32_MAX.toExponential(4)})`);
    }
    out[i] = v;
  }
  return out;
}

function ints(field: string, raw: unknown, min: number): Int32Array {
  if (!Array.isArray(raw)) throw new InputError(field, raw, 'an array of integers');
  if (raw.length > LIMITS.attnElements.max) throw new InputError(field, `${raw.length} integers`, describeLimit('attnElements'));
  const out = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = requireInt(`${field}[${i}]`, raw[i], min, 2 ** 31 - 1);
  return out;
}

/**
 * The padded form (FlashAttention / vLLM): block_table [batch][max_blocks] (padding and freed
 * blocks -1) plus kv_lens [batch], turned into FlashInfer's CSR arrays.
 */
export function blockTableToCsr(
  blockTable: unknown,
  kvLens: unknown,
  tokensPerBlock: number,
): { kvIndptr: Int32Array; kvIndices: Int32Array; kvLastPageLen: Int32Array } {
  if (!Array.isArray(blockTable)) throw new InputError('block_table', blockTable, 'an array of rows [batch][max_blocks]');
  const lens = ints('kv_lens', kvLens, 1);
  if (lens.length !== blockTable.length) throw new InputError('kv_lens', `length ${lens.length}`, `length ${blockTable.length} (one per block_table row)`);
  const indptr = new Int32Array(lens.length + 1);
  const indices: number[] = [];
  const last = new Int32Array(lens.length);
  lens.forEach((len, b) => {
    const pages = Math.ceil(len / tokensPerBlock);
    const row = ints(`block_table[${b}]`, blockTable[b], -1);
    if (row.length < pages) throw new InputError(`block_table[${b}]`, `length ${row.length}`, `>= ${pages} blocks for kv_lens[${b}] = ${len}`);
    for (let i = 0; i < pages; i++) indices.push(row[i]); // no spread: rows can be long
    indptr[b + 1] = indices.length;
    last[b] = len - (pages - 1) * tokensPerBlock;
  });
  return { kvIndptr: indptr, kvIndices: Int32Array.from(indices), kvLastPageLen: last };
}

export function attentionInputFromJson(raw: unknown): PagedDecodeInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError('input', raw, 'a JSON object');
  const o = raw as Record<string, unknown>;
  const tokensPerBlock = requireInt('tokens_per_block', o.tokens_per_block, 1, 1 << 20);
  if (o.block_table !== undefined && o.kv_indptr !== undefined) {
    throw new InputError('block_table', 'given with kv_indptr', 'either block_table + kv_lens or kv_indptr + kv_indices + kv_last_page_len');
  }
  const tables =
    o.block_table !== undefined
      ? blockTableToCsr(o.block_table, o.kv_lens, tokensPerBlock)
      : { kvIndptr: ints('kv_indptr', o.kv_indptr, 0), kvIndices: ints('kv_indices', o.kv_indices, -1), kvLastPageLen: ints('kv_last_page_len', o.kv_last_page_len, 1) };
  const headDim = requireInt('head_dim', o.head_dim, 1, 65536);
  const numQoHeads = requireInt('num_qo_heads', o.num_qo_heads, 1, 4096);
  const q = numbers('q', o.q, true);
  if (Array.isArray(o.q) && Array.isArray(o.q[0])) {
    o.q.forEach((row, b) => {
      if (!Array.isArray(row) || row.length !== numQoHeads * headDim) {
        throw new InputError(`q[${b}]`, Array.isArray(row) ? `length ${row.length}` : row, `${numQoHeads * headDim} numbers (num_qo_heads x head_dim)`);
      }
    });
  }
  const smScale = o.sm_scale === undefined || o.sm_scale === null ? 1 / Math.sqrt(headDim) : o.sm_scale;
  if (typeof smScale !== 'number' || !Number.isFinite(smScale) || Math.abs(smScale) > F32_MAX) throw new InputError('sm_scale', smScale, 'null or a finite number within the f32 range');
  const input: PagedDecodeInput = {
    numQoHeads,
    numKvHeads: requireInt('num_kv_heads', o.num_kv_heads, 1, 4096),
    headDim,
    tokensPerBlock,
    windowLeft: o.window_left === undefined ? -1 : requireInt('window_left', o.window_left, -1),
    sinkTokens: o.sink_tokens === undefined ? 0 : requireInt('sink_tokens', o.sink_tokens, 0),
    smScale: smScale as number,
    q,
    kPool: numbers('k_pool', o.k_pool, false),
    vPool: numbers('v_pool', o.v_pool, false),
    ...tables,
  };
  validatePagedDecodeInput(input);
  // Bounded work: the CPU reference and the kernel touch every live key of every query head.
  const b = input.kvLastPageLen.length;
  let keys = 0;
  for (let i = 0; i < b; i++) keys += (input.kvIndptr[i + 1] - input.kvIndptr[i]) * input.tokensPerBlock;
  if (keys * numQoHeads * headDim > LIMITS.attnWork.max) throw new InputError('kv_indices', `${keys} keys x ${numQoHeads} heads x ${headDim}`, `${describeLimit('attnWork')} key elements`);
  return input;
}

/** The inverse, for examples and tests (q nested per sequence as the issue shows it). */
export function attentionInputToJson(x: PagedDecodeInput): Record<string, unknown> {
  const row = x.numQoHeads * x.headDim;
  const q: number[][] = [];
  for (let b = 0; b * row < x.q.length; b++) q.push(Array.from(x.q.subarray(b * row, (b + 1) * row)));
  return {
    num_qo_heads: x.numQoHeads,
    num_kv_heads: x.numKvHeads,
    head_dim: x.headDim,
    tokens_per_block: x.tokensPerBlock,
    window_left: x.windowLeft,
    sink_tokens: x.sinkTokens,
    sm_scale: x.smScale,
    q,
    k_pool: Array.from(x.kPool),
    v_pool: Array.from(x.vPool),
    kv_indptr: Array.from(x.kvIndptr),
    kv_indices: Array.from(x.kvIndices),
    kv_last_page_len: Array.from(x.kvLastPageLen),
  };
}

/** Output rows [batch][numQoHeads * headDim] as plain numbers. */
export function outputRows(out: Float32Array, numQoHeads: number, headDim: number): number[][] {
  const row = numQoHeads * headDim;
  const rows: number[][] = [];
  for (let b = 0; b * row < out.length; b++) rows.push(Array.from(out.subarray(b * row, (b + 1) * row)));
  return rows;
}
