/**
 * vLLM v1 KV-cache specs, ported from `vllm/v1/kv_cache_interface.py` at vllm-project/vllm@001cabc
 * (001cabc1be16a59a70d720ed61a13b678c060a18): one spec per layer, its bytes per page and the most
 * memory one request can need (`max_memory_usage_bytes`), which the startup check, the pool size
 * log line and max concurrency are all built from.
 *
 * Pages one request needs at worst, per spec (B = block_size, L = max_model_len,
 * T = max_num_batched_tokens):
 *
 *   full / MLA        cdiv(L, B)                (this version ignores a recorded sliding window:
 *                                                the hybrid-off path, changed later by PR #39254)
 *   sliding window W  cdiv(min(W - 1 + T, L), B) + 1   the +1: a window need not start on a block
 *                       boundary, so W tokens can straddle one more block:  |XXCD|EF..| for W = 4
 *   chunked local C   cdiv(min(C + T, L), B)
 *   mamba             none: 1 + spec blocks; align: 2 + spec blocks; all: cdiv(L, B)
 *
 * Later vLLM (PR #40946) names the sliding/chunked bound `max_admission_blocks_per_request` and
 * uses it for runtime admission too; this version uses it for startup sizing only.
 */
import { divUp } from '../pymath.ts';

/** Fields every attention spec has (vLLM's AttentionSpec). */
export interface AttnFields {
  readonly blockSize: number;
  readonly numKvHeads: number;
  readonly headSize: number;
  /** FullAttentionSpec.head_size_v (defaults to head_size); MLA and windowed specs ignore it. */
  readonly headSizeV: number;
  readonly dtype: string;
  readonly dtypeBytes: number;
  /** KVQuantMode: 0 none, 1 fp8 per tensor, 2 int8 per token-head, 3 fp8 per token-head. */
  readonly kvQuantMode: number;
  readonly pageSizePadded: number | null;
}

export type VllmSpec =
  | (AttnFields & { readonly cls: 'FullAttentionSpec'; readonly slidingWindow: number | null; readonly attentionChunkSize: number | null })
  | (AttnFields & { readonly cls: 'MLAAttentionSpec'; readonly cacheDtypeStr: string | null })
  | (AttnFields & { readonly cls: 'SlidingWindowSpec'; readonly slidingWindow: number })
  | (AttnFields & { readonly cls: 'ChunkedLocalAttentionSpec'; readonly attentionChunkSize: number })
  | MambaSpec
  | UniformTypeSpecs;

export interface MambaSpec {
  readonly cls: 'MambaSpec';
  readonly blockSize: number;
  readonly shapes: readonly (readonly number[])[];
  /** Bytes per element of each state tensor (one per shape). */
  readonly dtypeBytes: readonly number[];
  readonly pageSizePadded: number | null;
  readonly mambaType: string;
  readonly numSpeculativeBlocks: number;
}

/** One group holding layers of one type with different page sizes (e.g. full layers of two head sizes). */
export interface UniformTypeSpecs {
  readonly cls: 'UniformTypeKVCacheSpecs';
  readonly blockSize: number;
  readonly specs: ReadonlyMap<string, VllmSpec>;
}

export type AttnSpec = Extract<VllmSpec, AttnFields>;

/** The part of VllmConfig the sizing reads. */
export interface VllmSizingConfig {
  readonly maxModelLen: number;
  readonly maxNumBatchedTokens: number;
  readonly mambaCacheMode: 'none' | 'align' | 'all';
}

export const isAttn = (s: VllmSpec): s is AttnSpec => s.cls !== 'MambaSpec' && s.cls !== 'UniformTypeKVCacheSpecs';
/** isinstance(spec, FullAttentionSpec): MLAAttentionSpec is a subclass. */
export const isFullFamily = (s: VllmSpec): boolean => s.cls === 'FullAttentionSpec' || s.cls === 'MLAAttentionSpec';

