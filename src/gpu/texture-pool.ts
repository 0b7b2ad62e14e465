/**
 * K/V pools of the texture path: one read-only storage texture per pool, filled once when the pool
 * is written (never copied per dispatch). The one place that defines the texture layout:
 *
 *   host pool (src/attn/inputs.ts)   [slot][token][kvHead][headDim]          (token-major, "NHD")
 *   texture pool                     row r = (slot * numKvHeads + kvHead) * tokensPerBlock + token
 *                                    texel (r & (2^rowShift - 1)) * d4 + c, line r >> rowShift
 *
 * Head-major: the rows one workgroup (one KV head) reads from a page are contiguous, instead of
 * one 512-byte row out of every numKvHeads rows. A texture line holds 2^rowShift rows side by side,
 * so the texture stays within maxTextureDimension2D; in memory it is the linear texel index r * d4 + c.
 */
import { type KvStorage, toHalf } from './buffers.ts';
import type { GpuContext } from './device.ts';

export interface TexturePoolShape {
  readonly numSlots: number;
  readonly tokensPerBlock: number;
  readonly numKvHeads: number;
  readonly headDim: number;
}

export interface TexturePoolLayout {
  readonly d4: number;
  readonly rowShift: number;
  readonly width: number;
  readonly height: number;
  readonly rows: number;
}

export interface TexturePool {
  readonly label: string;
  readonly texture: GPUTexture;
  readonly layout: TexturePoolLayout;
  readonly shape: TexturePoolShape;
  readonly storage: KvStorage;
}

export const TEXTURE_FORMAT: Record<KvStorage, 'rgba32float' | 'rgba16float'> = { f32: 'rgba32float', f16: 'rgba16float' };

/** The layout of a pool in a texture of at most maxDim x maxDim texels, or null if it does not fit. */
export function texturePoolLayout(s: TexturePoolShape, maxDim: number): TexturePoolLayout | null {
  const d4 = s.headDim / 4;
  if (d4 > maxDim) return null;
  const rowShift = Math.floor(Math.log2(maxDim / d4));
  const rows = s.numSlots * s.numKvHeads * s.tokensPerBlock;
  const perLine = 2 ** rowShift;
  const height = Math.max(1, Math.ceil(rows / perLine));
  if (height > maxDim) return null;
  // Fewer rows than a line holds: a narrower texture of one line (r & mask = r there).
  const width = Math.min(perLine, rows) * d4;
  return { d4, rowShift, width, height, rows };
}

/** Linear texel (x, y) of column vec4 c of (slot, token, kvHead): the layout above, for tests. */
export function texelOf(l: TexturePoolLayout, s: TexturePoolShape, slot: number, token: number, kvHead: number, c: number): [number, number] {
  const r = (slot * s.numKvHeads + kvHead) * s.tokensPerBlock + token;
  return [(r % 2 ** l.rowShift) * l.d4 + c, Math.floor(r / 2 ** l.rowShift)];
}

/** Host pool [slot][token][kvHead][headDim] -> texture texels [line][x][4], zero-padded. */
export function toTextureLayout(data: Float32Array, s: TexturePoolShape, l: TexturePoolLayout): Float32Array {
  const out = new Float32Array(l.width * l.height * 4);
  const rowElems = s.headDim;
  for (let slot = 0; slot < s.numSlots; slot++) {
    for (let t = 0; t < s.tokensPerBlock; t++) {
      for (let h = 0; h < s.numKvHeads; h++) {
        const src = ((slot * s.tokensPerBlock + t) * s.numKvHeads + h) * rowElems;
        const r = (slot * s.numKvHeads + h) * s.tokensPerBlock + t;
        out.set(data.subarray(src, src + rowElems), r * rowElems);
      }
    }
  }
  return out;
}

export function allocateTexturePool(ctx: GpuContext, label: string, shape: TexturePoolShape, storage: KvStorage, layout: TexturePoolLayout): TexturePool {
  const texture = ctx.device.createTexture({
    label: `${label} texture pool`,
    size: { width: layout.width, height: layout.height },
    format: TEXTURE_FORMAT[storage],
    usage: 0x8 | 0x2 | 0x1, // STORAGE_BINDING | COPY_DST | COPY_SRC (read back in tests)
  });
  return { label, texture, layout, shape, storage };
}

/** Fill a texture pool from host data ([slot][token][kvHead][headDim] f32), converting layout and type. */
export function writeTexturePool(ctx: GpuContext, pool: TexturePool, data: Float32Array): void {
  const texels = toTextureLayout(data, pool.shape, pool.layout);
  const packed = pool.storage === 'f16' ? toHalf(texels) : texels;
  const texelBytes = pool.storage === 'f16' ? 8 : 16;
  const { width, height } = pool.layout;
  ctx.device.queue.writeTexture({ texture: pool.texture }, packed.buffer as ArrayBuffer, { bytesPerRow: width * texelBytes, rowsPerImage: height }, { width, height });
}
