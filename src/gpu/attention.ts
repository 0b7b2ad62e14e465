/**
 * Paged decode attention on the GPU: upload an input, dispatch the split-K kernel and the merge
 * pass, read the output. `prepareDecode` keeps the buffers so a benchmark can re-dispatch.
 */
import { batchSize, numSlots, type PagedDecodeInput, validatePagedDecodeInput } from '../attn/inputs.ts';
import { planSplits, type SplitPlan } from '../attn/split.ts';
import { InputError } from '../model/errors.ts';
import {
  allocatePool,
  createBuffer,
  destroyPool,
  type KvStorage,
  type PoolBuffers,
  readBuffer,
  STORAGE_IN,
  STORAGE_OUT,
  UNIFORM,
  writePool,
} from './buffers.ts';
import { type GpuContext, withErrorScopes } from './device.ts';
import { AttentionParams, MergeParams, packStruct } from './layout.ts';
import { getPipeline } from './pipelines.ts';

export interface GpuRunOptions {
  /** Keys per work item (split-K chunk); default from src/attn/split.ts. */
  readonly chunkTokens?: number;
  /** K/V storage type; 'f16' needs the shader-f16 feature. */
  readonly storage?: KvStorage;
  /** Force a smaller per-binding limit (tests of the two-binding split). */
  readonly maxBindingBytes?: number;
}

const MAX_GROUP = 16;

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

/** Smallest of 1, 2, 4, 8, 16 that is >= group. */
export function headBlock(group: number): number {
  let hb = 1;
  while (hb < group) hb *= 2;
  return hb;
}

/** The kernel's shape limits, as user-facing errors. */
export function checkGpuShape(input: PagedDecodeInput, ctx: GpuContext, storage: KvStorage): void {
  const group = input.numQoHeads / input.numKvHeads;
  if (input.headDim % 4 !== 0 || input.headDim > 512) {
    throw new InputError('head_dim', input.headDim, 'a multiple of 4 up to 512 for the GPU backend');
  }
  if (group > MAX_GROUP) throw new InputError('num_qo_heads', input.numQoHeads, `at most ${MAX_GROUP} x num_kv_heads for the GPU backend`);
  if (storage === 'f16' && !ctx.hasF16) throw new InputError('storage', storage, "'f32' (this adapter has no shader-f16)");
}

/** Workgroup memory of the kernel without / with the staged queries (must match the WGSL). */
const WG_BYTES = 16 * 128 * 4 + 128 * 4 + 3 * 16 * 4;
const Q_STAGE_VEC4 = 512;

/** Stage the group's queries in workgroup memory when they fit (see Q_STAGE in the shader). */
export function stageQueries(ctx: GpuContext, input: PagedDecodeInput): boolean {
  const group = input.numQoHeads / input.numKvHeads;
  return group * (input.headDim / 4) <= Q_STAGE_VEC4 && ctx.limits.maxComputeWorkgroupStorageSize >= WG_BYTES + Q_STAGE_VEC4 * 16;
}

export interface PreparedDecode {
  readonly plan: SplitPlan;
  readonly storage: KvStorage;
  readonly split: boolean;
  /** Record the attention and merge dispatches into an encoder. */
  encode(encoder: GPUCommandEncoder): void;
  readOutput(): Promise<Float32Array>;
  destroy(): void;
}

export async function prepareDecode(ctx: GpuContext, input: PagedDecodeInput, opts: GpuRunOptions = {}): Promise<PreparedDecode> {
  validatePagedDecodeInput(input);
  const storage = opts.storage ?? 'f32';
  checkGpuShape(input, ctx, storage);
  const plan = planSplits(input, opts.chunkTokens);
  const slotElems = input.tokensPerBlock * input.numKvHeads * input.headDim;
  const slots = numSlots(input);
  return withErrorScopes(ctx, 'prepare decode attention', async () => {
    const kPool = allocatePool(ctx, 'K', slots, slotElems, storage, opts.maxBindingBytes);
    const vPool = allocatePool(ctx, 'V', slots, slotElems, storage, opts.maxBindingBytes);
    writePool(ctx, kPool, input.kPool);
    writePool(ctx, vPool, input.vPool);
    const split = kPool.bindings.length > 1;
    // Head block (HB in the shader): the group rounded up to a power of two, so the per-key loops
    // branch on a constant.
    const constants: Record<string, number> = { HB: headBlock(input.numQoHeads / input.numKvHeads) };
    if (split) constants.SPLIT_POOL = 1;
    if (stageQueries(ctx, input)) constants.Q_STAGE = Q_STAGE_VEC4;
    const variant = { f16: storage === 'f16', constants };
    const [attn, merge] = await Promise.all([getPipeline(ctx, 'paged_decode_attention', variant), getPipeline(ctx, 'merge_attention_states')]);
    return buildPrepared(ctx, input, plan, kPool, vPool, attn, merge, storage);
  });
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
  storage: KvStorage,
): PreparedDecode {
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
    plan,
    storage,
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

/** One decode attention, start to finish, inside error scopes. */
export async function runDecodeOnGpu(ctx: GpuContext, input: PagedDecodeInput, opts: GpuRunOptions = {}): Promise<Float32Array> {
  const prepared = await prepareDecode(ctx, input, opts);
  try {
    return await withErrorScopes(ctx, 'decode attention', async () => {
      const enc = ctx.device.createCommandEncoder({ label: 'decode attention' });
      prepared.encode(enc);
      ctx.device.queue.submit([enc.finish()]);
      return prepared.readOutput();
    });
  } finally {
    prepared.destroy();
  }
}
