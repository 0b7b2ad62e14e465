/**
 * `npm run bench:gpu [-- --json] [-- --cases a,b] [-- --reps N]`: paged decode attention on the
 * WebGPU adapter against a plain copy kernel (the memory-bandwidth reference) and the naive kernel.
 *
 * Effective bandwidth = bytes of live K/V read / time; copy bandwidth counts bytes read + written.
 * Copy and split-K runs are interleaved rep by rep in one process, and times are the best rep of
 * each (other processes on a shared machine only ever add time); the naive kernel is compared
 * against the split-K kernel the same way.
 * Pools hold only live pages (a real engine frees pages that left the window); when a pool would
 * not fit in two storage bindings the batch is halved and the row says so.
 */
import { seededRandom } from '../src/attn/frame.ts';
import { livePages, type PagedDecodeInput, validatePagedDecodeInput } from '../src/attn/inputs.ts';
import { maxScaledError, referencePagedDecode } from '../src/attn/reference.ts';
import { prepareDecode } from '../src/gpu/attention.ts';
import { acquireGpu, type GpuContext, releaseGpu } from '../src/gpu/device.ts';
import { type Prepared, prepareCopy, prepareNaive, submitAndWait } from '../src/gpu/kernels.ts';

interface BenchCase {
  name: string;
  batch: number;
  contextLen: number;
  window: number | null;
  numQoHeads: number;
  numKvHeads: number;
  headDim: number;
}

const TPB = 16;
const GQA = { numQoHeads: 32, numKvHeads: 8, headDim: 128 };
const CASES: BenchCase[] = [
  ...[1024, 4096, 16384].map((c) => ({ name: `full-${c / 1024}k`, batch: 32, contextLen: c, window: null, ...GQA })),
  ...[1024, 4096, 16384].map((c) => ({ name: `win128-${c / 1024}k`, batch: 32, contextLen: c, window: 128, ...GQA })),
  ...[1024, 4096, 16384].map((c) => ({ name: `win4096-${c / 1024}k`, batch: 32, contextLen: c, window: 4096, ...GQA })),
  { name: 'latent512-4k', batch: 32, contextLen: 4096, window: null, numQoHeads: 16, numKvHeads: 1, headDim: 512 },
  // Flash-decoding's own case: one long sequence; without a split it occupies a single workgroup.
  { name: 'single-16k', batch: 1, contextLen: 16384, window: null, ...GQA },
];

function liveBytes(c: BenchCase, batch: number): number {
  const pages = livePages(c.contextLen, TPB, c.window === null ? -1 : c.window - 1, 0).length;
  return batch * pages * TPB * c.numKvHeads * c.headDim * 4;
}

/** Live pages get shuffled slots; pages outside the window are null (freed), as in an engine. */
function buildInput(c: BenchCase, batch: number): PagedDecodeInput {
  const rand = seededRandom(c.contextLen + batch);
  const windowLeft = c.window === null ? -1 : c.window - 1;
  const pagesPerSeq = Math.ceil(c.contextLen / TPB);
  const live = livePages(c.contextLen, TPB, windowLeft, 0);
  const slots = batch * live.length;
  const perm = Uint32Array.from({ length: slots }, (_, i) => i);
  for (let i = slots - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const kvIndices = new Int32Array(batch * pagesPerSeq).fill(-1);
  let next = 0;
  for (let b = 0; b < batch; b++) for (const p of live) kvIndices[b * pagesPerSeq + p] = perm[next++];
  const slotElems = TPB * c.numKvHeads * c.headDim;
  const fill = (n: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
    return a;
  };
  const input: PagedDecodeInput = {
    numQoHeads: c.numQoHeads,
    numKvHeads: c.numKvHeads,
    headDim: c.headDim,
    tokensPerBlock: TPB,
    windowLeft,
    sinkTokens: 0,
    smScale: 1 / Math.sqrt(c.headDim),
    q: fill(batch * c.numQoHeads * c.headDim),
    kPool: fill(slots * slotElems),
    vPool: fill(slots * slotElems),
    kvIndptr: Int32Array.from({ length: batch + 1 }, (_, b) => b * pagesPerSeq),
    kvIndices,
    kvLastPageLen: new Int32Array(batch).fill(c.contextLen - (pagesPerSeq - 1) * TPB),
  };
  validatePagedDecodeInput(input);
  return input;
}

async function timeOnce(ctx: GpuContext, work: Prepared): Promise<number> {
  const t0 = performance.now();
  await submitAndWait(ctx, work, 'bench');
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Row {
  case: string;
  batch: number;
  contextLen: number;
  window: number | null;
  liveMB: number;
  /** Best of the interleaved reps (load from other processes only ever adds time). */
  ms: number;
  msMedian: number;
  gbPerS: number;
  copyGbPerS: number;
  ratioToCopy: number;
  naiveMs: number | null;
  speedupVsNaive: number | null;
  maxError: number | null;
  note: string;
}

/** Largest batch <= want whose pool fits `limit` bytes (K or V, one pool). */
function fitBatch(c: BenchCase, want: number, limit: number): number {
  let batch = want;
  while (batch > 1 && liveBytes(c, batch) > limit) batch = Math.floor(batch / 2);
  return batch;
}

async function measure(ctx: GpuContext, works: Array<Prepared | null>, reps: number): Promise<number[][]> {
  const times = works.map(() => [] as number[]);
  for (const w of works) if (w) await timeOnce(ctx, w); // warm-up: compile, first touch
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < works.length; i++) {
      const w = works[i];
      if (w) times[i].push(await timeOnce(ctx, w));
    }
  }
  return times;
}

