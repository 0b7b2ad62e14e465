/**
 * The `vllm-v1` registry entry: vLLM v1's sizing (vllm-project/vllm@001cabc) of the layers of an
 * engine scenario. Each manager layer becomes one vLLM layer spec whose page is the layer's bytes
 * per block (windowed -> SlidingWindowSpec, ssm -> MambaSpec, else FullAttentionSpec); the block
 * size is the scenario's tokens per block, max_model_len the context's maxSeqLen. The CLI's own
 * `--engine vllm-v1` path sizes from the model description instead (from-model.ts), with heads.
 */
import type { EngineSizer, KnobSpec, KnobValues, SizeResult, SizerInput, SizerModelInput } from '../engines/types.ts';
import type { PoolLayout } from '../types.ts';
import { looksLikeVllmCase, vllmResultJson } from './case.ts';
import { getKvCacheConfig } from './config.ts';
import { vllmLayout } from './layout.ts';
import { renderVllm, VLLM_VERSION_NOTES } from './render.ts';
import { sizeVllmFile, sizeVllmModel, type VllmSized } from './sized.ts';
import type { VllmSpec } from './specs.ts';

export const VLLM_KNOBS: readonly KnobSpec[] = [
  {
    name: 'disableHybridKvCacheManager',
    flag: 'disable-hybrid-kv-cache-manager',
    urlKey: 'vllmHybridOff',
    type: 'bool',
    default: false,
    help: 'vllm-v1: --disable-hybrid-kv-cache-manager (one group; windowed layers sized as full attention in this version)',
  },
];

/** vLLM's --block-size default (CacheConfig.block_size). */
const VLLM_BLOCK_SIZE = 16;

const EMPTY: PoolLayout = { tokensPerBlock: 1, lifeCycles: [], lifeCyclePoolGroup: [], poolGroups: [], slotCounts: [], error: null };

function specsOf(input: SizerInput): Map<string, VllmSpec> {
  const b = input.scenario.tokens_per_block;
  return new Map(
    input.scenario.layers.map((l): [string, VllmSpec] => {
      const page = l.buffers.reduce((a, x) => a + x.bytes_per_block, 0);
      const attn = { blockSize: b, numKvHeads: 1, headSize: 1, headSizeV: 1, dtype: 'page', dtypeBytes: 1, kvQuantMode: 0, pageSizePadded: page };
      const name = `model.layers.${l.layer_id}.attn`;
      if (l.kind === 'ssm') return [name, { cls: 'MambaSpec', blockSize: b, shapes: [[page]], dtypeBytes: [1], pageSizePadded: null, mambaType: 'state', numSpeculativeBlocks: 0 }];
      if (l.window !== null) return [name, { cls: 'SlidingWindowSpec', ...attn, slidingWindow: l.window }];
      return [name, { cls: 'FullAttentionSpec', ...attn, slidingWindow: null, attentionChunkSize: null }];
    }),
  );
}

function resultOf(s: VllmSized): SizeResult {
  const error = s.result.ok ? null : s.result.error;
  return { layout: s.layout ?? { ...EMPTY, error }, json: s.json, diagnostics: null, error, table: s.table, maxSeqLen: s.maxModelLen };
}

export const vllmV1Engine: EngineSizer = {
  id: 'vllm-v1',
  label: 'vLLM v1 (001cabc)',
  source: 'vllm/v1/core/kv_cache_utils.py get_kv_cache_configs and vllm/v1/kv_cache_interface.py at vllm-project/vllm@001cabc',
  knobs: VLLM_KNOBS,
  modes: null,
  policy: 'vllm-v1',
  defaultTokensPerBlock: VLLM_BLOCK_SIZE,
  size(input: SizerInput, knobs: KnobValues) {
    const ctx = input.context as SizerInput['context'] & { maxNumTokens?: number | null };
    const r = getKvCacheConfig({
      availableMemoryBytes: input.scenario.gpu_quota_bytes,
      maxModelLen: ctx.maxSeqLen,
      maxNumBatchedTokens: ctx.maxNumTokens ?? 8192,
      mambaCacheMode: 'none',
      disableHybridKvCacheManager: knobs.disableHybridKvCacheManager === true,
      layers: specsOf(input),
    });
    const error = r.ok ? null : r.error;
    const layout = r.ok && r.config.groups.length > 0 ? vllmLayout(r.config) : { ...EMPTY, error };
    return { layout, json: { ...vllmResultJson(r), version_notes: VLLM_VERSION_NOTES }, diagnostics: null, error, table: (title: string) => renderVllm(title, r, ctx.maxSeqLen), maxSeqLen: ctx.maxSeqLen };
  },
  // A vLLM case file (the golden cases' format) carries every input itself.
  file: { accepts: looksLikeVllmCase, size: (raw) => resultOf(sizeVllmFile(raw)) },
  // From our model with its heads: --tokens-per-block is vLLM's block size (16 unless set), --max-num-tokens max_num_batched_tokens.
  sizeModel({ model, knobs: k, given }: SizerModelInput, knobs: KnobValues) {
    const tokensPerBlock = given.has('tokensPerBlock') ? k.tokensPerBlock : VLLM_BLOCK_SIZE;
    return resultOf(sizeVllmModel(model, { tokensPerBlock, maxSeqLen: k.maxSeqLen, maxNumTokens: k.maxNumTokens ?? 8192, quotaBytes: k.quotaBytes, kvDtype: k.kvDtype, disableHybridKvCacheManager: knobs.disableHybridKvCacheManager === true, mambaCacheMode: 'none' }));
  },
};
