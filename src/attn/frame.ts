/**
 * Builds kernel inputs from a simulator frame (one pool group's block tables, context lengths and
 * window) with deterministic synthetic K/V. It does not import src/sim: a frame is plain data.
 *
 *   blockTables[b] = [slot of logical block 0, slot of block 1, ...]   (null / -1 = freed block)
 *
 * Pages wholly outside the window (and not holding sink tokens) become the null page (-1) in
 * kvIndices whatever the block table says: the kernel must never read them. Their content, and
 * that of every free slot, is NaN when `poison` is set, so a kernel that reads them shows it.
 */

import { InputError, requireInt } from '../model/errors.ts';
import { mulberry32 } from '../model/prng.ts';
import { livePages, NULL_PAGE, type PagedDecodeInput, validatePagedDecodeInput } from './inputs.ts';

export interface AttentionFrame {
  readonly blockTables: ReadonlyArray<ReadonlyArray<number | null>>;
  readonly contextLens: readonly number[];
  /** Sliding window in tokens (null = full attention); windowLeft = windowTokens - 1. */
  readonly windowTokens: number | null;
  readonly sinkTokens: number;
  readonly tokensPerBlock: number;
  readonly numQoHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly seed: number;
  /** Pool size in slots; default: 1 + the largest slot in the tables. */
  readonly numSlots?: number;
  /** Fill free slots and pages outside the window with NaN. */
  readonly poison?: boolean;
  /**
   * Keep the table's slot for pages outside the window instead of the null page (FlashInfer lists
   * every page); with `poison` those slots hold NaN, so a kernel that reads them is caught.
   */
  readonly keepStalePages?: boolean;
  /** Default 1 / sqrt(headDim). */
  readonly smScale?: number;
}

/** Seeded uniform [0, 1) draws: the core's one PRNG (mulberry32), shared with the workloads. */
export const seededRandom = mulberry32;

/** Uniform values in [-1, 1). */
export function fillUniform(arr: Float32Array, rand: () => number): Float32Array {
  for (let i = 0; i < arr.length; i++) arr[i] = rand() * 2 - 1;
  return arr;
}

interface Csr {
  indptr: Int32Array;
  indices: number[];
  last: Int32Array;
  liveSlots: Set<number>;
}

function tablesToCsr(f: AttentionFrame, windowLeft: number): Csr {
  const batch = f.contextLens.length;
  if (f.blockTables.length !== batch) {
    throw new InputError('blockTables', `length ${f.blockTables.length}`, `one table per context length (${batch})`);
  }
  const indptr = new Int32Array(batch + 1);
  const indices: number[] = [];
  const last = new Int32Array(batch);
  const liveSlots = new Set<number>();
  for (let b = 0; b < batch; b++) {
    const len = requireInt(`contextLens[${b}]`, f.contextLens[b], 1);
    const pages = Math.ceil(len / f.tokensPerBlock);
    const table = f.blockTables[b];
    if (table.length < pages) {
      throw new InputError(`blockTables[${b}]`, `length ${table.length}`, `>= ${pages} blocks for ${len} tokens`);
    }
    const live = new Set(livePages(len, f.tokensPerBlock, windowLeft, f.sinkTokens));
    for (let p = 0; p < pages; p++) {
      const slot = table[p] ?? NULL_PAGE;
      if (live.has(p) && slot !== NULL_PAGE) liveSlots.add(slot);
      indices.push(live.has(p) || f.keepStalePages ? slot : NULL_PAGE);
    }
    indptr[b + 1] = indices.length;
    last[b] = len - (pages - 1) * f.tokensPerBlock;
  }
  return { indptr, indices, last, liveSlots };
}

export function frameToKernelInput(f: AttentionFrame): PagedDecodeInput {
  requireInt('tokensPerBlock', f.tokensPerBlock, 1);
  requireInt('headDim', f.headDim, 1);
  requireInt('numKvHeads', f.numKvHeads, 1);
  requireInt('sinkTokens', f.sinkTokens, 0);
  const windowLeft = f.windowTokens === null ? -1 : requireInt('windowTokens', f.windowTokens, 1) - 1;
  const { indptr, indices, last, liveSlots } = tablesToCsr(f, windowLeft);
  const maxSlot = indices.reduce((m, s) => Math.max(m, s), -1);
  const slots = f.numSlots ?? maxSlot + 1;
  if (slots < maxSlot + 1 || slots < 1) throw new InputError('numSlots', slots, `>= ${Math.max(1, maxSlot + 1)} (largest slot + 1)`);
  const rand = seededRandom(f.seed);
  const slotElems = f.tokensPerBlock * f.numKvHeads * f.headDim;
  const kPool = fillUniform(new Float32Array(slots * slotElems), rand);
  const vPool = fillUniform(new Float32Array(slots * slotElems), rand);
  const q = fillUniform(new Float32Array(f.contextLens.length * f.numQoHeads * f.headDim), rand);
  if (f.poison) {
    for (let s = 0; s < slots; s++) {
      if (liveSlots.has(s)) continue;
      kPool.fill(Number.NaN, s * slotElems, (s + 1) * slotElems);
      vPool.fill(Number.NaN, s * slotElems, (s + 1) * slotElems);
    }
  }
  const input: PagedDecodeInput = {
    numQoHeads: f.numQoHeads,
    numKvHeads: f.numKvHeads,
    headDim: f.headDim,
    tokensPerBlock: f.tokensPerBlock,
    windowLeft,
    sinkTokens: f.sinkTokens,
    smScale: f.smScale ?? 1 / Math.sqrt(f.headDim),
    q,
    kPool,
    vPool,
    kvIndptr: indptr,
    kvIndices: Int32Array.from(indices),
    kvLastPageLen: last,
  };
  validatePagedDecodeInput(input);
  return input;
}
