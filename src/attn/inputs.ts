/**
 * The kernel-input type of paged decode attention, in FlashInfer's vocabulary, and its validator.
 *
 * Layout of one pool (K and V alike), flat, "NHD" per page:
 *
 *   pool[slot][tokenInBlock][kvHead][headDim]
 *
 * Page table (CSR, one row per sequence b):
 *
 *   kvIndptr  = [0, 3, 5]          sequence 0 owns kvIndices[0..3), sequence 1 kvIndices[3..5)
 *   kvIndices = [7, 2, 9, 4, 1]    physical slot of each logical page, -1 = null page (freed)
 *   kvLastPageLen = [5, 16]        tokens in each sequence's last page, 1..tokensPerBlock
 *
 *   kv_len(b) = (pages(b) - 1) * tokensPerBlock + kvLastPageLen[b]; the query sits at pos = kv_len - 1.
 *
 * Key j is attended iff j <= pos and (windowLeft = -1 or j >= pos - windowLeft or j < sinkTokens).
 * A page none of whose keys is attended may be the null page (-1): the kernel never reads it.
 */
import { InputError, requireInt, requireNumber } from '../model/errors.ts';

export interface PagedDecodeInput {
  readonly numQoHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly tokensPerBlock: number;
  /** FlashInfer's inclusive left window: -1 = unbounded, a window of W tokens is W - 1. */
  readonly windowLeft: number;
  readonly sinkTokens: number;
  readonly smScale: number;
  /** [batch][numQoHeads][headDim] */
  readonly q: Float32Array;
  /** [slot][tokenInBlock][numKvHeads][headDim] */
  readonly kPool: Float32Array;
  readonly vPool: Float32Array;
  readonly kvIndptr: Int32Array;
  readonly kvIndices: Int32Array;
  readonly kvLastPageLen: Int32Array;
}

/** A half-open range of key positions [start, end) of one sequence, all attended. */
export interface KeyRange {
  readonly start: number;
  readonly end: number;
}

export const NULL_PAGE = -1;

export function batchSize(input: PagedDecodeInput): number {
  return input.kvIndptr.length - 1;
}

export function numSlots(input: PagedDecodeInput): number {
  return input.kPool.length / (input.tokensPerBlock * input.numKvHeads * input.headDim);
}

export function kvLen(input: PagedDecodeInput, b: number): number {
  const pages = input.kvIndptr[b + 1] - input.kvIndptr[b];
  return (pages - 1) * input.tokensPerBlock + input.kvLastPageLen[b];
}

/**
 * The attended keys of a query at `pos` as at most two disjoint ranges, in order:
 *
 *   |sink......|   gap (never read)   |lo ........ pos|
 *   0       sink                      pos - windowLeft
 */
export function attendedRanges(pos: number, windowLeft: number, sinkTokens: number): KeyRange[] {
  const lo = windowLeft < 0 ? 0 : Math.max(0, pos - windowLeft);
  const sinkEnd = Math.min(sinkTokens, lo);
  if (sinkEnd <= 0) return [{ start: lo, end: pos + 1 }];
  if (sinkEnd >= lo) return [{ start: 0, end: pos + 1 }];
  return [
    { start: 0, end: sinkEnd },
    { start: lo, end: pos + 1 },
  ];
}

/** Logical page ordinals a sequence of length `len` reads (pages touching an attended range). */
export function livePages(len: number, tokensPerBlock: number, windowLeft: number, sinkTokens: number): number[] {
  const pages: number[] = [];
  for (const r of attendedRanges(len - 1, windowLeft, sinkTokens)) {
    const first = Math.floor(r.start / tokensPerBlock);
    const last = Math.floor((r.end - 1) / tokensPerBlock);
    for (let p = first; p <= last; p++) if (pages[pages.length - 1] !== p) pages.push(p);
  }
  return pages;
}

/** Which pages each sequence reads: logical ordinals and their physical slots. */
export interface PagesRead {
  readonly logical: number[];
  readonly slots: number[];
}

