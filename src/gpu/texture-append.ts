/**
 * The texture path's pools beyond one decode call: K/V texture pools for every pool group of a
 * plan at a demo scale, the decode step's write (kv_append_texture.wgsl: new rows straight into
 * the texture the kernel reads, never a copy of the pool), and a read-back for tests.
 */
import { type DemoPoolShape, demoPoolShapes, type PlanPools } from '../attn/demo-scale.ts';
import { InputError } from '../model/errors.ts';
import { createBuffer, halfBitsToFloat, type KvStorage, readBuffer, STORAGE_IN, UNIFORM } from './buffers.ts';
import { type GpuContext, withErrorScopes } from './device.ts';
import { AppendTexParams, packStruct } from './layout.ts';
import { getGeneratedPipeline } from './pipelines.ts';
import { shaderSource } from './shaders.ts';
import { allocateTexturePool, TEXTURE_FORMAT, type TexturePool, texturePoolLayout } from './texture-pool.ts';

export interface PlanTexturePools {
  readonly shape: DemoPoolShape;
  readonly k: TexturePool;
  readonly v: TexturePool;
}

export interface TextureDemoOptions {
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly storage: KvStorage;
  /** Bytes one pool (K or V) may take; default 256 MiB. */
  readonly maxPoolBytes?: number;
}

/** K and V texture pools per pool group of a plan, sized by the planner (capped to the demo budget). */
export async function allocatePlanTexturePools(ctx: GpuContext, plan: PlanPools, demo: TextureDemoOptions): Promise<PlanTexturePools[]> {
  const maxDim = ctx.limits.maxTextureDimension2D ?? 8192;
  const shapes = demoPoolShapes(plan, { ...demo, bytesPerElement: demo.storage === 'f16' ? 2 : 4, maxPoolBytes: demo.maxPoolBytes ?? 256 * 1024 * 1024 });
  return withErrorScopes(ctx, 'allocate plan texture pools', () =>
    shapes.map((shape) => {
      const tshape = { numSlots: shape.numSlots, tokensPerBlock: plan.tokensPerBlock, numKvHeads: demo.numKvHeads, headDim: demo.headDim };
      const layout = texturePoolLayout(tshape, maxDim);
      if (!layout) throw new InputError(`${shape.name} pool`, `${shape.numSlots} slots`, `a pool that fits one ${maxDim} x ${maxDim} texture (use a smaller demo scale)`);
      return { shape, k: allocateTexturePool(ctx, `${shape.name} K`, tshape, demo.storage, layout), v: allocateTexturePool(ctx, `${shape.name} V`, tshape, demo.storage, layout) };
    }),
  );
}

export function destroyPlanTexturePools(pools: PlanTexturePools[]): void {
  for (const p of pools) {
    p.k.texture.destroy();
    p.v.texture.destroy();
  }
}

/**
 * Write `numTokens` new K/V rows ([token][numKvHeads][headDim] f32) into texture pools at
 * `slotMapping[token]` = slot * tokensPerBlock + tokenInBlock (-1 = skip).
 */
export async function appendKvTexture(ctx: GpuContext, k: TexturePool, v: TexturePool, rows: { newK: Float32Array; newV: Float32Array; slotMapping: Int32Array }): Promise<void> {
  const { newK, newV, slotMapping } = rows;
  const s = k.shape;
  const rowElems = s.numKvHeads * s.headDim;
  const n = slotMapping.length;
  if (newK.length !== n * rowElems || newV.length !== newK.length) throw new InputError('newK', `length ${newK.length}`, `${n} rows of ${rowElems} elements`);
  slotMapping.forEach((x, i) => {
    if (x < -1 || x >= s.numSlots * s.tokensPerBlock) throw new InputError(`slotMapping[${i}]`, x, `-1 or a token slot in [0, ${s.numSlots * s.tokensPerBlock})`);
  });
  await withErrorScopes(ctx, 'kv append (texture pools)', async () => {
    const format = TEXTURE_FORMAT[k.storage];
    const code = (await shaderSource('kv_append_texture')).replaceAll('rgba32float', format);
    const pipeline = await getGeneratedPipeline(ctx, `kv_append_texture:${format}`, () => code);
    const params = packStruct(AppendTexParams, { numTokens: n, d4: s.headDim / 4, tokensPerBlock: s.tokensPerBlock, numKvHeads: s.numKvHeads, rowShift: k.layout.rowShift });
    const owned = [createBuffer(ctx, 'append params', UNIFORM, params), createBuffer(ctx, 'new K rows', STORAGE_IN, newK), createBuffer(ctx, 'new V rows', STORAGE_IN, newV), createBuffer(ctx, 'slot mapping', STORAGE_IN, slotMapping)];
    const resources: GPUBindingResource[] = [...owned.map((buffer) => ({ buffer })), k.texture.createView(), v.texture.createView()];
    const group = ctx.device.createBindGroup({ label: 'kv append texture', layout: pipeline.getBindGroupLayout(0), entries: resources.map((resource, binding) => ({ binding, resource })) });
    const groups = Math.ceil((n * rowElems) / 4 / 64);
    const x = Math.min(groups, 65535);
    const enc = ctx.device.createCommandEncoder({ label: 'kv append texture' });
    const pass = enc.beginComputePass({ label: 'kv append texture' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, Math.ceil(groups / x));
    pass.end();
    ctx.device.queue.submit([enc.finish()]);
    await ctx.device.queue.onSubmittedWorkDone();
    for (const b of owned) b.destroy();
  });
}

/** A texture pool read back in the host layout [slot][token][kvHead][headDim] as f32 (tests). */
export async function readTexturePool(ctx: GpuContext, pool: TexturePool): Promise<Float32Array> {
  const { width, height, d4 } = pool.layout;
  const texelBytes = pool.storage === 'f16' ? 8 : 16;
  const bytesPerRow = Math.ceil((width * texelBytes) / 256) * 256;
  const staging = ctx.device.createBuffer({ label: `${pool.label} texture readback`, size: bytesPerRow * height, usage: 0x4 | 0x8 }); // COPY_SRC | COPY_DST
  const enc = ctx.device.createCommandEncoder({ label: 'texture pool readback' });
  enc.copyTextureToBuffer({ texture: pool.texture }, { buffer: staging, bytesPerRow, rowsPerImage: height }, { width, height });
  ctx.device.queue.submit([enc.finish()]);
  const raw = await readBuffer(ctx, staging, bytesPerRow * height);
  staging.destroy();
  const s = pool.shape;
  const out = new Float32Array(s.numSlots * s.tokensPerBlock * s.numKvHeads * s.headDim);
  const f32 = new Float32Array(raw);
  const u16 = new Uint16Array(raw);
  const perLine = width / d4;
  for (let slot = 0; slot < s.numSlots; slot++) {
    for (let t = 0; t < s.tokensPerBlock; t++) {
      for (let h = 0; h < s.numKvHeads; h++) {
        const r = (slot * s.numKvHeads + h) * s.tokensPerBlock + t;
        const start = Math.floor(r / perLine) * (bytesPerRow / (texelBytes / 4)) + (r % perLine) * d4 * 4;
        const dst = ((slot * s.tokensPerBlock + t) * s.numKvHeads + h) * s.headDim;
        for (let e = 0; e < s.headDim; e++) out[dst + e] = pool.storage === 'f16' ? halfBitsToFloat(u16[start + e]) : f32[start + e];
      }
    }
  }
  return out;
}
