/**
 * Host side of the smaller kernels: kv_append (the decode step's write through a slot mapping),
 * the naive decode baseline and the bandwidth copy used by the benchmark.
 */
import { batchSize, type PagedDecodeInput, validatePagedDecodeInput } from '../attn/inputs.ts';
import { InputError } from '../model/errors.ts';
import { createBuffer, type PoolBuffers, readBuffer, STORAGE_IN, STORAGE_OUT, UNIFORM } from './buffers.ts';
import { type GpuContext, withErrorScopes } from './device.ts';
import { AppendParams, CopyParams, NaiveParams, packStruct } from './layout.ts';
import { getPipeline } from './pipelines.ts';

function bind(device: GPUDevice, label: string, pipeline: GPUComputePipeline, buffers: GPUBuffer[]): GPUBindGroup {
  return device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}

/**
 * One compute pass over buffers the caller created (binding i = buffers[i]); `output` is read back.
 * The naive and copy kernels are both this shape.
 */
function singlePass(ctx: GpuContext, label: string, pipeline: GPUComputePipeline, owned: GPUBuffer[], output: GPUBuffer, outBytes: number, workgroups: number): Prepared {
  const group = bind(ctx.device, label, pipeline, owned);
  return {
    encode(encoder) {
      const pass = encoder.beginComputePass({ label: `${label} pass` });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(workgroups);
      pass.end();
    },
    readOutput: async () => new Float32Array(await readBuffer(ctx, output, outBytes)),
    destroy: () => {
      for (const b of owned) b.destroy();
    },
  };
}

/**
 * Write `numTokens` new K/V rows ([token][numKvHeads][headDim] f32) into the pools at
 * `slotMapping[token]` = slot * tokensPerBlock + tokenInBlock (-1 = skip).
 */
export async function appendKv(
  ctx: GpuContext,
  kPool: PoolBuffers,
  vPool: PoolBuffers,
  rows: { newK: Float32Array; newV: Float32Array; slotMapping: Int32Array; tokensPerBlock: number },
): Promise<void> {
  const { newK, newV, slotMapping, tokensPerBlock } = rows;
  const n = slotMapping.length;
  const rowElems = kPool.slotElems / tokensPerBlock;
  if (newK.length !== n * rowElems || newV.length !== newK.length || rowElems % 4 !== 0) {
    throw new InputError('newK', `length ${newK.length}`, `${n} rows of ${rowElems} elements (a multiple of 4)`);
  }
  slotMapping.forEach((s, i) => {
    if (s < -1 || s >= kPool.numSlots * tokensPerBlock) throw new InputError(`slotMapping[${i}]`, s, `-1 or a token slot in [0, ${kPool.numSlots * tokensPerBlock})`);
  });
  await withErrorScopes(ctx, 'kv append', async () => {
    const pipeline = await getPipeline(ctx, 'kv_append', { f16: kPool.storage === 'f16' });
    const owned = [createBuffer(ctx, 'new K rows', STORAGE_IN, newK), createBuffer(ctx, 'new V rows', STORAGE_IN, newV), createBuffer(ctx, 'slot mapping', STORAGE_IN, slotMapping)];
    const enc = ctx.device.createCommandEncoder({ label: 'kv append' });
    const total = n * (rowElems / 4);
    const groups = Math.ceil(total / 64);
    const x = Math.min(groups, 65535);
    kPool.bindings.forEach((kBuf, b) => {
      const params = packStruct(AppendParams, {
        numTokens: n,
        rowVec4: rowElems / 4,
        tokensPerBlock,
        slotBase: b * kPool.slotsPerBinding,
        slotCount: Math.min(kPool.slotsPerBinding, kPool.numSlots - b * kPool.slotsPerBinding),
      });
      const pBuf = createBuffer(ctx, `append params ${b}`, UNIFORM, params);
      owned.push(pBuf);
      const pass = enc.beginComputePass({ label: `kv append binding ${b}` });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind(ctx.device, `kv append ${b}`, pipeline, [pBuf, owned[0], owned[1], owned[2], kBuf, vPool.bindings[b]]));
      pass.dispatchWorkgroups(x, Math.ceil(groups / x));
      pass.end();
    });
    ctx.device.queue.submit([enc.finish()]);
    await ctx.device.queue.onSubmittedWorkDone();
    for (const b of owned) b.destroy();
  });
}

export interface Prepared {
  encode(encoder: GPUCommandEncoder): void;
  readOutput(): Promise<Float32Array>;
  destroy(): void;
}

/** The naive baseline (f32, unsplit pools): one invocation per (sequence, query head). */
export async function prepareNaive(ctx: GpuContext, input: PagedDecodeInput): Promise<Prepared> {
  validatePagedDecodeInput(input);
  if (input.headDim % 4 !== 0 || input.headDim > 512) throw new InputError('head_dim', input.headDim, 'a multiple of 4 up to 512');
  const batch = batchSize(input);
  return withErrorScopes(ctx, 'prepare naive attention', async () => {
    const pipeline = await getPipeline(ctx, 'naive_decode_attention');
    const params = packStruct(NaiveParams, {
      numQoHeads: input.numQoHeads,
      numKvHeads: input.numKvHeads,
      headDim: input.headDim,
      tokensPerBlock: input.tokensPerBlock,
      windowLeft: input.windowLeft,
      sinkTokens: input.sinkTokens,
      batch,
      smScale: input.smScale,
    });
    const u32 = (a: Int32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
    const outBytes = input.q.byteLength;
    const owned = [
      createBuffer(ctx, 'naive params', UNIFORM, params),
      createBuffer(ctx, 'naive q', STORAGE_IN, input.q),
      createBuffer(ctx, 'naive kv indptr', STORAGE_IN, u32(input.kvIndptr)),
      createBuffer(ctx, 'naive kv indices', STORAGE_IN, u32(input.kvIndices)),
      createBuffer(ctx, 'naive last page len', STORAGE_IN, u32(input.kvLastPageLen)),
      createBuffer(ctx, 'naive K pool', STORAGE_IN, input.kPool),
      createBuffer(ctx, 'naive V pool', STORAGE_IN, input.vPool),
      createBuffer(ctx, 'naive output', STORAGE_OUT, outBytes),
    ];
    return singlePass(ctx, 'naive attention', pipeline, owned, owned[7], outBytes, Math.ceil((batch * input.numQoHeads) / 64));
  });
}

/** A read-write copy of `bytes` (a multiple of 16), seeded with `data` if given. */
export async function prepareCopy(ctx: GpuContext, bytes: number, data?: Float32Array): Promise<Prepared> {
  return withErrorScopes(ctx, 'prepare copy', async () => {
    const pipeline = await getPipeline(ctx, 'copy_bandwidth');
    const count = bytes / 16;
    const groups = Math.min(1024, Math.ceil(count / 64));
    const owned = [
      createBuffer(ctx, 'copy params', UNIFORM, packStruct(CopyParams, { count, stride: groups * 64 })),
      createBuffer(ctx, 'copy src', STORAGE_IN, data ?? bytes),
      createBuffer(ctx, 'copy dst', STORAGE_OUT, bytes),
    ];
    return singlePass(ctx, 'copy', pipeline, owned, owned[2], bytes, groups);
  });
}

/** Submit an encoded piece of work and wait for it. */
export async function submitAndWait(ctx: GpuContext, work: { encode(e: GPUCommandEncoder): void }, label: string): Promise<void> {
  const enc = ctx.device.createCommandEncoder({ label });
  work.encode(enc);
  ctx.device.queue.submit([enc.finish()]);
  await ctx.device.queue.onSubmittedWorkDone();
}
