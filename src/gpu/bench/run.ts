/**
 * One benchmark case, measured side by side: the adapter's limits (copy, the read path's read-only
 * reduction, FMA, exp), the texture-path kernel, the buffer-path kernel (the fallback, and the
 * previous kernel every speed-up is against) and the naive kernel, interleaved rep by rep in one
 * process. Times are the best rep of each (load from other processes only ever adds time).
 *
 *   rooflineMs = max(bytes / readLimit of the kernel's path, flops / fmaLimit, exps / expLimit)
 */

import type { PagedDecodeInput } from '../../attn/inputs.ts';
import { maxScaledError, referencePagedDecode } from '../../attn/reference.ts';
import { choosePath, type GpuRunOptions, type KernelPath, type PreparedDecode, prepareDecode } from '../attention.ts';
import { roundToHalf } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { prepareNaive } from '../kernels.ts';
import { previousKernel } from './baseline.ts';
import { type BenchCase, buildBenchInput, caseWork, fitBatch } from './cases.ts';
import { dispatchesFor, type LimitName, prepareLimits, readSources, throughput, timeDispatches, type Work } from './limits.ts';

export interface BenchRow {
  case: string;
  path: KernelPath;
  storage: string;
  batch: number;
  contextLen: number;
  window: number | null;
  liveMB: number;
  ms: number;
  msMedian: number;
  gbPerS: number;
  readLimitGbPerS: number;
  copyGbPerS: number;
  fmaGflopPerS: number;
  expGperS: number;
  rooflineMs: number;
  bound: 'read' | 'fma' | 'exp';
  fractionOfRoofline: number;
  ratioToCopy: number;
  naiveMs: number;
  speedupVsNaive: number;
  previousMs: number;
  speedupVsPrevious: number;
  /** Texture path: lanes per key (from the subgroup size, or forced); buffer path: 0. */
  lanes: number;
  coldCompileMs: number;
  warmCompileMs: number;
  maxError: number | null;
  adapter: string;
  note: string;
}

export interface BenchOptions {
  readonly reps: number;
  /** Target length of one timing (several back-to-back dispatches). */
  readonly targetMs: number;
  readonly adapter: string;
  /** Cold/warm compile times per variant, kept across cases (a variant is cold only once). */
  readonly compiles: Map<string, { cold: number; warm: number }>;
  /**
   * Best throughput seen so far per limit and working-set size: a limit is the adapter's, so the
   * best measurement of the run is its closest estimate (load only ever lowers one).
   */
  readonly best: Map<string, number>;
}

