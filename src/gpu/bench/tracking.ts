/**
 * Does a windowed case track its window? For each window, the kernels of every context length of
 * that window (win128-1k, win128-16k, ...) are prepared together and timed side by side in one
 * process, interleaved rep by rep in alternating order (ABBA..., so a drift in the machine's load
 * falls on both). The figure is the median over reps of the paired ratio
 *
 *   ms(longest context) / ms(shortest context), both timed in the same rep,
 *
 * with the best-of ratio (best rep of each) beside it. Where the process can read its own CPU time
 * (Node, where a software adapter runs its shader threads inside the process) the paired ratio of
 * CPU time per dispatch is given too: other processes' load stretches wall time far more than it
 * stretches the CPU time our threads use. Cases timed one after another, minutes
 * apart on a shared machine, differ by the load between them (1.4-1.5x seen for identical work),
 * so the per-case rows of src/gpu/bench/run.ts cannot answer this.
 */
import { choosePath, type KernelPath, type PreparedDecode, prepareDecode } from '../attention.ts';
import type { GpuContext } from '../device.ts';
import { type BenchCase, buildBenchInput, fitBatch } from './cases.ts';
import { dispatchesFor, timeDispatches } from './limits.ts';

export interface TrackingRow {
  readonly window: number;
  readonly path: KernelPath;
  readonly batch: number;
  /** Context lengths, shortest first, and the cases they came from. */
  readonly contexts: number[];
  readonly cases: string[];
  /** Per context: median and best ms per dispatch. */
  readonly msMedian: number[];
  readonly msBest: number[];
  /** Median over reps of ms(longest) / ms(shortest) timed in the same rep. */
  readonly ratioMedian: number;
  /** Best ms of the longest / best ms of the shortest. */
  readonly ratioBest: number;
  /** Median paired ratio of this process's CPU ms per dispatch; null where it cannot be read (a browser). */
  readonly cpuRatioMedian: number | null;
  readonly reps: number;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The windowed cases grouped by window (and shape), shortest context first; groups of two or more. */
export function trackingGroups(cases: readonly BenchCase[]): BenchCase[][] {
  const groups = new Map<string, BenchCase[]>();
  for (const c of cases) {
    if (c.window === null) continue;
    const key = [c.window, c.batch, c.numQoHeads, c.numKvHeads, c.headDim, c.storage, c.tokensPerBlock].join(':');
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()].filter((g) => g.length > 1).map((g) => [...g].sort((a, b) => a.contextLen - b.contextLen));
}

/** This process's CPU time in ms (all its threads), or null outside Node. */
export function cpuMs(): number | null {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : null;
}

/** Time prepared decodes interleaved, order reversed every other rep: wall and CPU ms per dispatch, per rep. */
export async function interleaveAbba(ctx: GpuContext, ps: ReadonlyArray<{ encode(e: GPUCommandEncoder): void }>, reps: number, targetMs: number) {
  const first = await timeDispatches(ctx, ps[0], 1);
  const n = dispatchesFor(first, targetMs);
  for (const p of ps.slice(1)) await timeDispatches(ctx, p, 1);
  const wall = ps.map(() => [] as number[]);
  const cpu = ps.map(() => [] as number[]);
  const forward = ps.map((_, i) => i);
  for (let r = 0; r < reps; r++) {
    for (const i of r % 2 ? [...forward].reverse() : forward) {
      const c0 = cpuMs();
      wall[i].push(await timeDispatches(ctx, ps[i], n));
      const c1 = cpuMs();
      if (c0 !== null && c1 !== null) cpu[i].push((c1 - c0) / n);
    }
  }
  return { wall, cpu };
}

/** Median over reps of b[r] / a[r]. */
export const pairedMedian = (a: readonly number[], b: readonly number[]) => median(b.map((t, r) => t / a[r]));

async function trackGroup(ctx: GpuContext, group: BenchCase[], path: KernelPath, reps: number, targetMs: number): Promise<TrackingRow> {
  const binding = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  // One batch for the whole group (the largest every context's pool fits), so only the context differs.
  const batch = Math.min(...group.map((c) => fitBatch(c, c.batch, 2 * binding)));
  const ps: PreparedDecode[] = [];
  try {
    for (const c of group) ps.push(await prepareDecode(ctx, buildBenchInput(c, batch), { path, storage: c.storage }));
    const { wall: times, cpu } = await interleaveAbba(ctx, ps, reps, targetMs);
    const last = times.length - 1;
    return {
      window: group[0].window ?? 0,
      path,
      batch,
      contexts: group.map((c) => c.contextLen),
      cases: group.map((c) => c.name),
      msMedian: times.map(median),
      msBest: times.map((t) => Math.min(...t)),
      ratioMedian: pairedMedian(times[0], times[last]),
      ratioBest: Math.min(...times[last]) / Math.min(...times[0]),
      cpuRatioMedian: cpu[0].length ? pairedMedian(cpu[0], cpu[last]) : null,
      reps,
    };
  } finally {
    for (const p of ps) p.destroy();
  }
}

/** Side-by-side tracking of every window group in `cases`, on each path the adapter can run. */
export async function measureTracking(ctx: GpuContext, cases: readonly BenchCase[], o: { reps: number; targetMs: number }): Promise<TrackingRow[]> {
  const rows: TrackingRow[] = [];
  // At least 16 reps: the paired median needs a few pairs to be steadier than one case's best.
  const reps = Math.max(16, o.reps);
  for (const group of trackingGroups(cases)) {
    const probe = buildBenchInput(group[0], 1);
    const paths: KernelPath[] = choosePath(ctx, probe).path === 'texture' ? ['texture', 'buffer'] : ['buffer'];
    for (const path of paths) rows.push(await trackGroup(ctx, group, path, reps, o.targetMs));
  }
  return rows;
}

export function trackingLine(t: TrackingRow): string {
  const per = t.contexts.map((c, i) => `${c / 1024}k ${t.msMedian[i].toFixed(1)} ms (best ${t.msBest[i].toFixed(1)})`);
  return `${t.path} window ${t.window}, batch ${t.batch}, side by side over ${t.reps} reps: ${per.join(', ')}; longest/shortest median of paired ${t.ratioMedian.toFixed(2)}, best-of ${t.ratioBest.toFixed(2)}${t.cpuRatioMedian === null ? '' : `, CPU time ${t.cpuRatioMedian.toFixed(2)}`}`;
}