export function pagesRead(input: PagedDecodeInput): PagesRead[] {
  const out: PagesRead[] = [];
  for (let b = 0; b < batchSize(input); b++) {
    const logical = livePages(kvLen(input, b), input.tokensPerBlock, input.windowLeft, input.sinkTokens);
    out.push({ logical, slots: logical.map((p) => input.kvIndices[input.kvIndptr[b] + p]) });
  }
  return out;
}

function requireLength(field: string, arr: ArrayLike<number>, expected: number, why: string): void {
  if (arr.length !== expected) throw new InputError(field, `length ${arr.length}`, `length ${expected} (${why})`);
}

function validateShape(x: PagedDecodeInput): void {
  requireInt('num_qo_heads', x.numQoHeads, 1, 4096);
  requireInt('num_kv_heads', x.numKvHeads, 1, 4096);
  if (x.numQoHeads % x.numKvHeads !== 0) {
    throw new InputError('num_qo_heads', x.numQoHeads, `a multiple of num_kv_heads (${x.numKvHeads})`);
  }
  requireInt('head_dim', x.headDim, 1, 65536);
  requireInt('tokens_per_block', x.tokensPerBlock, 1, 1 << 20);
  requireInt('window_left', x.windowLeft, -1);
  requireInt('sink_tokens', x.sinkTokens, 0);
  requireNumber('sm_scale', x.smScale);
}

function validateTables(x: PagedDecodeInput): number {
  const batch = x.kvIndptr.length - 1;
  if (batch < 1) throw new InputError('kv_indptr', `length ${x.kvIndptr.length}`, 'length batch + 1 >= 2');
  if (x.kvIndptr[0] !== 0) throw new InputError('kv_indptr[0]', x.kvIndptr[0], '0');
  for (let b = 0; b < batch; b++) {
    if (!(x.kvIndptr[b + 1] > x.kvIndptr[b])) {
      throw new InputError(`kv_indptr[${b + 1}]`, x.kvIndptr[b + 1], `> kv_indptr[${b}] = ${x.kvIndptr[b]} (each sequence has >= 1 page)`);
    }
  }
  requireLength('kv_indices', x.kvIndices, x.kvIndptr[batch], 'kv_indptr[batch]');
  requireLength('kv_last_page_len', x.kvLastPageLen, batch, 'one per sequence');
  for (let b = 0; b < batch; b++) {
    const n = x.kvLastPageLen[b];
    if (!(n >= 1 && n <= x.tokensPerBlock)) {
      throw new InputError(`kv_last_page_len[${b}]`, n, `an integer in [1, ${x.tokensPerBlock}] (tokens_per_block)`);
    }
  }
  return batch;
}

/** Throws an InputError naming the first inconsistent field. */
export function validatePagedDecodeInput(x: PagedDecodeInput): void {
  validateShape(x);
  const batch = validateTables(x);
  requireLength('q', x.q, batch * x.numQoHeads * x.headDim, 'batch x num_qo_heads x head_dim');
  const slotElems = x.tokensPerBlock * x.numKvHeads * x.headDim;
  if (x.kPool.length % slotElems !== 0 || x.kPool.length === 0) {
    throw new InputError('k_pool', `length ${x.kPool.length}`, `a positive multiple of ${slotElems} (tokens_per_block x num_kv_heads x head_dim)`);
  }
  requireLength('v_pool', x.vPool, x.kPool.length, 'the length of k_pool');
  const slots = x.kPool.length / slotElems;
  const read = new Uint8Array(x.kvIndices.length);
  for (let b = 0; b < batch; b++) {
    for (const p of livePages(kvLen(x, b), x.tokensPerBlock, x.windowLeft, x.sinkTokens)) read[x.kvIndptr[b] + p] = 1;
  }
  for (let i = 0; i < x.kvIndices.length; i++) {
    const s = x.kvIndices[i];
    const ok = read[i] ? s >= 0 && s < slots : s === NULL_PAGE || (s >= 0 && s < slots);
    if (!ok) {
      const what = read[i] ? `a slot in [0, ${slots}) (this page is attended)` : `a slot in [0, ${slots}) or -1 (null page)`;
      throw new InputError(`kv_indices[${i}]`, s, what);
    }
  }
}
