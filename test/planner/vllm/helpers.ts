/** Small vLLM layer specs for hand-checked tests. */
import type { VllmSpec } from '../../../src/planner/vllm/specs.ts';

const attn = (blockSize: number, heads = 1, head = 8, dtypeBytes = 2) => ({ blockSize, numKvHeads: heads, headSize: head, headSizeV: head, dtype: `${dtypeBytes}B`, dtypeBytes, kvQuantMode: 0, pageSizePadded: null });

export const fullSpec = (b: number, heads = 1, head = 8): VllmSpec => ({ cls: 'FullAttentionSpec', ...attn(b, heads, head), slidingWindow: null, attentionChunkSize: null });
export const swaSpec = (b: number, w: number, heads = 1, head = 8): VllmSpec => ({ cls: 'SlidingWindowSpec', ...attn(b, heads, head), slidingWindow: w });
export const chunkSpec = (b: number, c: number, heads = 1, head = 8): VllmSpec => ({ cls: 'ChunkedLocalAttentionSpec', ...attn(b, heads, head), attentionChunkSize: c });
export const mlaSpec = (b: number, head: number, cacheDtypeStr: string | null = null): VllmSpec => ({ cls: 'MLAAttentionSpec', ...attn(b, 1, head), cacheDtypeStr });
export const mambaSpec = (b: number, shapes: number[][], spec = 0, padded: number | null = null): VllmSpec => ({
  cls: 'MambaSpec',
  blockSize: b,
  shapes,
  dtypeBytes: shapes.map(() => 2),
  pageSizePadded: padded,
  mambaType: 'mamba2',
  numSpeculativeBlocks: spec,
});

export const layerMap = (specs: VllmSpec[]): Map<string, VllmSpec> => new Map(specs.map((s, i) => [`l${i}`, s]));
