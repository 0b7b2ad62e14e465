/**
 * The benchmark's cases and their inputs, shared by bench/gpu.bench.ts and the page's Benchmark
 * view. Pools hold only live pages (a real engine frees pages that left the window), in shuffled
 * slots; pages outside the window are the null page.
 */
import { seededRandom } from '../../attn/frame.ts';
import { livePages, type PagedDecodeInput, validatePagedDecodeInput } from '../../attn/inputs.ts';
import type { KvStorage } from '../buffers.ts';

export interface BenchCase {
  readonly name: string;
  readonly batch: number;
  readonly contextLen: number;
  readonly window: number | null;
  readonly numQoHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly storage: KvStorage;
  readonly tokensPerBlock: number;
}

const GQA = { numQoHeads: 32, numKvHeads: 8, headDim: 128, storage: 'f32' as const, tokensPerBlock: 16 };
const LATENT = { numQoHeads: 16, numKvHeads: 1, headDim: 512, storage: 'f32' as const, tokensPerBlock: 16 };
const ctxName = (c: number) => `${c / 1024}k`;

export const BENCH_CASES: readonly BenchCase[] = [
  ...[1024, 4096, 16384].map((c) => ({ name: `full-${ctxName(c)}`, batch: 32, contextLen: c, window: null, ...GQA })),
  ...[1024, 4096, 16384].map((c) => ({ name: `win128-${ctxName(c)}`, batch: 32, contextLen: c, window: 128, ...GQA })),
  ...[1024, 4096, 16384].map((c) => ({ name: `win4096-${ctxName(c)}`, batch: 32, contextLen: c, window: 4096, ...GQA })),
  { name: 'latent512-4k', batch: 32, contextLen: 4096, window: null, ...LATENT },
  // Flash-decoding's own case: one long sequence; without a split it occupies a single workgroup.
  { name: 'single-16k', batch: 1, contextLen: 16384, window: null, ...GQA },
];

/** f16 storage variants, run where the adapter has shader-f16. */
export const F16_CASES: readonly BenchCase[] = [
  { name: 'full-4k-f16', batch: 32, contextLen: 4096, window: null, ...GQA, storage: 'f16' },
  { name: 'latent512-4k-f16', batch: 32, contextLen: 4096, window: null, ...LATENT, storage: 'f16' },
];

/** A small set for a quick run (the browser test, a first look on a slow adapter). */
export const QUICK_CASES: readonly BenchCase[] = [
  { name: 'quick-full-1k', batch: 2, contextLen: 1024, window: null, ...GQA },
  { name: 'quick-win128-2k', batch: 2, contextLen: 2048, window: 128, ...GQA },
];

const windowLeft = (c: BenchCase) => (c.window === null ? -1 : c.window - 1);

/** Attended keys of one sequence (the same for every sequence of a case). */
export function attendedKeys(c: BenchCase): number {
  return c.window === null ? c.contextLen : Math.min(c.window, c.contextLen);
}

/** Bytes of one pool (K or V) holding the live pages of `batch` sequences. */
export function poolBytes(c: BenchCase, batch: number): number {
  const pages = livePages(c.contextLen, c.tokensPerBlock, windowLeft(c), 0).length;
  return batch * pages * c.tokensPerBlock * c.numKvHeads * c.headDim * (c.storage === 'f16' ? 2 : 4);
}

/** What one decode step must read and compute, for the roofline. */
export function caseWork(c: BenchCase, batch: number): { bytes: number; flops: number; exps: number } {
  const keys = batch * attendedKeys(c);
  return {
    bytes: keys * c.numKvHeads * c.headDim * (c.storage === 'f16' ? 2 : 4) * 2,
    // q.k and p.v: two flops per multiply-add, headDim of each per (key, query head)
    flops: keys * c.numQoHeads * c.headDim * 4,
    exps: keys * c.numQoHeads,
  };
}

/** Largest batch <= want (halving) whose pool fits `limit` bytes. */
export function fitBatch(c: BenchCase, want: number, limit: number): number {
  let batch = want;
  while (batch > 1 && poolBytes(c, batch) > limit) batch = Math.floor(batch / 2);
  return batch;
}

export function buildBenchInput(c: BenchCase, batch: number): PagedDecodeInput {
  const rand = seededRandom(c.contextLen + batch);
  const tpb = c.tokensPerBlock;
  const pagesPerSeq = Math.ceil(c.contextLen / tpb);
  const live = livePages(c.contextLen, tpb, windowLeft(c), 0);
  const slots = batch * live.length;
  const perm = Uint32Array.from({ length: slots }, (_, i) => i);
  for (let i = slots - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const kvIndices = new Int32Array(batch * pagesPerSeq).fill(-1);
  let next = 0;
  for (let b = 0; b < batch; b++) for (const p of live) kvIndices[b * pagesPerSeq + p] = perm[next++];
  const fill = (n: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
    return a;
  };
  const slotElems = tpb * c.numKvHeads * c.headDim;
  const input: PagedDecodeInput = {
    numQoHeads: c.numQoHeads,
    numKvHeads: c.numKvHeads,
    headDim: c.headDim,
    tokensPerBlock: tpb,
    windowLeft: windowLeft(c),
    sinkTokens: 0,
    smScale: 1 / Math.sqrt(c.headDim),
    q: fill(batch * c.numQoHeads * c.headDim),
    kPool: fill(slots * slotElems),
    vPool: fill(slots * slotElems),
    kvIndptr: Int32Array.from({ length: batch + 1 }, (_, b) => b * pagesPerSeq),
    kvIndices,
    kvLastPageLen: new Int32Array(batch).fill(c.contextLen - (pagesPerSeq - 1) * tpb),
  };
  validatePagedDecodeInput(input);
  return input;
}
