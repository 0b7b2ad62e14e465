/**
 * vLLM's pools in the simulator's terms: ONE pool group (vLLM's one shared BlockPool of num_blocks
 * blocks; a block spans one page of every tensor, i.e. one layer slot of every group) and one life
 * cycle per KV-cache group (each group has its own block table into that pool).
 *
 *   KV-cache group            life cycle
 *   FullAttention / MLA       attn, no window
 *   SlidingWindow W           attn, window W (blocks wholly before h + 1 - W are freed)
 *   ChunkedLocal C            attn, window C (the simulator has no chunk-aligned rule: it keeps
 *                             at least what vLLM keeps, never less)
 *   Mamba                     ssm (one block per request)
 *
 * A block size per group is vLLM's; the simulator runs one block size, the smallest group's.
 */
import type { LifeCycle } from '../lifecycle.ts';
import type { Plan } from '../types.ts';
import type { VllmKvCacheConfig } from './config.ts';
import { pageSizeBytes, type VllmSpec } from './specs.ts';

export type VllmLayout = Pick<Plan, 'tokensPerBlock' | 'lifeCycles' | 'lifeCyclePoolGroup' | 'poolGroups' | 'slotCounts' | 'error'>;

function lifeCycleOf(id: number, s: VllmSpec): LifeCycle {
  if (s.cls === 'MambaSpec') return { id, kind: 'ssm' };
  if (s.cls === 'SlidingWindowSpec') return { id, kind: 'attn', windowTokens: s.slidingWindow, sinkBlocks: 0 };
  if (s.cls === 'ChunkedLocalAttentionSpec') return { id, kind: 'attn', windowTokens: s.attentionChunkSize, sinkBlocks: 0 };
  if (s.cls === 'UniformTypeKVCacheSpecs') return lifeCycleOf(id, [...s.specs.values()][0]);
  // Full attention: with the hybrid manager off a recorded window saves compute only, not blocks.
  return { id, kind: 'attn', windowTokens: null, sinkBlocks: 0 };
}

export function vllmLayout(c: VllmKvCacheConfig): VllmLayout {
  const lifeCycles = c.groups.map((g, i) => lifeCycleOf(i, g.spec));
  const slotBytes = c.tensors.reduce((a, t) => a + t.size, 0) / Math.max(1, c.numBlocks);
  return {
    tokensPerBlock: Math.min(...c.groups.map((g) => g.spec.blockSize)),
    lifeCycles,
    lifeCyclePoolGroup: lifeCycles.map(() => 0),
    poolGroups: [
      {
        index: 0,
        name: 'shared',
        lifeCycleIds: lifeCycles.map((l) => l.id),
        slotSizeList: c.tensors.map((t) => t.size / Math.max(1, c.numBlocks)),
        slotBytes,
        roles: [...new Set(c.groups.map((g) => g.spec.cls))],
        layerIds: lifeCycles.map((l) => l.id),
      },
    ],
    slotCounts: [c.numBlocks],
    error: null,
  };
}

/** Bytes of one block of the shared pool: a page of every tensor. */
export const blockBytes = (c: VllmKvCacheConfig): number => (c.groups.length === 0 ? 0 : pageSizeBytes(c.groups[0].spec) * c.tensors.length);
