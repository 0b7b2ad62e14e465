/**
 * vLLM layer specs from our model description (a preset or an imported config.json), for
 * `kvpool plan --preset ... --engine vllm-v1`. One vLLM layer per cached model layer, named
 * `model.layers.{i}.attn` (a parallel hybrid layer gives `.attn` and `.mixer`).
 *
 *   full -> FullAttentionSpec   swa -> SlidingWindowSpec   chunked -> ChunkedLocalAttentionSpec
 *   mla  -> MLAAttentionSpec (1 head of kv_lora_rank + rope)    recurrent -> MambaSpec (conv, ssm)
 *
 * Mamba hybrids: vLLM's model config (vllm/model_executor/models/config.py, outside the two ported
 * files) raises the attention block size until an attention page holds a Mamba state and pads the
 * Mamba page to it. We do the same in outline: block = smallest multiple of 16 >= the block size
 * asked for whose page is >= the state; Mamba block size = max_model_len in cache mode "none".
 * That step is an approximation, marked as such in the output notes.
 */

import type { KvDtype } from '../../model/dtype.ts';
import { bytesForElements } from '../../model/dtype.ts';
import { InputError } from '../../model/errors.ts';
import type { LayerSpec, ModelSpec, RecurrentSpec } from '../../model/spec.ts';
import { divUp } from '../pymath.ts';
import type { VllmConfigInput } from './config.ts';
import { type AttnFields, pageSizeBytes, type VllmSpec } from './specs.ts';

export interface VllmModelKnobs {
  readonly tokensPerBlock: number;
  readonly maxSeqLen: number;
  readonly maxNumTokens: number;
  readonly quotaBytes: number;
  readonly kvDtype: KvDtype;
  readonly disableHybridKvCacheManager: boolean;
  readonly mambaCacheMode: 'none' | 'align' | 'all';
}

const DTYPE_BYTES: Partial<Record<KvDtype, number>> = { fp32: 4, bf16: 2, fp16: 2, fp8: 1 };

function attn(blockSize: number, numKvHeads: number, headSize: number, headSizeV: number, dtype: KvDtype): AttnFields {
  const dtypeBytes = DTYPE_BYTES[dtype];
  if (dtypeBytes === undefined) throw new InputError('--kv-dtype', dtype, 'fp32, bf16, fp16 or fp8 for vllm-v1 (NVFP4 pages are not ported)');
  return { blockSize, numKvHeads, headSize, headSizeV, dtype, dtypeBytes, kvQuantMode: dtype === 'fp8' ? 1 : 0, pageSizePadded: null };
}

function attnSpec(l: LayerSpec, i: number, k: VllmModelKnobs, block: number): VllmSpec | null {
  switch (l.kind) {
    case 'full':
      return { cls: 'FullAttentionSpec', ...attn(block, l.numKvHeads, l.headDimK, l.headDimV || l.headDimK, k.kvDtype), slidingWindow: null, attentionChunkSize: null };
    case 'swa':
      return { cls: 'SlidingWindowSpec', ...attn(block, l.numKvHeads, l.headDimK, l.headDimV, k.kvDtype), slidingWindow: l.windowTokens };
    case 'chunked':
      return { cls: 'ChunkedLocalAttentionSpec', ...attn(block, l.numKvHeads, l.headDimK, l.headDimV, k.kvDtype), attentionChunkSize: l.chunkTokens };
    case 'mla':
      return { cls: 'MLAAttentionSpec', ...attn(block, 1, l.kvLoraRank + l.ropeDim, l.kvLoraRank + l.ropeDim, k.kvDtype), cacheDtypeStr: null };
    case 'parallel':
      return attnSpec(l.attention, i, k, block);
    case 'compressed':
      throw new InputError('--preset', `layer ${i} (DeepSeek-V4 compressed)`, 'a model without DeepSeek-V4 layers: vLLM sizes those with its own packed layout, which this port does not include');
    default:
      return null;
  }
}

const mambaOf = (s: RecurrentSpec, block: number, padded: number | null): VllmSpec => ({
  cls: 'MambaSpec',
  blockSize: block,
  shapes: [[s.convElements], [s.ssmElements]],
  dtypeBytes: [bytesForElements(s.convDtype, 1), bytesForElements(s.ssmDtype, 1)],
  pageSizePadded: padded,
  mambaType: s.variant,
  numSpeculativeBlocks: 0,
});

const stateOf = (l: LayerSpec): RecurrentSpec | null => (l.kind === 'recurrent' ? l : l.kind === 'parallel' ? l.state : null);

/** The attention block size vLLM's hybrid-Mamba config step would choose (see above). */
function hybridBlockSize(model: ModelSpec, k: VllmModelKnobs): number {
  const states = model.layers.flatMap((l) => (stateOf(l) ? [stateOf(l)!] : []));
  if (states.length === 0) return k.tokensPerBlock;
  const statePage = Math.max(...states.map((s) => pageSizeBytes(mambaOf(s, 1, null))));
  const perToken = Math.max(...model.layers.map((l, i) => (attnSpec(l, i, k, 1) ? pageSizeBytes(attnSpec(l, i, k, 1)!) : 0)));
  if (perToken === 0) return k.tokensPerBlock;
  return Math.max(k.tokensPerBlock, 16 * divUp(statePage, 16 * perToken));
}

export function vllmInputFromModel(model: ModelSpec, k: VllmModelKnobs): { input: VllmConfigInput; notes: string[] } {
  const block = hybridBlockSize(model, k);
  const notes: string[] = [];
  const layers = new Map<string, VllmSpec>();
  model.layers.forEach((l, i) => {
    const a = attnSpec(l, i, k, block);
    if (a) layers.set(`model.layers.${i}.attn`, a);
  });
  const attnPage = Math.max(0, ...[...layers.values()].map(pageSizeBytes));
  model.layers.forEach((l, i) => {
    const s = stateOf(l);
    if (!s) return;
    const own = pageSizeBytes(mambaOf(s, 1, null));
    const padded = attnPage >= own ? attnPage : null;
    layers.set(`model.layers.${i}.${l.kind === 'parallel' ? 'mixer' : 'attn'}`, mambaOf(s, k.mambaCacheMode === 'none' ? k.maxSeqLen : block, padded));
  });
  if (block !== k.tokensPerBlock) notes.push(`attention block size raised from ${k.tokensPerBlock} to ${block} so one page holds a Mamba state, and Mamba pages padded to it (vLLM's model-config step, approximated)`);
  if (model.layers.some((l) => l.kind === 'swa' && (l.sinkTokens ?? 0) > 0)) notes.push('sink tokens are not a vLLM spec: those layers are sized as plain sliding windows');
  return {
    input: {
      availableMemoryBytes: k.quotaBytes,
      maxModelLen: k.maxSeqLen,
      maxNumBatchedTokens: k.maxNumTokens,
      mambaCacheMode: k.mambaCacheMode,
      disableHybridKvCacheManager: k.disableHybridKvCacheManager,
      layers,
    },
    notes,
  };
}
