/**
 * Summaries of a model for people: one-line description, serving defaults and the three cache
 * footprint figures the reference tabulates (growing bytes per token, window-bounded bytes per
 * request, constant state per request).
 */

import { indexerEntryBytes, stateFactor, stateWindowTokens } from './dsv4.ts';
import { bytesForElements, type KvDtype } from './dtype.ts';
import { type AttentionSpec, kvBytesPerToken, type LayerSpec, layerKindCounts, type ModelSpec, mlaBytesPerToken, recurrentStateBytes } from './spec.ts';

export interface ModelServingDefaults {
  maxContext: number;
  kvDtype: KvDtype;
  tokensPerBlock: number;
}

/** maxContext from the model; kv dtype and tokens per block from the model's defaults (see presets.ts). */
export function modelDefaults(model: ModelSpec): ModelServingDefaults {
  return { maxContext: model.maxContext, kvDtype: model.defaults.kvDtype, tokensPerBlock: model.defaults.tokensPerBlock };
}

export interface CacheFootprint {
  /** Bytes every new token adds, summed over layers whose cache grows with context. */
  growingBytesPerToken: number;
  /** Most bytes a request holds in windowed/chunked layers (window x bytes per token). */
  windowBoundedBytesPerSeq: number;
  /** Constant per-request state (recurrent layers, DeepSeek-V4 compressor state over its window). */
  stateBytesPerSeq: number;
}

/** The reference's aggregate figures at a given KV dtype (logical sizes, before block rounding). */
export function cacheFootprint(model: Pick<ModelSpec, 'layers'>, dtype: KvDtype): CacheFootprint {
  const f: CacheFootprint = { growingBytesPerToken: 0, windowBoundedBytesPerSeq: 0, stateBytesPerSeq: 0 };
  for (const l of model.layers) addLayer(f, l, dtype);
  return f;
}

function kvPerToken(s: AttentionSpec, dtype: KvDtype): number {
  if (s.kind === 'mla') return mlaBytesPerToken(s, dtype);
  if (s.kind === 'compressed') return s.numKvHeads * bytesForElements(dtype, s.headDim);
  const kv = kvBytesPerToken(s, dtype);
  return kv.key + kv.value;
}

function addLayer(f: CacheFootprint, l: LayerSpec, dtype: KvDtype): void {
  switch (l.kind) {
    case 'full':
    case 'mla':
      f.growingBytesPerToken += kvPerToken(l, dtype);
      return;
    case 'swa':
      f.windowBoundedBytesPerSeq += l.windowTokens * kvPerToken(l, dtype);
      return;
    case 'chunked':
      f.windowBoundedBytesPerSeq += l.chunkTokens * kvPerToken(l, dtype);
      return;
    case 'compressed': {
      const latent = kvPerToken(l, dtype);
      f.windowBoundedBytesPerSeq += l.windowTokens * latent;
      if (l.ratio === 1) return;
      // One compressed entry (plus indexer key) per `ratio` tokens.
      const idx = l.indexer ? indexerEntryBytes(l.indexer.headDim, l.indexer.dtype) : 0;
      f.growingBytesPerToken += (latent + idx) / l.ratio;
      // fp32 kv + score state over the compressor window.
      const width = stateFactor(l.ratio) * (l.headDim + (l.indexer?.headDim ?? 0));
      f.stateBytesPerSeq += stateWindowTokens(l.ratio) * width * 4 * 2;
      return;
    }
    case 'recurrent': {
      const s = recurrentStateBytes(l);
      f.stateBytesPerSeq += s.conv + s.ssm;
      return;
    }
    case 'parallel':
      addLayer(f, l.attention, dtype);
      addLayer(f, l.state, dtype);
      return;
    case 'shared':
    case 'none':
      return;
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${Math.round(n)} B`;
}

function kindLabel(key: string, model: Pick<ModelSpec, 'layers'>): string {
  const first = model.layers.find((l) => (l.kind === 'recurrent' ? l.variant : l.kind) === key);
  if (first?.kind === 'swa') return `swa ${first.windowTokens}`;
  if (first?.kind === 'chunked') return `chunked ${first.chunkTokens}`;
  return key;
}

/** One line: name, layer mix, context and the footprint at the default dtype. */
export function describeModel(model: ModelSpec): string {
  const counts = [...layerKindCounts(model)].map(([k, n]) => `${n} ${kindLabel(k, model)}`).join(', ');
  const dtype = model.defaults.kvDtype;
  const fp = cacheFootprint(model, dtype);
  const parts = [`${model.name}: ${model.layers.length} layers (${counts})`, `max context ${model.maxContext}`, `${dtype} KV ${formatBytes(fp.growingBytesPerToken)}/token growing`];
  if (fp.windowBoundedBytesPerSeq > 0) parts.push(`${formatBytes(fp.windowBoundedBytesPerSeq)}/request windowed`);
  if (fp.stateBytesPerSeq > 0) parts.push(`${formatBytes(fp.stateBytesPerSeq)}/request state`);
  if (!model.verified) parts.push('UNVERIFIED');
  return parts.join('; ');
}
