/**
 * Model -> engine manager layers (the `layers` of the engine scenario format), registered the way
 * TensorRT-LLM's KVCacheManagerV2 registers them: one manager layer per model layer for ordinary
 * attention, several for DeepSeek-V4 (one per life cycle, see dsv4.ts), none for layers that own no
 * cache. layer_id is the running manager-layer index.
 *
 * bytes_per_block = bytes per token x tokens_per_block (per block of compressed entries for DSV4);
 * for recurrent state it is the whole per-request state, because an SSM life cycle takes one slot
 * per request whatever its length.
 */
import type { BufferJson, LayerJson } from '../planner/scenario.ts';
import { dsv4ManagerLayers } from './dsv4.ts';
import { type KvDtype, scaleBytes, valueBytes } from './dtype.ts';
import { InputError, requireInt } from './errors.ts';
import { type KvShape, type LayerSpec, type ModelSpec, mlaBytesPerToken, type RecurrentSpec, recurrentStateBytes } from './spec.ts';

export interface LayerKnobs {
  tokensPerBlock: number;
  kvDtype: KvDtype;
  /** Speculative draft tokens (max_draft_len); widens DeepSeek-V4 windows, as the engine does. */
  draftTokens?: number;
}

type ManagerLayer = Omit<LayerJson, 'layer_id'>;

export function modelToLayers(model: Pick<ModelSpec, 'layers'>, knobs: LayerKnobs): LayerJson[] {
  const tpb = requireInt('tokens_per_block', knobs.tokensPerBlock, 1);
  const draftTokens = requireInt('draft_tokens', knobs.draftTokens ?? 0, 0);
  const full = { tokensPerBlock: tpb, kvDtype: knobs.kvDtype, draftTokens };
  const out: LayerJson[] = [];
  model.layers.forEach((spec, i) => {
    for (const m of managerLayers(spec, full, i)) {
      // Hand-built or edited specs (UI) can carry zero or fractional dims; refuse them here, by layer.
      if (m.buffers.length === 0) throw new InputError(`layers[${i}]`, spec, 'a layer whose heads, head dims or state sizes are positive');
      for (const b of m.buffers) {
        if (!Number.isSafeInteger(b.bytes_per_block) || b.bytes_per_block <= 0) {
          throw new InputError(`layers[${i}]`, spec, `whole positive byte counts (buffer ${b.role} came out as ${b.bytes_per_block})`);
        }
      }
      out.push({ layer_id: out.length, ...m });
    }
  });
  if (out.length === 0) throw new InputError('layers', model.layers.length, 'at least one layer that owns KV cache or state');
  return out;
}

/** Heads and head dims must be whole numbers (K at least 1; V may be 0 for K-only caches). */
function checkShape(s: KvShape, i: number): void {
  requireInt(`layers[${i}].numKvHeads`, s.numKvHeads, 1);
  requireInt(`layers[${i}].headDimK`, s.headDimK, 1);
  requireInt(`layers[${i}].headDimV`, s.headDimV, 0);
}

function managerLayers(spec: LayerSpec, knobs: Required<LayerKnobs>, i: number): ManagerLayer[] {
  const tpb = knobs.tokensPerBlock;
  if (spec.kind === 'full' || spec.kind === 'swa' || spec.kind === 'chunked') checkShape(spec, i);
  if (spec.kind === 'mla') {
    requireInt(`layers[${i}].kvLoraRank`, spec.kvLoraRank, 1);
    requireInt(`layers[${i}].ropeDim`, spec.ropeDim, 0);
  }
  if (spec.kind === 'recurrent') {
    requireInt(`layers[${i}].convElements`, spec.convElements, 0);
    requireInt(`layers[${i}].ssmElements`, spec.ssmElements, 0);
  }
  switch (spec.kind) {
    case 'full':
      return [attn(null, null, kvBuffers(spec, knobs.kvDtype, tpb))];
    case 'swa':
      // Sinks stay as tokens: the planner turns them into div_up(sink_tokens, tpb) blocks.
      return [attn(spec.windowTokens, spec.sinkTokens ?? null, kvBuffers(spec, knobs.kvDtype, tpb))];
    case 'chunked':
      // The engine format only has sliding windows. A chunk-local query at p needs
      // [floor(p/C)*C, p], which always lies inside the sliding window [p+1-C, p], so window = C
      // is the tightest window that is never wrong (it keeps up to C-1 tokens a chunked manager
      // could already free).
      return [attn(spec.chunkTokens, null, kvBuffers(spec, knobs.kvDtype, tpb))];
    case 'mla':
      // One K-only latent row per token; no V buffer.
      return [attn(null, null, [{ role: 'key', bytes_per_block: mlaBytesPerToken(spec, knobs.kvDtype) * tpb }])];
    case 'compressed':
      return dsv4ManagerLayers(spec, knobs, i);
    case 'recurrent':
      return [ssm(spec)];
    case 'parallel':
      // Both mixers of a parallel hybrid keep their own cache: an attention layer and an SSM layer.
      return [...managerLayers(spec.attention, knobs, i), ssm(spec.state)];
    case 'shared':
    case 'none':
      // Shared-KV consumers read another layer's cache; MLP-only layers have none.
      return [];
  }
}

/**
 * key/value buffers of one attention layer. nvfp4 keeps its per-16-element fp8 scales in separate
 * block-scale buffers (TensorRT-LLM Role.KEY_BLOCK_QUANT / VALUE_BLOCK_QUANT).
 */
export function kvBuffers(s: KvShape, dtype: KvDtype, tpb: number): BufferJson[] {
  const out: BufferJson[] = [];
  const add = (role: string, perToken: number) => {
    if (perToken > 0) out.push({ role, bytes_per_block: perToken * tpb });
  };
  add('key', s.numKvHeads * valueBytes(dtype, s.headDimK));
  add('value', s.numKvHeads * valueBytes(dtype, s.headDimV));
  add('key_block_quant', s.numKvHeads * scaleBytes(dtype, s.headDimK));
  add('value_block_quant', s.numKvHeads * scaleBytes(dtype, s.headDimV));
  return out;
}

function attn(window: number | null, sinkTokens: number | null, buffers: BufferJson[]): ManagerLayer {
  return { kind: 'attn', window, sink_tokens: sinkTokens, buffers };
}

function ssm(spec: RecurrentSpec): ManagerLayer {
  const { conv, ssm: state } = recurrentStateBytes(spec);
  const buffers: BufferJson[] = [];
  if (conv > 0) buffers.push({ role: 'conv_state', bytes_per_block: conv });
  if (state > 0) buffers.push({ role: 'ssm_state', bytes_per_block: state });
  return { kind: 'ssm', window: null, sink_tokens: null, buffers };
}

/** Sum of bytes_per_block over all buffers: bytes one block of every layer takes (SSM: per request). */
export function totalBytesPerBlock(layers: readonly LayerJson[]): number {
  let s = 0;
  for (const l of layers) for (const b of l.buffers) s += b.bytes_per_block;
  return s;
}