/** The copy kernel's working set: the case's K/V bytes, within [8 MiB, 128 MiB]. */
export function limitBytes(caseBytes: number): number {
  const mib = 1024 * 1024;
  return Math.ceil(Math.min(128 * mib, Math.max(8 * mib, caseBytes)) / mib) * mib;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Prepare a path and time its first dispatch. A software driver compiles a pipeline lazily, at its
 * first dispatch, so compile time = (prepare + first dispatch) - a steady dispatch. The first use
 * of a variant in the process is its cold compile (true cold with the disk shader cache off); a
 * second preparation of the same variant, its pipeline cached, gives the warm figure.
 */
async function prepareTimed(ctx: GpuContext, input: PagedDecodeInput, opts: GpuRunOptions): Promise<{ p: PreparedDecode; ms: number }> {
  const t0 = performance.now();
  const p = await prepareDecode(ctx, input, opts);
  await timeDispatches(ctx, p, 1);
  return { p, ms: performance.now() - t0 };
}

async function preparePath(ctx: GpuContext, input: PagedDecodeInput, opts: GpuRunOptions, o: BenchOptions) {
  const first = await prepareTimed(ctx, input, opts);
  const steady = await timeDispatches(ctx, first.p, 1);
  let t = o.compiles.get(first.p.variantKey);
  if (!t) {
    const again = await prepareTimed(ctx, input, opts);
    again.p.destroy();
    t = { cold: Math.max(1, first.ms - steady), warm: Math.max(1, again.ms - steady) };
    o.compiles.set(first.p.variantKey, t);
  }
  return { prepared: first.p, compile: t };
}

/**
 * Interleave the works rep by rep; ms per dispatch of each, per rep. The first `limits` works are
 * the adapter's limits: sampled LIMIT_SAMPLES times per rep (the best counts), so a busy moment on a shared
 * machine does not understate a limit next to a kernel timed in a quiet one.
 */
/** Timings of each limit per rep (the best counts). */
const LIMIT_SAMPLES = 3;

async function interleave(ctx: GpuContext, works: Work[], o: BenchOptions, limits = 0): Promise<number[][]> {
  const counts: number[] = [];
  for (const w of works) counts.push(dispatchesFor(await timeDispatches(ctx, w, 1), o.targetMs));
  const times = works.map(() => [] as number[]);
  for (let r = 0; r < o.reps; r++) {
    for (let i = 0; i < works.length; i++) {
      let t = await timeDispatches(ctx, works[i], counts[i]);
      for (let k = 1; k < (i < limits ? LIMIT_SAMPLES : 1); k++) t = Math.min(t, await timeDispatches(ctx, works[i], counts[i]));
      times[i].push(t);
    }
  }
  return times;
}

function asWork(p: { encode(e: GPUCommandEncoder): void; destroy(): void }, amount: number): Work {
  return { amount, encode: (e) => p.encode(e), destroy: () => p.destroy() };
}

/**
 * Error of the first two sequences against the CPU reference (f16 storage: on the same
 * f16-rounded K/V the kernel reads), or null where the reference would take long.
 */
async function spotCheck(p: PreparedDecode, input: ReturnType<typeof buildBenchInput>, c: BenchCase): Promise<number | null> {
  if (c.contextLen * Math.min(c.batch, 2) * c.numQoHeads * c.headDim > 32768 * 32 * 128) return null;
  const out = await p.readOutput();
  const pools = c.storage === 'f16' ? { kPool: roundToHalf(input.kPool), vPool: roundToHalf(input.vPool) } : {};
  const head = { ...input, ...pools, kvIndptr: input.kvIndptr.subarray(0, 3), kvLastPageLen: input.kvLastPageLen.subarray(0, 2), kvIndices: input.kvIndices.subarray(0, input.kvIndptr[2]) };
  const ref = referencePagedDecode(head, false);
  return maxScaledError(out.subarray(0, ref.length), ref);
}

/** The naive kernel's ms per live byte (it binds each pool whole: timed at a batch that fits). */
async function naiveMsPerByte(ctx: GpuContext, c: BenchCase, batch: number, o: BenchOptions): Promise<{ perByte: number; batch: number }> {
  const binding = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  const nb = fitBatch({ ...c, storage: 'f32' }, batch, binding);
  const input = buildBenchInput(c, nb);
  const naive = await prepareNaive(ctx, input);
  const [t] = await interleave(ctx, [asWork(naive, 0)], { ...o, reps: Math.max(1, Math.ceil(o.reps / 2)) });
  naive.destroy();
  return { perByte: Math.min(...t) / caseWork(c, nb).bytes, batch: nb };
}

export async function runBenchCase(ctx: GpuContext, c: BenchCase, o: BenchOptions): Promise<BenchRow[]> {
  const binding = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  const batch = fitBatch(c, c.batch, 2 * binding);
  const notes: string[] = [];
  if (batch < c.batch) notes.push(`batch ${c.batch} -> ${batch}: buffer pool over 2 x maxStorageBufferBindingSize`);
  const input = buildBenchInput(c, batch);
  const work = caseWork(c, batch);
  const { path: best, reason } = choosePath(ctx, input);
  if (reason) notes.push(`texture path out: ${reason}`);
  const paths: KernelPath[] = best === 'texture' ? ['texture', 'buffer'] : ['buffer'];
  const compiles: Record<string, { cold: number; warm: number }> = {};
  const prepared: Record<string, PreparedDecode> = {};
  for (const path of paths) {
    const r = await preparePath(ctx, input, { path, storage: c.storage }, o);
    prepared[path] = r.prepared;
    compiles[path] = r.compile;
  }
  // The previous kernel (the hand-written buffer kernel this one replaced): the speed-up baseline.
  const previous = (await preparePath(ctx, input, { path: 'buffer', storage: c.storage, bufferSource: previousKernel(ctx) }, o)).prepared;
  // Read limits over each path's own pools, as many bytes as the kernel reads.
  const reads = Object.fromEntries(paths.map((p) => [p, { storage: c.storage, sources: readSources(prepared[p].regions, work.bytes, c.storage) }]));
  const limits = await prepareLimits(ctx, { copyBytes: limitBytes(work.bytes), iters: 512, reads });
  const names = Object.keys(limits) as LimitName[];
  const works = [...names.map((n) => limits[n] as Work), ...paths.map((p) => asWork(prepared[p], work.bytes)), asWork(previous, work.bytes)];
  const times = await interleave(ctx, works, o, names.length);
  const limit = (n: LimitName) => {
    const w = limits[n];
    if (!w) return 0;
    const key = n === 'fma' || n === 'exp' ? n : `${n}:${c.name}`;
    const x = Math.max(o.best.get(key) ?? 0, throughput(w, Math.min(...times[names.indexOf(n)])));
    o.best.set(key, x);
    return x;
  };
  const naive = await naiveMsPerByte(ctx, c, batch, o);
  if (naive.batch < batch) notes.push(`naive timed at batch ${naive.batch} (one binding per pool), scaled per live byte`);
  const msOf = (p: KernelPath) => Math.min(...times[names.length + paths.indexOf(p)]);
  const previousMs = Math.min(...times[works.length - 1]);
  const rows: BenchRow[] = [];
  for (const path of paths) {
    const ms = msOf(path);
    const readLimit = path === 'texture' ? Math.max(limit('readTexture'), limit('readTextureDeep')) : Math.max(limit('readBuffer'), limit('readBufferDeep'));
    const parts = { read: work.bytes / readLimit / 1e6, fma: work.flops / limit('fma') / 1e6, exp: work.exps / limit('exp') / 1e6 };
    const bound = (Object.keys(parts) as Array<keyof typeof parts>).reduce((a, b) => (parts[b] > parts[a] ? b : a));
    const gbPerS = work.bytes / ms / 1e6;
    rows.push({
      case: c.name,
      path,
      storage: c.storage,
      batch,
      contextLen: c.contextLen,
      window: c.window,
      liveMB: work.bytes / 1e6,
      ms,
      msMedian: median(times[names.length + paths.indexOf(path)]),
      gbPerS,
      readLimitGbPerS: readLimit,
      copyGbPerS: limit('copy'),
      fmaGflopPerS: limit('fma'),
      expGperS: limit('exp'),
      rooflineMs: parts[bound],
      bound,
      fractionOfRoofline: parts[bound] / ms,
      ratioToCopy: gbPerS / limit('copy'),
      naiveMs: naive.perByte * work.bytes,
      speedupVsNaive: (naive.perByte * work.bytes) / ms,
      previousMs,
      speedupVsPrevious: previousMs / ms,
      lanes: prepared[path].lanes,
      coldCompileMs: compiles[path].cold,
      warmCompileMs: compiles[path].warm,
      maxError: await spotCheck(prepared[path], input, c),
      adapter: o.adapter,
      note: notes.join('; '),
    });
  }
  for (const w of works) w.destroy();
  return rows;
}
