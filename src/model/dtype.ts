/**
 * KV-cache element types and their exact byte counts. Every byte figure in the project goes through
 * `bytesForElements`, so an nvfp4 cache (4-bit values plus one fp8 scale per 16 elements) is sized
 * the same way everywhere.
 */
import { InputError } from './errors.ts';

export type KvDtype = 'fp32' | 'bf16' | 'fp16' | 'fp8' | 'nvfp4';

export const KV_DTYPES: readonly KvDtype[] = ['fp32', 'bf16', 'fp16', 'fp8', 'nvfp4'];

/** Elements that share one nvfp4 scale (NVFP4 micro-block size). */
export const NVFP4_BLOCK_ELEMENTS = 16;

/** Whole bytes per element for the byte-aligned types (nvfp4 is sub-byte, see `bytesForElements`). */
const BYTES: Record<Exclude<KvDtype, 'nvfp4'>, number> = { fp32: 4, bf16: 2, fp16: 2, fp8: 1 };

/** Value bytes only (no scales). nvfp4 packs two 4-bit values per byte. */
export function valueBytes(dtype: KvDtype, elements: number): number {
  if (dtype === 'nvfp4') return Math.ceil(elements / 2);
  return BYTES[dtype] * elements;
}

/** Scale bytes only: nvfp4 keeps one fp8 scale per 16 elements; the other types have none. */
export function scaleBytes(dtype: KvDtype, elements: number): number {
  if (dtype === 'nvfp4') return Math.ceil(elements / NVFP4_BLOCK_ELEMENTS);
  return 0;
}

/**
 * Exact bytes for `elements` values of `dtype`, scales included. `elements` is one quantisation
 * row (e.g. one head's head_dim), so a partial nvfp4 micro-block still pays a whole scale byte.
 */
export function bytesForElements(dtype: KvDtype, elements: number): number {
  if (!Number.isInteger(elements) || elements < 0) throw new RangeError(`elements must be a non-negative integer, got ${elements}`);
  return valueBytes(dtype, elements) + scaleBytes(dtype, elements);
}

const ALIASES: Record<string, KvDtype> = {
  fp32: 'fp32',
  float32: 'fp32',
  float: 'fp32',
  bf16: 'bf16',
  bfloat16: 'bf16',
  fp16: 'fp16',
  float16: 'fp16',
  half: 'fp16',
  fp8: 'fp8',
  fp8_e4m3: 'fp8',
  float8_e4m3fn: 'fp8',
  e4m3: 'fp8',
  nvfp4: 'nvfp4',
  fp4: 'nvfp4',
};

/** Parse a dtype name (case-insensitive, common torch spellings accepted); InputError otherwise. */
export function parseKvDtype(value: unknown, field = 'kv_dtype'): KvDtype {
  if (typeof value === 'string') {
    // Own keys only: "constructor" must not find Object.prototype.constructor.
    const key = value.trim().toLowerCase();
    if (Object.hasOwn(ALIASES, key)) return ALIASES[key];
  }
  throw new InputError(field, value, `one of ${KV_DTYPES.join(', ')}`);
}

export function isKvDtype(value: unknown): value is KvDtype {
  return typeof value === 'string' && (KV_DTYPES as readonly string[]).includes(value);
}
