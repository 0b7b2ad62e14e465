/**
 * The adapter's limits, measured with the same clock and at the same timescale as the attention
 * kernels (several back-to-back dispatches per timing): a read-write copy, a read-only reduction
 * per read path over the kernel's own pools (storage buffers, read-only storage textures: same
 * format, same memory, as many bytes as the kernel reads), FMA and exp throughput. Shared by
 * bench/gpu.bench.ts and the page's Benchmark view.
 */
import { createBuffer, type KvStorage, STORAGE_OUT, UNIFORM } from '../buffers.ts';
import { type GpuContext, withErrorScopes } from '../device.ts';
import { type Prepared, prepareCopy } from '../kernels.ts';
import { packStruct, ReadParams, ThroughputParams } from '../layout.ts';
import { getGeneratedPipeline, getPipeline } from '../pipelines.ts';
import { type ShaderName, shaderSource } from '../shaders.ts';
import { TEXTURE_FORMAT } from '../texture-pool.ts';

/** A unit of work for the timer: `amount` bytes, flops or exps per dispatch. */
export interface Work {
  readonly amount: number;
  encode(encoder: GPUCommandEncoder): void;
  destroy(): void;
}

/** A read path's limit is the better of two reduction shapes (the -Deep one: 16 loads in flight). */
export type LimitName = 'copy' | 'readBuffer' | 'readBufferDeep' | 'readTexture' | 'readTextureDeep' | 'fma' | 'exp';

export const LIMIT_UNITS: Record<LimitName, string> = {
  copy: 'GB/s',
  readBuffer: 'GB/s',
  readBufferDeep: 'GB/s',
  readTexture: 'GB/s',
  readTextureDeep: 'GB/s',
  fma: 'GFLOP/s',
  exp: 'Gexp/s',
};

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

async function simple(ctx: GpuContext, name: ShaderName, params: ArrayBuffer, amount: number): Promise<Work> {
  return withErrorScopes(ctx, `prepare ${name}`, async () => {
    const pipeline = await getPipeline(ctx, name);
    const p = createBuffer(ctx, `${name} params`, UNIFORM, params);
    const sums = createBuffer(ctx, `${name} sums`, STORAGE_OUT, THREADS * 16);
    const entries = [p, sums].map((buffer, binding) => ({ binding, resource: { buffer } }));
    const group = ctx.device.createBindGroup({ label: name, layout: pipeline.getBindGroupLayout(0), entries });
    return passOf(pipeline, group, name, GROUPS, [p, sums], amount);
  });
}

/** Copy of `bytes`: amount = bytes read + written. */
export async function copyWork(ctx: GpuContext, bytes: number): Promise<Work> {
  const c: Prepared = await prepareCopy(ctx, bytes);
  return { amount: 2 * bytes, encode: (e) => c.encode(e), destroy: () => c.destroy() };
}

/**
 * A region the kernel reads: a pool buffer binding or pool texture, and how many of its vec4s
 * (texels) from the start count. The read limits read the kernel's own pools, so format, size and
 * memory are the kernel's, and as many bytes as the kernel reads (the same cache footprint).
 */
export interface ReadSource {
  readonly resource: GPUBuffer | GPUTexture;
  readonly vec4s: number;
}

/** Bytes per vec4 (texel) of a pool of this storage type. */
export const vec4Bytes = (storage: KvStorage) => (storage === 'f16' ? 8 : 16);

/** Split `bytes` over pool regions in order (K then V), each at most its resource's size. */
export function readSources(regions: ReadonlyArray<{ resource: GPUBuffer | GPUTexture; capacity: number }>, bytes: number, storage: KvStorage): ReadSource[] {
  let left = Math.floor(bytes / vec4Bytes(storage));
  const out: ReadSource[] = [];
  regions.forEach((r, i) => {
    const n = Math.min(r.capacity, Math.ceil(left / (regions.length - i)));
    if (n > 0) out.push({ resource: r.resource, vec4s: n });
    left -= n;
  });
  return out;
}

/** Threads per workgroup and loads per step of each reduction shape. */
const SHAPES = { wide: { wg: 64, loads: 4 }, deep: { wg: 8, loads: 16 } } as const;
type ReadShape = keyof typeof SHAPES;

/**
 * The deep shape, generated: a subgroup-sized workgroup with 16 independent loads per step, like
 * the decode kernels' (keys x columns per lane), against the file kernels' 64 x 4.
 */
function deepReadSource(path: 'buffer' | 'texture', storage: KvStorage): string {
  const { wg, loads } = SHAPES.deep;
  const src =
    path === 'texture'
      ? `var src: texture_storage_2d<${TEXTURE_FORMAT[storage]}, read>`
      : `var<storage, read> src: array<vec4<${storage === 'f16' ? 'f16' : 'f32'}>>`;
  const load =
    path === 'texture' ? 'textureLoad(src, vec2<u32>(j & (params.width - 1u), j >> params.widthShift))' : 'vec4<f32>(src[j])';
  const acc = Array.from({ length: loads }, (_, k) => k);
  return `${storage === 'f16' && path === 'buffer' ? 'enable f16;\n' : ''}struct ReadParams { count: u32, stride: u32, width: u32, widthShift: u32 }
@group(0) @binding(0) var<uniform> params: ReadParams;
@group(0) @binding(1) ${src};
@group(0) @binding(2) var<storage, read_write> sums: array<vec4<f32>>;
fn texel(i: u32) -> vec4<f32> {
  let j = min(i, params.count - 1u);
  return ${load};
}
@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  ${acc.map((k) => `var a${k} = vec4<f32>(0.0);`).join(' ')}
  let s = params.stride;
  for (var i = gid.x; i < params.count; i += ${loads}u * s) {
    ${acc.map((k) => `a${k} += texel(i + ${k}u * s);`).join(' ')}
  }
  sums[gid.x] = ${acc.map((k) => `a${k}`).join(' + ')};
}`;
}

