/**
 * What a model's KV cache looks like, one entry per model layer: a discriminated union of attention
 * (and recurrent-state) specs. Sizing rules live next to their spec; `to-layers.ts` turns a model
 * into TensorRT-LLM manager layers with these rules.
 *
 * Per-token bytes are "per token per layer", K and V together unless the cache is K-only.
 */
import { bytesForElements, type KvDtype } from './dtype.ts';

/** K/V shape of one attention layer. headDimV 0 = K-only cache (latent caches where V reuses K). */
export interface KvShape {
  readonly numKvHeads: number;
  readonly headDimK: number;
  readonly headDimV: number;
}

/** Global attention: every token of the request stays live, so blocks grow with context. */
export interface FullSpec extends KvShape {
  readonly kind: 'full';
}

/** Sliding window: only the last windowTokens (plus optional StreamingLLM-style sinks) are live. */
export interface SlidingSpec extends KvShape {
  readonly kind: 'swa';
  readonly windowTokens: number;
  /** Tokens at the start that are never evicted (attention sinks kept in the cache). */
  readonly sinkTokens?: number;
}

/**
 * Chunked local attention (Llama 4): a query at position p sees [floor(p/C)*C, p], at most C tokens.
 *
 *   C = 4:  |0123|4567|89..   query at 9 sees 8..9 (its own chunk only)
 */
export interface ChunkedSpec extends KvShape {
  readonly kind: 'chunked';
  readonly chunkTokens: number;
}

/**
 * DeepSeek-V2/V3 multi-head latent attention: full attention over one K-only "head" holding the
 * compressed latent plus the decoupled RoPE key (kv_lora_rank + qk_rope_head_dim elements).
 */
export interface MlaSpec {
  readonly kind: 'mla';
  readonly kvLoraRank: number;
  readonly ropeDim: number;
}

/** Lightning-indexer keys of a DeepSeek-V4 CSA layer (its own dtype, independent of the KV dtype). */
export interface IndexerSpec {
  readonly headDim: number;
  readonly dtype: 'fp8' | 'fp4';
}

/**
 * DeepSeek-V4 layer: a raw SWA latent cache of windowTokens in every layer, plus (ratio > 1) a
 * compressed cache with one entry per `ratio` tokens and fp32 compressor state; CSA (ratio 4) layers
 * also carry indexer keys and indexer compressor state. ratio 1 = SWA only (HF writes 0).
 */
export interface CompressedSpec {
  readonly kind: 'compressed';
  readonly ratio: number;
  readonly windowTokens: number;
  readonly numKvHeads: number;
  /** Latent width (512 = 448 nope + 64 rope); K-only. */
  readonly headDim: number;
  readonly indexer: IndexerSpec | null;
}

/** Constant-size per-request state (Mamba-1, Mamba-2, Gated DeltaNet): no per-token growth. */
export interface RecurrentSpec {
  readonly kind: 'recurrent';
  readonly variant: 'mamba1' | 'mamba2' | 'gdn';
  readonly convElements: number;
  readonly convDtype: KvDtype;
  readonly ssmElements: number;
  readonly ssmDtype: KvDtype;
}

/** Consumer of another layer's KV (Gemma 3n shared layers): owns no cache. */
export interface SharedSpec {
  readonly kind: 'shared';
  readonly sourceLayer: number | null;
}

/** A layer without attention or state (MLP-only layers of Nemotron-H): owns no cache. */
export interface NoCacheSpec {
  readonly kind: 'none';
}

/** Parallel hybrid (Falcon-H1): attention and a recurrent mixer side by side in one layer. */
export interface ParallelSpec {
  readonly kind: 'parallel';
  readonly attention: FullSpec | SlidingSpec;
  readonly state: RecurrentSpec;
}

export type AttentionSpec = FullSpec | SlidingSpec | ChunkedSpec | MlaSpec | CompressedSpec;
export type LayerSpec = AttentionSpec | RecurrentSpec | SharedSpec | NoCacheSpec | ParallelSpec;
export type LayerKind = LayerSpec['kind'];

export interface ModelDefaults {
  readonly kvDtype: KvDtype;
  readonly tokensPerBlock: number;
}

export interface ModelSpec {
  readonly id: string;
  readonly name: string;
  /** Where every number comes from (repositories and paths, or a description of the public source). */
  readonly source: readonly string[];
  readonly maxContext: number;
  /** One entry per model layer, in model order. */
  readonly layers: readonly LayerSpec[];
  readonly notes: string;
  readonly verified: boolean;
  readonly defaults: ModelDefaults;
  /** Things an import could not be sure of (an unknown model_type): shells print them as warnings. */
  readonly warnings?: readonly string[];
}

// ---- sizing rules ------------------------------------------------------------------------------

