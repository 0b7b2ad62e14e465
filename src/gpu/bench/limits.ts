/**
 * The adapter's limits, measured with the same clock and at the same timescale as the attention
 * kernels (several back-to-back dispatches per timing): a read-write copy, a read-only reduction
 * per read path (storage buffer, read-only storage texture), FMA and exp throughput. Shared by
 * bench/gpu.bench.ts and the page's Benchmark view.
 */
import { createBuffer, STORAGE_IN, STORAGE_OUT, UNIFORM } from '../buffers.ts';
import { type GpuContext, withErrorScopes } from '../device.ts';
import { type Prepared, prepareCopy } from '../kernels.ts';
import { packStruct, ReadParams, ThroughputParams } from '../layout.ts';
import { getPipeline } from '../pipelines.ts';
import type { ShaderName } from '../shaders.ts';

/** A unit of work for the timer: `amount` bytes, flops or exps per dispatch. */
export interface Work {
  readonly amount: number;
  encode(encoder: GPUCommandEncoder): void;
  destroy(): void;
}

export type LimitName = 'copy' | 'readBuffer' | 'readTexture' | 'fma' | 'exp';

export const LIMIT_UNITS: Record<LimitName, string> = { copy: 'GB/s', readBuffer: 'GB/s', readTexture: 'GB/s', fma: 'GFLOP/s', exp: 'Gexp/s' };

const GROUPS = 512;
const THREADS = GROUPS * 64;

function passOf(pipeline: GPUComputePipeline, group: GPUBindGroup, label: string, workgroups: number, owned: Array<GPUBuffer | GPUTexture>, amount: number): Work {
  return {
    amount,
    encode(encoder) {
      const pass = encoder.beginComputePass({ label });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(workgroups);
      pass.end();
    },
    destroy() {
      for (const o of owned) o.destroy();
    },
  };
}

async function simple(ctx: GpuContext, name: ShaderName, params: ArrayBuffer, src: GPUBuffer | GPUTexture | null, amount: number): Promise<Work> {
  return withErrorScopes(ctx, `prepare ${name}`, async () => {
    const pipeline = await getPipeline(ctx, name);
    const p = createBuffer(ctx, `${name} params`, UNIFORM, params);
    const sums = createBuffer(ctx, `${name} sums`, STORAGE_OUT, THREADS * 16);
    const resources: GPUBindingResource[] = [{ buffer: p }];
    if (src) resources.push('createView' in src ? src.createView() : { buffer: src });
    resources.push({ buffer: sums });
    const group = ctx.device.createBindGroup({ label: name, layout: pipeline.getBindGroupLayout(0), entries: resources.map((resource, binding) => ({ binding, resource })) });
    return passOf(pipeline, group, name, GROUPS, src ? [p, sums, src] : [p, sums], amount);
  });
}

/** Copy of `bytes`: amount = bytes read + written. */
export async function copyWork(ctx: GpuContext, bytes: number): Promise<Work> {
  const c: Prepared = await prepareCopy(ctx, bytes);
  return { amount: 2 * bytes, encode: (e) => c.encode(e), destroy: () => c.destroy() };
}

export function readBufferWork(ctx: GpuContext, bytes: number): Promise<Work> {
  const count = bytes / 16;
  const src = createBuffer(ctx, 'read limit source', STORAGE_IN, bytes);
  return simple(ctx, 'read_buffer', packStruct(ReadParams, { count, stride: THREADS }), src, bytes);
}

export function readTextureWork(ctx: GpuContext, bytes: number): Promise<Work> {
  const count = bytes / 16;
  const width = Math.min(4096, ctx.limits.maxTextureDimension2D);
  const texture = ctx.device.createTexture({ label: 'texture read limit source', size: { width, height: Math.ceil(count / width) }, format: 'rgba32float', usage: 0x8 | 0x2 });
  return simple(ctx, 'read_texture', packStruct(ReadParams, { count, stride: THREADS, width, widthShift: Math.log2(width) }), texture, bytes);
}

export function fmaWork(ctx: GpuContext, iters: number): Promise<Work> {
  return simple(ctx, 'fma_throughput', packStruct(ThroughputParams, { iters }), null, THREADS * iters * 8 * 4 * 2);
}

export function expWork(ctx: GpuContext, iters: number): Promise<Work> {
  return simple(ctx, 'exp_throughput', packStruct(ThroughputParams, { iters }), null, THREADS * iters * 4 * 4);
}

/** Milliseconds per dispatch of `n` back-to-back dispatches in one submission. */
export async function timeDispatches(ctx: GpuContext, work: { encode(e: GPUCommandEncoder): void }, n: number): Promise<number> {
  const enc = ctx.device.createCommandEncoder({ label: 'timed dispatches' });
  for (let i = 0; i < n; i++) work.encode(enc);
  const t0 = performance.now();
  ctx.device.queue.submit([enc.finish()]);
  await ctx.device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / n;
}

/** Dispatches per timing so one timing lasts about `targetMs` (at least 2, at most 16). */
export function dispatchesFor(msPerDispatch: number, targetMs: number): number {
  return Math.max(2, Math.min(16, Math.round(targetMs / Math.max(msPerDispatch, 1e-3))));
}

export interface LimitOptions {
  /** Bytes the read and copy kernels stream per dispatch. */
  readonly bytes: number;
  /** Whether to measure the texture read path (needs read-only storage textures). */
  readonly texture: boolean;
  /** Steps of the FMA and exp chains per invocation. */
  readonly iters: number;
}

export async function prepareLimits(ctx: GpuContext, o: LimitOptions): Promise<Partial<Record<LimitName, Work>>> {
  const out: Partial<Record<LimitName, Work>> = {
    copy: await copyWork(ctx, o.bytes),
    readBuffer: await readBufferWork(ctx, o.bytes),
    fma: await fmaWork(ctx, o.iters),
    exp: await expWork(ctx, o.iters),
  };
  if (o.texture) out.readTexture = await readTextureWork(ctx, o.bytes);
  return out;
}

/** Throughput in units per second / 1e9 (GB/s, GFLOP/s, Gexp/s) from ms per dispatch. */
export const throughput = (w: Work, ms: number) => w.amount / ms / 1e6;
