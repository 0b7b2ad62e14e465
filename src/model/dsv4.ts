/**
 * DeepSeek-V4 -> TensorRT-LLM manager layers (kvcache-v2-sizing.md §1.3; TensorRT-LLM DSV4
 * `cache_manager.py` `_build_cache_config` and `deepseek_v4.py` `get_token_bytes`).
 *
 * One model layer registers one manager layer per life cycle it touches, in this order:
 *
 *   ratio 1   [swa_kv]                                           window W = 128 + d
 *   ratio 4   [swa_kv]                                           W
 *             [compress_kv, indexer_compress_k]                  null (compressed entries never go stale)
 *             [compressor_kv, compressor_score,
 *              indexer_compressor_kv, indexer_compressor_score]  2*4 + d = 8 + d
 *   ratio 128 [swa_kv, compressor_kv, compressor_score]          W (1*128 = 128: state shares the SWA life cycle)
 *             [compress_kv]                                      null
 *
 * General rule behind the table: the SWA manager layer comes first and absorbs the compressor state
 * when the state window equals the SWA window; then the compressed cache; then the state layer.
 */
import type { BufferJson, LayerJson } from '../planner/scenario.ts';
import { bytesForElements, type KvDtype } from './dtype.ts';
import { InputError, requireInt } from './errors.ts';
import type { CompressedSpec } from './spec.ts';

/** TensorRT-LLM asserts tokens_per_block in {128, 256} for DeepSeek-V4 (block = whole compressed entries). */
export const DSV4_TOKENS_PER_BLOCK = [128, 256] as const;

/** Compressor state is always fp32, whatever the KV dtype. */
const STATE_BYTES_PER_ELEMENT = 4;

/** The ratio-4 compressor overlaps consecutive windows, so it keeps twice the state. */
export function stateFactor(ratio: number): number {
  return ratio === 4 ? 2 : 1;
}

/** Tokens of compressor state a layer must keep: state_factor x ratio (8 for CSA, 128 for HCA). */
export function stateWindowTokens(ratio: number): number {
  return stateFactor(ratio) * ratio;
}

/** Indexer key bytes per compressed entry: fp8 values + one fp32 scale per 128; fp4 packs 2/byte + a scale per 32 (as bytes/32). */
export function indexerEntryBytes(headDim: number, dtype: 'fp8' | 'fp4'): number {
  return dtype === 'fp8' ? headDim + (headDim / 128) * 4 : headDim / 2 + headDim / 32;
}

export interface Dsv4Knobs {
  tokensPerBlock: number;
  kvDtype: KvDtype;
  draftTokens: number;
}

/** Engine-side checks; each names the knob or config field the user can change. */
export function checkDsv4(spec: CompressedSpec, knobs: Dsv4Knobs, modelLayer: number): void {
  if (!(DSV4_TOKENS_PER_BLOCK as readonly number[]).includes(knobs.tokensPerBlock)) {
    throw new InputError('tokens_per_block', knobs.tokensPerBlock, '128 or 256 (TensorRT-LLM requires it for DeepSeek-V4)');
  }
  if (knobs.kvDtype !== 'fp8' && knobs.kvDtype !== 'bf16') {
    throw new InputError('kv_dtype', knobs.kvDtype, 'fp8 or bf16 (TensorRT-LLM supports only these for DeepSeek-V4)');
  }
  requireInt(`layers[${modelLayer}].headDim`, spec.headDim, 1);
  requireInt(`layers[${modelLayer}].windowTokens`, spec.windowTokens, 1);
  if (spec.indexer) requireInt(`layers[${modelLayer}].indexer.headDim`, spec.indexer.headDim, 1);
  if (spec.numKvHeads !== 1) {
    throw new InputError(`layers[${modelLayer}].num_key_value_heads`, spec.numKvHeads, '1 (DeepSeek-V4 attention is MQA over one latent head)');
  }
  if (![1, 4, 128].includes(spec.ratio)) {
    throw new InputError(`compress_ratios[${modelLayer}]`, spec.ratio, '0 or 1 (SWA only), 4 (CSA) or 128 (HCA)');
  }
  if (spec.ratio === 4 && spec.indexer === null) {
    throw new InputError(`layers[${modelLayer}].indexer`, null, 'an indexer for a ratio-4 (CSA) layer');
  }
}

/** Manager layers of one DeepSeek-V4 model layer; layer ids are assigned by the caller. */
export function dsv4ManagerLayers(spec: CompressedSpec, knobs: Dsv4Knobs, modelLayer: number): Omit<LayerJson, 'layer_id'>[] {
  checkDsv4(spec, knobs, modelLayer);
  const tpb = knobs.tokensPerBlock;
  const d = knobs.draftTokens;
  const latentPerToken = bytesForElements(knobs.kvDtype, spec.headDim);
  const swaWindow = spec.windowTokens + d;
  const swa: BufferJson[] = [{ role: 'swa_kv', bytes_per_block: latentPerToken * tpb }];
  if (spec.ratio === 1) return [attn(swaWindow, swa)];

  // Compressed blocks keep tpb/ratio entries, each a full latent row.
  const entries = tpb / spec.ratio;
  const compress: BufferJson[] = [{ role: 'compress_kv', bytes_per_block: latentPerToken * entries }];
  if (spec.indexer) compress.push({ role: 'indexer_compress_k', bytes_per_block: indexerEntryBytes(spec.indexer.headDim, spec.indexer.dtype) * entries });

  // State buffers are sized per token of the block even though only the window's tokens are live.
  const sf = stateFactor(spec.ratio);
  const stateRow = sf * spec.headDim * STATE_BYTES_PER_ELEMENT * tpb;
  const state: BufferJson[] = [
    { role: 'compressor_kv', bytes_per_block: stateRow },
    { role: 'compressor_score', bytes_per_block: stateRow },
  ];
  if (spec.indexer) {
    const idxRow = sf * spec.indexer.headDim * STATE_BYTES_PER_ELEMENT * tpb;
    state.push({ role: 'indexer_compressor_kv', bytes_per_block: idxRow }, { role: 'indexer_compressor_score', bytes_per_block: idxRow });
  }
  const stateWindow = stateWindowTokens(spec.ratio) + d;
  if (stateWindow === swaWindow) return [attn(swaWindow, [...swa, ...state]), attn(null, compress)];
  return [attn(swaWindow, swa), attn(null, compress), attn(stateWindow, state)];
}

function attn(window: number | null, buffers: BufferJson[]): Omit<LayerJson, 'layer_id'> {
  return { kind: 'attn', window, sink_tokens: null, buffers };
}