async function runCase(ctx: GpuContext, c: BenchCase, copy: Prepared, copyBytes: number, reps: number): Promise<Row> {
  const binding = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  const batch = fitBatch(c, c.batch, 2 * binding);
  const notes: string[] = [];
  if (batch < c.batch) notes.push(`batch ${c.batch} -> ${batch}: pool over 2 x maxStorageBufferBindingSize`);
  const input = buildInput(c, batch);
  const attn = await prepareDecode(ctx, input);
  // Copy and split-K attention interleaved, rep by rep.
  const [tCopy, tAttn] = await measure(ctx, [copy, attn], reps);
  let maxError: number | null = null;
  if (batch * c.contextLen <= 32 * 4096 && c.headDim <= 128) {
    // Spot-check correctness on the first two sequences (the f64 reference is slow).
    const out = await attn.readOutput();
    const head = { ...input, kvIndptr: input.kvIndptr.subarray(0, 3), kvLastPageLen: input.kvLastPageLen.subarray(0, 2), kvIndices: input.kvIndices.subarray(0, input.kvIndptr[2]) };
    const ref = referencePagedDecode(head, false);
    maxError = maxScaledError(out.subarray(0, ref.length), ref);
  }
  const liveKeys = attn.plan.liveKeys;
  attn.destroy();
  // The naive kernel binds each pool whole: compare at the largest batch that fits one binding.
  const nb = fitBatch(c, batch, binding);
  let naiveMs: number | null = null;
  let speedupVsNaive: number | null = null;
  if (liveBytes(c, nb) <= binding) {
    const small = nb === batch ? input : buildInput(c, nb);
    const [a, n] = await Promise.all([prepareDecode(ctx, small), prepareNaive(ctx, small)]);
    const [ta, tn] = await measure(ctx, [a, n], Math.max(2, Math.ceil(reps / 2)));
    naiveMs = Math.min(...tn);
    speedupVsNaive = naiveMs / Math.min(...ta);
    if (nb < batch) notes.push(`naive compared at batch ${nb} (one binding per pool)`);
    a.destroy();
    n.destroy();
  }
  const ms = Math.min(...tAttn);
  const bytes = liveKeys * c.numKvHeads * c.headDim * 4 * 2;
  const gbPerS = bytes / ms / 1e6;
  const copyGbPerS = (2 * copyBytes) / Math.min(...tCopy) / 1e6;
  return {
    case: c.name,
    batch,
    contextLen: c.contextLen,
    window: c.window,
    liveMB: bytes / 1e6,
    ms,
    msMedian: median(tAttn),
    gbPerS,
    copyGbPerS,
    ratioToCopy: gbPerS / copyGbPerS,
    naiveMs,
    speedupVsNaive,
    maxError,
    note: notes.join('; '),
  };
}

/** Windowed cases: time per live key should not grow with the context. */
function windowSummary(rows: Row[]): string[] {
  const lines: string[] = [];
  for (const w of [128, 4096]) {
    const r = rows.filter((x) => x.window === w);
    if (r.length < 2) continue;
    const perKey = r.map((x) => `${x.contextLen / 1024}k: ${((x.ms * 1e6) / (x.liveMB * 1e6)).toFixed(2)} ns/B (${x.ms.toFixed(1)} ms, ${x.liveMB.toFixed(1)} MB live)`);
    lines.push(`window ${w}: ${perKey.join(', ')}`);
  }
  return lines;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const reps = Number(flag('reps') ?? 5);
  const only = flag('cases')?.split(',');
  const ctx = await acquireGpu();
  if (!ctx) throw new Error('no WebGPU adapter (install Mesa lavapipe; see .ci/run)');
  const adapter = `${ctx.adapterInfo.vendor} ${ctx.adapterInfo.architecture} ${ctx.adapterInfo.description}`.trim();
  if (!json) console.log(`adapter: ${adapter}`);
  const copyBytes = 64 * 1024 * 1024;
  const copy = await prepareCopy(ctx, copyBytes);
  await timeOnce(ctx, copy);
  if (!json) console.log('case            batch  ctx    window  liveMB    ms      GB/s  copyGB/s  ratio  naive ms  speedup  maxErr');
  const rows: Row[] = [];
  for (const c of CASES.filter((x) => !only || only.includes(x.name))) {
    const row = await runCase(ctx, c, copy, copyBytes, reps);
    rows.push(row);
    if (json) console.log(JSON.stringify({ ...row, adapter }));
    else {
      const f = (x: number | null, d: number, w: number) => (x === null ? '-' : x.toFixed(d)).padStart(w);
      console.log(
        `${row.case.padEnd(15)} ${f(row.batch, 0, 5)} ${f(row.contextLen, 0, 6)} ${String(row.window ?? '-').padStart(6)} ${f(row.liveMB, 1, 7)} ${f(row.ms, 1, 7)} ${f(row.gbPerS, 2, 8)} ${f(row.copyGbPerS, 2, 8)} ${f(row.ratioToCopy, 2, 6)} ${f(row.naiveMs, 1, 9)} ${f(row.speedupVsNaive, 1, 7)}x ${row.maxError === null ? '-' : row.maxError.toExponential(1)}${row.note ? `  (${row.note})` : ''}`,
      );
    }
  }
  if (!json) for (const line of windowSummary(rows)) console.log(line);
  copy.destroy();
  await releaseGpu();
}

await main();