async function readPipeline(ctx: GpuContext, path: 'buffer' | 'texture', storage: KvStorage, shape: ReadShape): Promise<GPUComputePipeline> {
  if (shape === 'deep') return getGeneratedPipeline(ctx, `read_${path}_deep:${storage}`, () => deepReadSource(path, storage));
  if (path === 'buffer') return getPipeline(ctx, 'read_buffer', { f16: storage === 'f16' });
  const format = TEXTURE_FORMAT[storage];
  const code = (await shaderSource('read_texture')).replace('texture_storage_2d<rgba32float, read>', `texture_storage_2d<${format}, read>`);
  return getGeneratedPipeline(ctx, `read_texture:${format}`, () => code);
}

/**
 * The read limit of a kernel path: one dispatch per source over its first `vec4s` vec4s (texture
 * texel i at (i & (width - 1), i >> log2 width): pool textures are a power of two wide).
 */
export async function readWork(ctx: GpuContext, path: 'buffer' | 'texture', storage: KvStorage, sources: readonly ReadSource[], shape: ReadShape = 'wide'): Promise<Work> {
  const { wg } = SHAPES[shape];
  return withErrorScopes(ctx, `prepare ${path} read limit`, async () => {
    const pipeline = await readPipeline(ctx, path, storage, shape);
    const owned: GPUBuffer[] = [];
    const groups = sources.map((src) => {
      const width = 'createView' in src.resource ? src.resource.width : 0;
      if (width && !Number.isInteger(Math.log2(width))) throw new Error(`texture read limit: width ${width} is not a power of two`);
      // At least 16 vec4s per invocation, so a small read is not charged for idle invocations.
      const workgroups = Math.max(1, Math.min(THREADS / wg, Math.ceil(src.vec4s / (wg * 16))));
      const p = createBuffer(ctx, `${path} read params`, UNIFORM, packStruct(ReadParams, { count: src.vec4s, stride: workgroups * wg, width, widthShift: width ? Math.log2(width) : 0 }));
      const sums = createBuffer(ctx, `${path} read sums`, STORAGE_OUT, workgroups * wg * 16);
      owned.push(p, sums);
      const view: GPUBindingResource = 'createView' in src.resource ? src.resource.createView() : { buffer: src.resource };
      const entries = [{ buffer: p }, view, { buffer: sums }].map((resource, binding) => ({ binding, resource }));
      return { workgroups, group: ctx.device.createBindGroup({ label: `${path} read limit`, layout: pipeline.getBindGroupLayout(0), entries }) };
    });
    return {
      amount: sources.reduce((a, s) => a + s.vec4s * vec4Bytes(storage), 0),
      encode(encoder) {
        const pass = encoder.beginComputePass({ label: `${path} read limit` });
        pass.setPipeline(pipeline);
        for (const g of groups) {
          pass.setBindGroup(0, g.group);
          pass.dispatchWorkgroups(g.workgroups);
        }
        pass.end();
      },
      destroy() {
        for (const b of owned) b.destroy();
      },
    };
  });
}

export function fmaWork(ctx: GpuContext, iters: number): Promise<Work> {
  return simple(ctx, 'fma_throughput', packStruct(ThroughputParams, { iters }), THREADS * iters * 8 * 4 * 2);
}

export function expWork(ctx: GpuContext, iters: number): Promise<Work> {
  return simple(ctx, 'exp_throughput', packStruct(ThroughputParams, { iters }), THREADS * iters * 4 * 4);
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
  /** Bytes the copy kernel streams per dispatch (read + written counts twice). */
  readonly copyBytes: number;
  /** Steps of the FMA and exp chains per invocation. */
  readonly iters: number;
  /** Per kernel path: the storage type and the pool regions the kernel reads. */
  readonly reads: Partial<Record<'buffer' | 'texture', { storage: KvStorage; sources: readonly ReadSource[] }>>;
}

export async function prepareLimits(ctx: GpuContext, o: LimitOptions): Promise<Partial<Record<LimitName, Work>>> {
  const out: Partial<Record<LimitName, Work>> = {
    copy: await copyWork(ctx, o.copyBytes),
    fma: await fmaWork(ctx, o.iters),
    exp: await expWork(ctx, o.iters),
  };
  for (const path of ['buffer', 'texture'] as const) {
    const r = o.reads[path];
    if (!r) continue;
    const name = path === 'buffer' ? 'readBuffer' : 'readTexture';
    out[name] = await readWork(ctx, path, r.storage, r.sources, 'wide');
    out[`${name}Deep`] = await readWork(ctx, path, r.storage, r.sources, 'deep');
  }
  return out;
}

/** Throughput in units per second / 1e9 (GB/s, GFLOP/s, Gexp/s) from ms per dispatch. */
export const throughput = (w: Work, ms: number) => w.amount / ms / 1e6;
