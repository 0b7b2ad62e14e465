/**
 * A whole benchmark run over a case list, with progress: what bench/gpu.bench.ts prints and what
 * the page's Benchmark view shows and exports. Nothing leaves the machine: the export is a value
 * the caller saves.
 */
import type { GpuContext } from '../device.ts';
import { BENCH_CASES, type BenchCase, F16_CASES, QUICK_CASES } from './cases.ts';
import { type BenchRow, runBenchCase } from './run.ts';
import { measureTracking, type TrackingRow } from './tracking.ts';

export interface BenchAdapter {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  readonly subgroupMinSize: number;
  readonly readonlyStorageTextures: boolean;
  readonly shaderF16: boolean;
}

export interface BenchExport {
  readonly tool: 'kvpool bench:gpu';
  readonly adapter: BenchAdapter;
  readonly reps: number;
  readonly startedAt: string;
  readonly rows: BenchRow[];
  /** Windowed cases of one window at several contexts, timed side by side (src/gpu/bench/tracking.ts). */
  readonly tracking: TrackingRow[];
}

export type CaseSet = 'quick' | 'full';

/** The cases of a set on this adapter (f16 cases only where it has shader-f16). */
export function casesFor(ctx: GpuContext, set: CaseSet): BenchCase[] {
  return set === 'quick' ? [...QUICK_CASES] : [...BENCH_CASES, ...(ctx.hasF16 ? F16_CASES : [])];
}

export function adapterLine(ctx: GpuContext): string {
  return `${ctx.adapterInfo.vendor} ${ctx.adapterInfo.architecture} ${ctx.adapterInfo.description}`.trim() || 'unknown adapter';
}

export function benchAdapter(ctx: GpuContext): BenchAdapter {
  return {
    ...ctx.adapterInfo,
    subgroupMinSize: ctx.subgroupMinSize,
    readonlyStorageTextures: ctx.hasReadonlyTextures,
    shaderF16: ctx.hasF16,
  };
}

export interface SessionOptions {
  readonly reps: number;
  readonly targetMs?: number;
  /** Called before each case (done of total) and once at the end (done = total). */
  readonly onProgress?: (done: number, total: number, label: string, rows: readonly BenchRow[]) => void;
}

export async function runBenchSession(ctx: GpuContext, cases: readonly BenchCase[], o: SessionOptions): Promise<BenchExport> {
  const startedAt = new Date().toISOString();
  const rows: BenchRow[] = [];
  const shared = { reps: o.reps, targetMs: o.targetMs ?? 300, adapter: adapterLine(ctx), compiles: new Map(), best: new Map<string, number>() };
  for (let i = 0; i < cases.length; i++) {
    o.onProgress?.(i, cases.length, cases[i].name, rows);
    rows.push(...(await runBenchCase(ctx, cases[i], shared)));
  }
  const tracking = await measureTracking(ctx, cases, shared);
  o.onProgress?.(cases.length, cases.length, 'done', rows);
  return { tool: 'kvpool bench:gpu', adapter: benchAdapter(ctx), reps: o.reps, startedAt, rows, tracking };
}

/** The numeric fields every row carries (the browser test checks each is finite and > 0). */
export const ROW_METRICS = [
  'ms',
  'readLimitGbPerS',
  'copyGbPerS',
  'fmaGflopPerS',
  'expGperS',
  'rooflineMs',
  'fractionOfRoofline',
  'ratioToCopy',
  'naiveMs',
  'speedupVsNaive',
  'previousMs',
  'speedupVsPrevious',
  'coldCompileMs',
  'warmCompileMs',
] as const satisfies ReadonlyArray<keyof BenchRow>;
