/**
 * The narrow texture kernel with and without prefetch (src/gpu/decode-wgsl.ts), same case, same
 * pools, timed side by side the way window tracking is (src/gpu/bench/tracking.ts): interleaved
 * rep by rep in alternating order; the figure is the median over reps of the paired speed-up
 * ms(off) / ms(on), with best-of and (Node) CPU time beside it. `npm run bench:gpu -- --prefetch`.
 */
import { planSplits } from '../../attn/split.ts';
import { chooseVariant, prepareTextureDecode, textureUnavailable } from '../attention-texture.ts';
import type { GpuContext } from '../device.ts';
import { type BenchCase, buildBenchInput, fitBatch } from './cases.ts';
import { interleaveAbba, pairedMedian } from './tracking.ts';

export interface PrefetchRow {
  readonly case: string;
  readonly batch: number;
  readonly msOff: number;
  readonly msOn: number;
  /** Median over reps of ms(off) / ms(on) timed in the same rep (> 1: prefetch helps). */
  readonly speedupMedian: number;
  readonly speedupBest: number;
  readonly cpuSpeedupMedian: number | null;
  readonly reps: number;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Null where the case does not run the narrow texture kernel on this adapter. */
export async function comparePrefetch(ctx: GpuContext, c: BenchCase, o: { reps: number; targetMs: number }): Promise<PrefetchRow | null> {
  const binding = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  const batch = fitBatch(c, c.batch, 2 * binding);
  const input = buildBenchInput(c, batch);
  if (textureUnavailable(ctx, input) !== null) return null;
  const chosen = chooseVariant(ctx.subgroupMinSize, c.headDim, c.numQoHeads / c.numKvHeads, c.storage);
  if (chosen.kind !== 'narrow') return null;
  const plan = planSplits(input);
  const off = await prepareTextureDecode(ctx, input, plan, c.storage, undefined, { ...chosen, prefetch: false });
  const on = await prepareTextureDecode(ctx, input, plan, c.storage, undefined, { ...chosen, prefetch: true });
  try {
    const reps = Math.max(12, o.reps);
    const { wall, cpu } = await interleaveAbba(ctx, [off, on], reps, o.targetMs);
    return {
      case: c.name,
      batch,
      msOff: median(wall[0]),
      msOn: median(wall[1]),
      speedupMedian: pairedMedian(wall[1], wall[0]),
      speedupBest: Math.min(...wall[0]) / Math.min(...wall[1]),
      cpuSpeedupMedian: cpu[0].length ? pairedMedian(cpu[1], cpu[0]) : null,
      reps,
    };
  } finally {
    off.destroy();
    on.destroy();
  }
}

export function prefetchLine(r: PrefetchRow): string {
  const cpu = r.cpuSpeedupMedian === null ? '' : `, CPU time ${r.cpuSpeedupMedian.toFixed(2)}`;
  return `prefetch ${r.case} (batch ${r.batch}, ${r.reps} reps side by side): off ${r.msOff.toFixed(1)} ms, on ${r.msOn.toFixed(1)} ms (medians); speed-up median of paired ${r.speedupMedian.toFixed(2)}, best-of ${r.speedupBest.toFixed(2)}${cpu}`;
}
