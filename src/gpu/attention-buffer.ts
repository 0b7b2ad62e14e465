/**
 * Host side of the buffer path (the fallback, and the previous kernel the benchmark compares
 * against): shaders/paged_decode_attention.wgsl over K/V in storage buffers, split over two
 * bindings when a pool passes maxStorageBufferBindingSize.
 */
import { batchSize, numSlots, type PagedDecodeInput } from '../attn/inputs.ts';
import type { SplitPlan } from '../attn/split.ts';
import { headBlock } from './attention-texture.ts';
import { allocatePool, createBuffer, destroyPool, type KvStorage, type PoolBuffers, readBuffer, STORAGE_IN, STORAGE_OUT, UNIFORM, writePool } from './buffers.ts';
import type { GpuContext } from './device.ts';
import { AttentionParams, MergeParams, packStruct } from './layout.ts';
import { getPipeline, type PipelineVariant } from './pipelines.ts';

export interface BufferDecode {
  readonly split: boolean;
  encode(encoder: GPUCommandEncoder): void;
  readOutput(): Promise<Float32Array>;
  destroy(): void;
}

/** Threads per workgroup of the kernel (WG in paged_decode_attention.wgsl). */
const KERNEL_WG = 32;

/**
 * Key phases of the kernel's phase C: each thread owns 4 vec4 columns, ceil(headDim / 16) threads
 * cover a row, and the workgroup's threads form this many groups, each accumulating every
 * kps-th key and writing its own partial state (a sub-item) for the merge pass.
 */
export function keyPhases(headDim: number): number {
  return Math.floor(KERNEL_WG / Math.ceil(headDim / 16));
}

/** Workgroup memory of the kernel without / with the staged queries (must match the WGSL). */
const WG_BYTES = 16 * 128 * 4 + 128 * 4 + 3 * 16 * 4;
const Q_STAGE_VEC4 = 512;

/** Stage the group's queries in workgroup memory when they fit (see Q_STAGE in the shader). */
export function stageQueries(ctx: GpuContext, input: PagedDecodeInput): boolean {
  const group = input.numQoHeads / input.numKvHeads;
  return group * (input.headDim / 4) <= Q_STAGE_VEC4 && ctx.limits.maxComputeWorkgroupStorageSize >= WG_BYTES + Q_STAGE_VEC4 * 16;
}

/** The override constants of the buffer kernel for an input. */
export function bufferVariant(ctx: GpuContext, input: PagedDecodeInput, storage: KvStorage, split: boolean): PipelineVariant {
  // Head block (HB in the shader): the group rounded up to a power of two, so the per-key loops
  // branch on a constant.
  const constants: Record<string, number> = { HB: headBlock(input.numQoHeads / input.numKvHeads) };
  if (split) constants.SPLIT_POOL = 1;
  if (stageQueries(ctx, input)) constants.Q_STAGE = Q_STAGE_VEC4;
  return { f16: storage === 'f16', constants };
}

export async function prepareBufferDecode(ctx: GpuContext, input: PagedDecodeInput, plan: SplitPlan, storage: KvStorage, maxBindingBytes?: number): Promise<BufferDecode> {
  const slotElems = input.tokensPerBlock * input.numKvHeads * input.headDim;
  const slots = numSlots(input);
  const kPool = allocatePool(ctx, 'K', slots, slotElems, storage, maxBindingBytes);
  const vPool = allocatePool(ctx, 'V', slots, slotElems, storage, maxBindingBytes);
  writePool(ctx, kPool, input.kPool);
  writePool(ctx, vPool, input.vPool);
  const variant = bufferVariant(ctx, input, storage, kPool.bindings.length > 1);
  const [attn, merge] = await Promise.all([getPipeline(ctx, 'paged_decode_attention', variant), getPipeline(ctx, 'merge_attention_states')]);
  return buildPrepared(ctx, input, plan, kPool, vPool, attn, merge);
}

