/**
 * Storage layout of KVCacheManagerV2 (`_life_cycle_registry.py`, `_storage/_config.py`): manager
 * layers -> life cycles -> coalesced buffers -> pools -> pool groups. Pure bookkeeping, no sizing.
 *
 *   layer 5 (w=128): swa_kv 131072, compressor_kv 524288, compressor_score 524288
 *   layer 7 (w=128): swa_kv 131072
 *        life cycle (w=128): { 131072: [5.swa_kv, 7.swa_kv], 524288: [5.kv, 5.score] }
 *        coalesced sizes, descending: [1048576, 262144]  -> one pool each
 *   life cycles with identical size lists share one pool group (and its slots).
 */
import { InputError } from '../model/errors.ts';
import type { LifeCycle } from './lifecycle.ts';
import { divUp } from './pymath.ts';
import type { LayerJson } from './scenario.ts';

export interface CoalescedBuffer {
  /** Bytes per block of each member buffer. */
  readonly singleBufferSize: number;
  /** Member buffers, as [layer_id, role], in registration order. */
  readonly buffers: readonly (readonly [number, string])[];
  readonly size: number;
}

export interface StorageLayout {
  readonly lifeCycles: LifeCycle[];
  /** life cycle id of each manager layer, in `layers` order. */
  readonly layerLifeCycle: number[];
  /** Per life cycle: coalesced buffers sorted by size descending (Python's stable sort). */
  readonly coalesced: CoalescedBuffer[][];
  readonly lifeCyclePoolGroup: number[];
  /** Per pool group: its life cycle ids and the shared slot size list. */
  readonly poolGroups: { lifeCycleIds: number[]; slotSizeList: number[] }[];
  /**
   * Per life cycle: max over its layers and pools of (layer's buffers in a coalesced slot /
   * buffers in that slot), as an exact fraction [num, den] (Python's Fraction). With SWA scratch
   * reuse, out-of-window prompt blocks share coalesced slots layer by layer, so a scratch block
   * costs this fraction of a slot.
   */
  readonly slotUtilFracMax: [number, number][];
}

function lifeCycleKey(layer: LayerJson, tokensPerBlock: number): string {
  if (layer.kind === 'ssm') return 'ssm';
  return `attn:${layer.window ?? 'none'}:${divUp(layer.sink_tokens ?? 0, tokensPerBlock)}`;
}

export function buildStorageLayout(layers: readonly LayerJson[], tokensPerBlock: number): StorageLayout {
  const lifeCycles: LifeCycle[] = [];
  const idByKey = new Map<string, number>();
  const layerLifeCycle: number[] = [];
  // life cycle -> single buffer size -> member buffers; Map keeps insertion order like defaultdict.
  const groups: Map<number, [number, string][]>[] = [];
  const seenLayerIds = new Set<number>();
  layers.forEach((layer, i) => {
    if (seenLayerIds.has(layer.layer_id)) throw new InputError(`layers[${i}].layer_id`, layer.layer_id, 'a layer_id not used by an earlier layer');
    seenLayerIds.add(layer.layer_id);
    // The engine asserts sinks only on windowed layers (AttnLifeCycle.make).
    if (layer.kind === 'attn' && layer.window === null && (layer.sink_tokens ?? 0) > 0) {
      throw new InputError(`layers[${i}].sink_tokens`, layer.sink_tokens, 'null or 0 when window is null (sinks only make sense with a sliding window)');
    }
    const key = lifeCycleKey(layer, tokensPerBlock);
    let id = idByKey.get(key);
    if (id === undefined) {
      id = lifeCycles.length;
      idByKey.set(key, id);
      lifeCycles.push(
        layer.kind === 'ssm'
          ? { id, kind: 'ssm' }
          : { id, kind: 'attn', windowTokens: layer.window, sinkBlocks: divUp(layer.sink_tokens ?? 0, tokensPerBlock) },
      );
      groups.push(new Map());
    }
    layerLifeCycle.push(id);
    for (const b of layer.buffers) {
      const bySize = groups[id];
      const list = bySize.get(b.bytes_per_block) ?? [];
      list.push([layer.layer_id, b.role]);
      bySize.set(b.bytes_per_block, list);
    }
  });

  const coalesced = groups.map((bySize) =>
    [...bySize.entries()]
      .map(([single, buffers]) => ({ singleBufferSize: single, buffers, size: single * buffers.length }))
      .sort((a, b) => b.size - a.size),
  );

  // Merge life cycles whose slot size lists are identical, in order of first appearance.
  const pgByList = new Map<string, number>();
  const poolGroups: StorageLayout['poolGroups'] = [];
  const lifeCyclePoolGroup = coalesced.map((cbs, lc) => {
    const list = cbs.map((c) => c.size);
    const key = list.join(',');
    let pg = pgByList.get(key);
    if (pg === undefined) {
      pg = poolGroups.length;
      pgByList.set(key, pg);
      poolGroups.push({ lifeCycleIds: [], slotSizeList: list });
    }
    poolGroups[pg].lifeCycleIds.push(lc);
    return pg;
  });

  const slotUtilFracMax = coalesced.map((cbs) => {
    let best: [number, number] = [0, 1];
    for (const cb of cbs) {
      const perLayer = new Map<number, number>();
      for (const [layerId] of cb.buffers) perLayer.set(layerId, (perLayer.get(layerId) ?? 0) + 1);
      for (const count of perLayer.values()) {
        if (count * best[1] > best[0] * cb.buffers.length) best = [count, cb.buffers.length];
      }
    }
    return best;
  });

  return { lifeCycles, layerLifeCycle, coalesced, lifeCyclePoolGroup, poolGroups, slotUtilFracMax };
}

/**
 * The layout depends only on the layers and tpb. Scenarios are values that are never mutated, so
 * planning the same layers again (another quota, ratio or mode; diagnostics; UI keystrokes) reuses it.
 */
const layoutCache = new WeakMap<readonly LayerJson[], { tpb: number; layout: StorageLayout }>();

export function cachedStorageLayout(layers: readonly LayerJson[], tokensPerBlock: number): StorageLayout {
  const hit = layoutCache.get(layers);
  if (hit && hit.tpb === tokensPerBlock) return hit.layout;
  const layout = buildStorageLayout(layers, tokensPerBlock);
  layoutCache.set(layers, { tpb: tokensPerBlock, layout });
  return layout;
}
