/**
 * Pool groups as a plan shows them: display names, roles, layer ids, and the order the engine
 * indexes them in. The #15401-era Python manager numbers pool groups by first appearance; the C++
 * manager on main keys them by slot_size_list in a std::map (rule pool-group order,
 * storage/config.cpp createStorageConfig @ afe52a0), so they come sorted by that list.
 *
 *   first appearance: [SWA 26.6 MB, COMPRESS 0.9 MB, STATE 55 MB]   (DeepSeek-V4-Flash)
 *   std::map order:   [COMPRESS [688128, ...], SWA [20971520, ...], STATE [44040192, ...]]
 */
import type { EngineScenario } from './scenario.ts';
import { cachedStorageLayout, type StorageLayout } from './storage.ts';
import type { TrtRules } from './trtllm-rules.ts';
import type { PoolGroupPlan } from './types.ts';

/** std::vector<size_t> operator<: element by element, a proper prefix first. */
export function compareSizeLists(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

/** The same layout with pool groups in ascending slot_size_list order; life cycles keep their ids. */
function sortedBySizes(layout: StorageLayout): StorageLayout {
  const order = layout.poolGroups.map((_, i) => i).sort((a, b) => compareSizeLists(layout.poolGroups[a].slotSizeList, layout.poolGroups[b].slotSizeList));
  const newIndex = new Array<number>(order.length);
  order.forEach((old, i) => (newIndex[old] = i));
  return {
    ...layout,
    poolGroups: order.map((old) => layout.poolGroups[old]),
    lifeCyclePoolGroup: layout.lifeCyclePoolGroup.map((old) => newIndex[old]),
  };
}

/** Display name of a pool group, from what lives in it (DeepSeek-V4's SWA / COMPRESS / STATE). */
function poolGroupName(layout: StorageLayout, pg: number, roles: readonly string[]): string {
  const lcs = layout.poolGroups[pg].lifeCycleIds.map((id) => layout.lifeCycles[id]);
  if (lcs.every((lc) => lc.kind === 'ssm')) return 'SSM';
  if (roles.includes('swa_kv')) return 'SWA';
  if (roles.some((r) => r === 'compress_kv' || r === 'indexer_compress_k')) return 'COMPRESS';
  if (roles.length > 0 && roles.every((r) => r.startsWith('compressor_') || r.startsWith('indexer_compressor_'))) return 'STATE';
  const parts = lcs.map((lc) => (lc.kind === 'ssm' ? 'SSM' : lc.windowTokens === null ? 'FULL' : `SWA-${lc.windowTokens}`));
  return [...new Set(parts)].join('+');
}

function poolGroupPlans(s: EngineScenario, layout: StorageLayout): PoolGroupPlan[] {
  const roles = layout.poolGroups.map(() => new Set<string>());
  const layerIds: number[][] = layout.poolGroups.map(() => []);
  s.layers.forEach((layer, i) => {
    const pg = layout.lifeCyclePoolGroup[layout.layerLifeCycle[i]];
    layerIds[pg].push(layer.layer_id);
    for (const b of layer.buffers) roles[pg].add(b.role);
  });
  return layout.poolGroups.map((g, index) => {
    const roleList = [...roles[index]];
    return {
      index,
      name: poolGroupName(layout, index, roleList),
      lifeCycleIds: g.lifeCycleIds,
      slotSizeList: g.slotSizeList,
      slotBytes: g.slotSizeList.reduce((a, b) => a + b, 0),
      roles: roleList,
      layerIds: layerIds[index],
    };
  });
}

interface OrderedLayout {
  readonly layout: StorageLayout;
  readonly pools: PoolGroupPlan[];
  /** First-appearance index of each pool group in this order (identity without the rule). */
  readonly firstAppearance: number[];
}

const cache = new WeakMap<StorageLayout, { plain?: OrderedLayout; sorted?: OrderedLayout }>();

/** Layout and pool-group descriptions, shared by every plan of the same layers (see cachedStorageLayout). */
export function layoutFor(s: EngineScenario, rules: TrtRules): OrderedLayout {
  const base = cachedStorageLayout(s.layers, s.tokens_per_block);
  let hit = cache.get(base);
  if (!hit) cache.set(base, (hit = {}));
  const sorted = rules.has('pool-group-order');
  const cached = sorted ? hit.sorted : hit.plain;
  if (cached) return cached;
  const layout = sorted ? sortedBySizes(base) : base;
  const firstAppearance = layout.poolGroups.map((g) => base.poolGroups.indexOf(g));
  const made = { layout, pools: poolGroupPlans(s, layout), firstAppearance };
  if (sorted) hit.sorted = made;
  else hit.plain = made;
  return made;
}