function itemsArray(plan: SplitPlan): Uint32Array {
  const a = new Uint32Array(plan.items.length * 4);
  plan.items.forEach((it, i) => {
    a.set([it.seq, it.keyStart, it.keyEnd, it.pageBase], i * 4);
  });
  return a;
}

function buildPrepared(
  ctx: GpuContext,
  input: PagedDecodeInput,
  plan: SplitPlan,
  kPool: PoolBuffers,
  vPool: PoolBuffers,
  attn: GPUComputePipeline,
  merge: GPUComputePipeline,
): BufferDecode {
  const { device } = ctx;
  const batch = batchSize(input);
  const group = input.numQoHeads / input.numKvHeads;
  const nItems = plan.items.length;
  // Partial states: one per (work item, key phase), items' sub-items adjacent.
  const kps = keyPhases(input.headDim);
  const nSub = nItems * kps;
  const mlOffset = nSub * input.numQoHeads * input.headDim;
  const outBytes = batch * input.numQoHeads * input.headDim * 4;
  const params = packStruct(AttentionParams, {
    numQoHeads: input.numQoHeads,
    numKvHeads: input.numKvHeads,
    headDim: input.headDim,
    tokensPerBlock: input.tokensPerBlock,
    group,
    slotsPerBinding: kPool.slotsPerBinding,
    mlOffset,
    smScale: input.smScale,
  });
  const mergeParams = packStruct(MergeParams, { numQoHeads: input.numQoHeads, headDim: input.headDim, mlOffset, batch });
  const owned = [
    createBuffer(ctx, 'attention params', UNIFORM, params),
    createBuffer(ctx, 'q', STORAGE_IN, input.q),
    createBuffer(ctx, 'work items', STORAGE_IN, itemsArray(plan)),
    createBuffer(ctx, 'kv indices', STORAGE_IN, new Uint32Array(input.kvIndices.buffer, input.kvIndices.byteOffset, input.kvIndices.length)),
    createBuffer(ctx, 'partials', STORAGE_OUT, (mlOffset + nSub * input.numQoHeads * 2) * 4),
    createBuffer(ctx, 'merge params', UNIFORM, mergeParams),
    createBuffer(ctx, 'item indptr', STORAGE_IN, plan.itemIndptr.map((x) => x * kps)),
    createBuffer(ctx, 'attention output', STORAGE_OUT, outBytes),
  ];
  const [pBuf, qBuf, itemBuf, idxBuf, partBuf, mpBuf, indptrBuf, outBuf] = owned;
  const k1 = kPool.bindings[1] ?? kPool.bindings[0];
  const v1 = vPool.bindings[1] ?? vPool.bindings[0];
  const attnGroup = device.createBindGroup({
    label: 'decode attention bind group',
    layout: attn.getBindGroupLayout(0),
    entries: [pBuf, qBuf, itemBuf, idxBuf, kPool.bindings[0], k1, vPool.bindings[0], v1, partBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const mergeGroup = device.createBindGroup({
    label: 'merge states bind group',
    layout: merge.getBindGroupLayout(0),
    entries: [mpBuf, partBuf, indptrBuf, outBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  return {
    split: kPool.bindings.length > 1,
    encode(encoder) {
      const pass = encoder.beginComputePass({ label: 'decode attention pass' });
      pass.setPipeline(attn);
      pass.setBindGroup(0, attnGroup);
      pass.dispatchWorkgroups(nItems, input.numKvHeads);
      pass.setPipeline(merge);
      pass.setBindGroup(0, mergeGroup);
      pass.dispatchWorkgroups(batch, input.numQoHeads);
      pass.end();
    },
    async readOutput() {
      return new Float32Array(await readBuffer(ctx, outBuf, outBytes));
    },
    destroy() {
      for (const b of owned) b.destroy();
      destroyPool(kPool);
      destroyPool(vPool);
    },
  };
}

