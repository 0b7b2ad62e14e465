/**
 * Labelled buffers, read-back, f16 packing, and K/V pool buffers that split over two storage
 * bindings when one pool passes `maxStorageBufferBindingSize`:
 *
 *   pool slots  |0 ........ slotsPerBinding-1|slotsPerBinding ...... numSlots-1|
 *   bindings    |          k0                |              k1                |
 *
 * A slot never straddles two bindings. An unsplit pool binds the same buffer as k0 and k1.
 */
import { InputError } from '../model/errors.ts';
import type { GpuContext } from './device.ts';

export function createBuffer(ctx: GpuContext, label: string, usage: GPUBufferUsageFlags, data: ArrayBufferView | ArrayBuffer | number): GPUBuffer {
  const bytes = typeof data === 'number' ? data : data.byteLength;
  const size = Math.max(16, Math.ceil(bytes / 16) * 16);
  const buffer = ctx.device.createBuffer({ label, size, usage, mappedAtCreation: typeof data !== 'number' });
  if (typeof data !== 'number') {
    const src = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    new Uint8Array(buffer.getMappedRange()).set(src);
    buffer.unmap();
  }
  return buffer;
}

export const STORAGE_IN = 0x80 | 0x8; // STORAGE | COPY_DST (constants: GPUBufferUsage may not exist yet at import)
export const STORAGE_OUT = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
export const UNIFORM = 0x40 | 0x8; // UNIFORM | COPY_DST

/** Copy `bytes` of a buffer back to the host. */
export async function readBuffer(ctx: GpuContext, src: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
  const size = Math.ceil(bytes / 4) * 4;
  const staging = ctx.device.createBuffer({ label: `${src.label} readback`, size, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
  const enc = ctx.device.createCommandEncoder({ label: `${src.label} readback` });
  enc.copyBufferToBuffer(src, 0, staging, 0, size);
  ctx.device.queue.submit([enc.finish()]);
  await staging.mapAsync(0x1);
  const out = staging.getMappedRange().slice(0, bytes);
  staging.unmap();
  staging.destroy();
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half bits of a float, round to nearest even (NaN stays NaN, overflow goes to infinity). */
export function toHalfBits(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa bumps the exponent, up to infinity: the right rounding.
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function toHalf(data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = toHalfBits(data[i]);
  return out;
}

/** What the GPU sees after an f16 round trip: for building the reference of the f16 path. */
export function roundToHalf(data: Float32Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = halfBitsToFloat(toHalfBits(data[i]));
  return out;
}

export type KvStorage = 'f32' | 'f16';

export interface PoolBuffers {
  readonly label: string;
  /** One or two buffers; slot s lives in bindings[floor(s / slotsPerBinding)]. */
  readonly bindings: GPUBuffer[];
  readonly slotsPerBinding: number;
  readonly numSlots: number;
  readonly slotElems: number;
  readonly storage: KvStorage;
}

/**
 * Allocate one pool (K or V) of `numSlots` slots of `slotElems` elements. `maxBindingBytes`
 * defaults to the device's maxStorageBufferBindingSize; tests pass a small value to force a split.
 */
export function allocatePool(
  ctx: GpuContext,
  label: string,
  numSlots: number,
  slotElems: number,
  storage: KvStorage,
  maxBindingBytes = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize),
): PoolBuffers {
  const slotBytes = slotElems * (storage === 'f16' ? 2 : 4);
  const perBinding = Math.floor(maxBindingBytes / slotBytes);
  if (perBinding < 1 || numSlots > 2 * perBinding) {
    throw new InputError(`${label} pool`, `${numSlots * slotBytes} bytes`, `at most 2 bindings of ${maxBindingBytes} bytes each (use a smaller demo scale)`);
  }
  const slotsPerBinding = Math.min(numSlots, perBinding);
  const bindings: GPUBuffer[] = [];
  for (let first = 0; first < numSlots; first += slotsPerBinding) {
    const n = Math.min(slotsPerBinding, numSlots - first);
    bindings.push(createBuffer(ctx, `${label} pool binding ${bindings.length}`, STORAGE_OUT, n * slotBytes));
  }
  return { label, bindings, slotsPerBinding, numSlots, slotElems, storage };
}

/** Upload host data ([slot][...] f32) into a pool, converting to f16 if the pool stores f16. */
export function writePool(ctx: GpuContext, pool: PoolBuffers, data: Float32Array): void {
  const packed = pool.storage === 'f16' ? toHalf(data) : data;
  pool.bindings.forEach((buf, i) => {
    const start = i * pool.slotsPerBinding * pool.slotElems;
    const end = Math.min(pool.numSlots, (i + 1) * pool.slotsPerBinding) * pool.slotElems;
    const part = packed.subarray(start, end);
    ctx.device.queue.writeBuffer(buf, 0, part.buffer as ArrayBuffer, part.byteOffset, part.byteLength);
  });
}

/** Read a whole pool back as f32 (tests of kv_append). */
export async function readPool(ctx: GpuContext, pool: PoolBuffers): Promise<Float32Array> {
  const out = new Float32Array(pool.numSlots * pool.slotElems);
  for (let i = 0; i < pool.bindings.length; i++) {
    const first = i * pool.slotsPerBinding;
    const n = Math.min(pool.slotsPerBinding, pool.numSlots - first) * pool.slotElems;
    const bytes = await readBuffer(ctx, pool.bindings[i], n * (pool.storage === 'f16' ? 2 : 4));
    const vals = pool.storage === 'f16' ? Float32Array.from(new Uint16Array(bytes), halfBitsToFloat) : new Float32Array(bytes);
    out.set(vals, first * pool.slotElems);
  }
  return out;
}

export function destroyPool(pool: PoolBuffers): void {
  for (const b of pool.bindings) b.destroy();
}