/** K+V bytes per token: each head stores headDimK keys and headDimV values (V absent if K-only). */
export function kvBytesPerToken(s: KvShape, dtype: KvDtype): { key: number; value: number } {
  // Scales (nvfp4) are per head row, so size one head and multiply.
  return { key: s.numKvHeads * bytesForElements(dtype, s.headDimK), value: s.numKvHeads * bytesForElements(dtype, s.headDimV) };
}

/** MLA caches one K-only row of kv_lora_rank + rope elements per token (no separate V). */
export function mlaBytesPerToken(s: MlaSpec, dtype: KvDtype): number {
  return bytesForElements(dtype, s.kvLoraRank + s.ropeDim);
}

/** Recurrent state is per request, not per token: conv window rows plus the SSM matrix. */
export function recurrentStateBytes(s: RecurrentSpec): { conv: number; ssm: number } {
  return { conv: bytesForElements(s.convDtype, s.convElements), ssm: bytesForElements(s.ssmDtype, s.ssmElements) };
}

// ---- constructors (vLLM mamba_utils shapes) -----------------------------------------------------

/** Mamba-1: conv keeps d_conv-1 past inputs of d_inner channels; ssm is d_inner x d_state. */
export function mamba1(dInner: number, dState: number, dConv: number, convDtype: KvDtype, ssmDtype: KvDtype): RecurrentSpec {
  return { kind: 'recurrent', variant: 'mamba1', convElements: dInner * (dConv - 1), convDtype, ssmElements: dInner * dState, ssmDtype };
}

/** Mamba-2: conv also carries B and C (2 x n_groups x d_state channels); ssm is heads x head_dim x d_state. */
export function mamba2(
  p: { numHeads: number; headDim: number; dState: number; nGroups: number; dConv: number },
  convDtype: KvDtype,
  ssmDtype: KvDtype,
): RecurrentSpec {
  const dInner = p.numHeads * p.headDim;
  return {
    kind: 'recurrent',
    variant: 'mamba2',
    convElements: (dInner + 2 * p.nGroups * p.dState) * (p.dConv - 1),
    convDtype,
    ssmElements: p.numHeads * p.headDim * p.dState,
    ssmDtype,
  };
}

/** Gated DeltaNet: conv over q,k (nk x dk each) and v (nv x dv); state is nv x dv x dk. */
export function gatedDeltaNet(
  p: { numKeyHeads: number; numValueHeads: number; keyHeadDim: number; valueHeadDim: number; convKernel: number },
  convDtype: KvDtype,
  ssmDtype: KvDtype,
): RecurrentSpec {
  return {
    kind: 'recurrent',
    variant: 'gdn',
    convElements: (2 * p.numKeyHeads * p.keyHeadDim + p.numValueHeads * p.valueHeadDim) * (p.convKernel - 1),
    convDtype,
    ssmElements: p.numValueHeads * p.valueHeadDim * p.keyHeadDim,
    ssmDtype,
  };
}

export function full(numKvHeads: number, headDim: number, headDimV = headDim): FullSpec {
  return { kind: 'full', numKvHeads, headDimK: headDim, headDimV };
}

export function sliding(windowTokens: number, numKvHeads: number, headDim: number, sinkTokens?: number): SlidingSpec {
  return sinkTokens === undefined
    ? { kind: 'swa', windowTokens, numKvHeads, headDimK: headDim, headDimV: headDim }
    : { kind: 'swa', windowTokens, sinkTokens, numKvHeads, headDimK: headDim, headDimV: headDim };
}

export function chunked(chunkTokens: number, numKvHeads: number, headDim: number): ChunkedSpec {
  return { kind: 'chunked', chunkTokens, numKvHeads, headDimK: headDim, headDimV: headDim };
}

/** Expand a per-index pattern into the per-layer list (e.g. `i % 2 === 0 ? swa : full`). */
export function layersFromPattern(numLayers: number, pick: (i: number) => LayerSpec): LayerSpec[] {
  return Array.from({ length: numLayers }, (_, i) => pick(i));
}

/** True when the model is DeepSeek-V4-shaped (any compressed layer): it has its own engine rules. */
export function isDeepseekV4(model: { layers: readonly LayerSpec[] }): boolean {
  return model.layers.some((l) => l.kind === 'compressed');
}

/** Count of model layers per kind, in first-appearance order. */
export function layerKindCounts(model: { layers: readonly LayerSpec[] }): Map<string, number> {
  const counts = new Map<string, number>();
  for (const l of model.layers) {
    const key = l.kind === 'compressed' ? (l.ratio === 1 ? 'swa-only' : `compressed/${l.ratio}`) : l.kind === 'recurrent' ? l.variant : l.kind;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