/** Bytes of one page: block_size tokens of one layer (padded where the spec says so). */
export function pageSizeBytes(s: VllmSpec): number {
  if (s.cls === 'UniformTypeKVCacheSpecs') {
    let sum = 0;
    for (const sub of s.specs.values()) sum += pageSizeBytes(sub);
    return sum;
  }
  if (s.cls === 'MambaSpec') {
    const real = s.shapes.reduce((a, shape, i) => a + shape.reduce((p, d) => p * d, 1) * s.dtypeBytes[i], 0);
    return s.pageSizePadded ?? real;
  }
  let real = realPageSizeBytes(s);
  // Per-token-head scales live in their own tensors but are carved from the same allocation.
  if (s.kvQuantMode === 2 || s.kvQuantMode === 3) real += 2 * s.blockSize * s.numKvHeads * 4;
  return s.pageSizePadded ?? real;
}

function realPageSizeBytes(s: AttnSpec): number {
  switch (s.cls) {
    case 'FullAttentionSpec':
      return s.blockSize * s.numKvHeads * (s.headSize + s.headSizeV) * s.dtypeBytes;
    case 'MLAAttentionSpec':
      // One latent row per token (K only); fp8_ds_mla packs 656 bytes per token.
      return s.cacheDtypeStr === 'fp8_ds_mla' ? s.blockSize * 656 : s.blockSize * s.numKvHeads * s.headSize * s.dtypeBytes;
    default:
      return 2 * s.blockSize * s.numKvHeads * s.headSize * s.dtypeBytes;
  }
}

/** The sliding-window startup bound in blocks (see the table above): shared with the simulator. */
export function slidingWindowBlocks(window: number, blockSize: number, c: Pick<VllmSizingConfig, 'maxModelLen' | 'maxNumBatchedTokens'>): number {
  return divUp(Math.min(window - 1 + c.maxNumBatchedTokens, c.maxModelLen), blockSize) + 1;
}

/** The chunked-local startup bound in blocks. */
export function chunkedLocalBlocks(chunk: number, blockSize: number, c: Pick<VllmSizingConfig, 'maxModelLen' | 'maxNumBatchedTokens'>): number {
  return divUp(Math.min(chunk + c.maxNumBatchedTokens, c.maxModelLen), blockSize);
}

/** Pages one request needs at worst in a layer of this spec (max_memory_usage_bytes / page). */
export function maxPagesPerRequest(s: Exclude<VllmSpec, UniformTypeSpecs>, c: VllmSizingConfig): number {
  switch (s.cls) {
    case 'FullAttentionSpec':
    case 'MLAAttentionSpec':
      return divUp(c.maxModelLen, s.blockSize);
    case 'SlidingWindowSpec':
      return slidingWindowBlocks(s.slidingWindow, s.blockSize, c);
    case 'ChunkedLocalAttentionSpec':
      return chunkedLocalBlocks(s.attentionChunkSize, s.blockSize, c);
    case 'MambaSpec':
      if (c.mambaCacheMode === 'all') return divUp(c.maxModelLen, s.blockSize);
      return (c.mambaCacheMode === 'align' ? 2 : 1) + s.numSpeculativeBlocks;
  }
}

/** max_memory_usage_bytes: a uniform-type group needs its neediest layer's pages of all its layers. */
export function maxMemoryUsageBytes(s: VllmSpec, c: VllmSizingConfig): number {
  if (s.cls !== 'UniformTypeKVCacheSpecs') return maxPagesPerRequest(s, c) * pageSizeBytes(s);
  let pages = 0;
  for (const sub of s.specs.values()) pages = Math.max(pages, divUp(maxMemoryUsageBytes(sub, c), pageSizeBytes(sub)));
  return pages * pageSizeBytes(s);
}

/** A spec with a new block size (copy_with_new_block_size): a padded page grows by the same ratio. */
export function withBlockSize<S extends VllmSpec>(s: S, blockSize: number): S {
  if (isAttn(s) && s.pageSizePadded !== null) return { ...s, blockSize, pageSizePadded: s.pageSizePadded * Math.floor(blockSize / s.blockSize) };
  return { ...s, blockSize };
}

/**
 * Dataclass equality as a string: two layers with equal keys are the same spec (class and every
 * field), which is how vLLM buckets layers before grouping them.
 */
export function specKey(s: VllmSpec): string {
  if (s.cls === 'UniformTypeKVCacheSpecs') return `U:${[...s.specs].map(([n, v]) => `${n}=${specKey(v)}`).join(',')}`;
  const o = s as unknown as Record<string, unknown>;
  return JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
}
