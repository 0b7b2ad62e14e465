/**
 * Split-K planning (FlashInfer's `plan()` on the host): each sequence's attended keys are cut into
 * chunks of at most `chunkTokens`; one workgroup per (chunk, KV head) computes a partial softmax
 * state, and a merge pass combines a sequence's chunks by log-sum-exp.
 *
 *   seq 0, window + sink:   [0, sink) | gap | [lo ..... pos]
 *   work items:             [0,sink)        [lo, lo+C) [lo+C, pos+1)
 *
 * A chunk never spans the gap, so the kernel needs no per-key mask and never touches a page whose
 * keys are all outside the window.
 */
import { InputError } from '../model/errors.ts';
import { attendedRanges, batchSize, kvLen, type PagedDecodeInput } from './inputs.ts';

export interface WorkItem {
  readonly seq: number;
  readonly keyStart: number;
  readonly keyEnd: number;
  /** kvIndptr[seq]: where the sequence's pages start in kvIndices. */
  readonly pageBase: number;
}

export interface SplitPlan {
  readonly items: WorkItem[];
  /** itemIndptr[b]..itemIndptr[b+1]: the items of sequence b (for the merge pass). */
  readonly itemIndptr: Uint32Array;
  readonly chunkTokens: number;
  /** Attended keys summed over sequences (live K/V rows read per KV head). */
  readonly liveKeys: number;
}

/** The work items as the kernels read them: (seq, keyStart, keyEnd, pageBase) per item, u32 each. */
export function packWorkItems(plan: SplitPlan): Uint32Array {
  const a = new Uint32Array(plan.items.length * 4);
  plan.items.forEach((it, i) => {
    a.set([it.seq, it.keyStart, it.keyEnd, it.pageBase], i * 4);
  });
  return a;
}

/** Largest keys-per-tile of the kernel: default chunks are multiples of it (no half tiles). */
export const TILE_KEYS = 128;
/** Per-dimension dispatch limit every WebGPU adapter guarantees. */
const MAX_ITEMS = 65535;

/**
 * Default chunk: enough workgroups to keep a GPU busy (about `targetWorkgroups`), never below one
 * tile, never so small that the item count passes the dispatch limit.
 */
export function defaultChunkTokens(input: PagedDecodeInput, targetWorkgroups = 256): number {
  let live = 0;
  for (let b = 0; b < batchSize(input); b++) {
    for (const r of attendedRanges(kvLen(input, b) - 1, input.windowLeft, input.sinkTokens)) live += r.end - r.start;
  }
  const perItem = Math.ceil((live * input.numKvHeads) / targetWorkgroups);
  return Math.max(TILE_KEYS, Math.ceil(perItem / TILE_KEYS) * TILE_KEYS);
}

export function planSplits(input: PagedDecodeInput, chunkTokens = defaultChunkTokens(input)): SplitPlan {
  if (!Number.isInteger(chunkTokens) || chunkTokens < 1) throw new InputError('chunkTokens', chunkTokens, 'an integer >= 1');
  const batch = batchSize(input);
  const items: WorkItem[] = [];
  const itemIndptr = new Uint32Array(batch + 1);
  let liveKeys = 0;
  for (let b = 0; b < batch; b++) {
    const pageBase = input.kvIndptr[b];
    for (const r of attendedRanges(kvLen(input, b) - 1, input.windowLeft, input.sinkTokens)) {
      liveKeys += r.end - r.start;
      for (let s = r.start; s < r.end; s += chunkTokens) {
        items.push({ seq: b, keyStart: s, keyEnd: Math.min(r.end, s + chunkTokens), pageBase });
      }
    }
    itemIndptr[b + 1] = items.length;
  }
  if (items.length > MAX_ITEMS) {
    throw new InputError('chunkTokens', chunkTokens, `a chunk large enough for <= ${MAX_ITEMS} work items (got ${items.length})`);
  }
  return { items, itemIndptr, chunkTokens, liveKeys };
}
