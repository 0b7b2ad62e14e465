/**
 * How vLLM v1 cuts a model's layers into KV-cache groups: `get_kv_cache_groups` and what it calls
 * in `vllm/v1/core/kv_cache_utils.py`, with the spec merge rules of `kv_cache_interface.py`, both at
 * vllm-project/vllm@001cabc (001cabc1be16a59a70d720ed61a13b678c060a18).
 *
 *   hybrid manager off   sliding / chunked layers become full-attention specs that record their
 *                        window (memory is then sized as full attention: no window saving)
 *   one spec             one group of every layer
 *   one type             one UniformTypeKVCacheSpecs group (e.g. full layers of two head sizes)
 *   otherwise            unify page sizes (grow the block size of smaller pages), bucket layers by
 *                        spec, cut every bucket into groups of `group_size` layers:
 *
 *     group_size = min bucket, or max bucket when max < 1.5 x min (few padding layers)
 *     bucket of n layers -> cdiv(n, group_size) groups, layer i of the bucket to group i % groups
 *     e.g. Gemma-3-27B: 52 sliding + 10 full -> size 10: six sliding groups (9,9,9,9,8,8) + one full
 *
 * The layers[i::num_groups] stride keeps pipeline stages balanced (vLLM's comment: a contiguous cut
 * would leave some stage with an empty, fully padded group).
 */
import { divUp } from '../pymath.ts';
import { pyFixed2 } from './pyfmt.ts';
import { type AttnSpec, isFullFamily, pageSizeBytes, specKey, type VllmSpec, withBlockSize } from './specs.ts';

/** An error vLLM raises, with its Python type and exact message. */
export class VllmEngineError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
    this.name = 'VllmEngineError';
  }
}

export interface KvCacheGroup {
  readonly layerNames: readonly string[];
  readonly spec: VllmSpec;
}

export type LayerSpecs = ReadonlyMap<string, VllmSpec>;

const assertion = (message = '') => new VllmEngineError('AssertionError', message);

function mergeWindow(values: Set<number>): number | null {
  if (values.size === 0) return null;
  if (values.size === 1) return [...values][0];
  throw new VllmEngineError('ValueError', 'All attention layers in the same KV cache group must have the same window size.');
}

const ATTN_FIELDS = ['blockSize', 'numKvHeads', 'headSize', 'dtype', 'kvQuantMode', 'pageSizePadded'] as const;

/** KVCacheSpec.merge of the first spec's class; throws AssertionError / ValueError as vLLM does. */
export function mergeSpecs(specs: readonly VllmSpec[]): VllmSpec {
  const first = specs[0];
  if (first.cls === 'FullAttentionSpec') {
    if (!specs.every(isFullFamily)) throw assertion('All attention layers in the same KV cache group must be FullAttentionSpec.');
    if (specs.some((s) => s.cls === 'MLAAttentionSpec')) throw assertion('MLAAttentionSpec should be merged in MLAAttentionSpec.merge');
    const fulls = specs as readonly Extract<VllmSpec, { cls: 'FullAttentionSpec' }>[];
    const window = mergeWindow(new Set(fulls.flatMap((s) => (s.slidingWindow === null ? [] : [s.slidingWindow]))));
    const chunk = mergeWindow(new Set(fulls.flatMap((s) => (s.attentionChunkSize === null ? [] : [s.attentionChunkSize]))));
    const merged = { ...first, slidingWindow: window, attentionChunkSize: chunk };
    for (const s of fulls) {
      if (ATTN_FIELDS.some((f) => s[f] !== merged[f])) throw assertion('All attention layers in the same KV cache group must have the same attention spec.');
    }
    if (window !== null && chunk !== null) throw assertion('Model with both sliding window layers and chunked local attention layers is not supported.');
    return merged;
  }
  if (first.cls === 'MLAAttentionSpec') {
    // vLLM's MLA merge checks the class and the cache dtype only, and keeps the first layer's fields.
    if (!specs.every((s) => s.cls === 'MLAAttentionSpec')) throw assertion('All attention layers in the same KV cache group must be MLAAttentionSpec.');
    const dtypes = new Set(specs.map((s) => (s as typeof first).cacheDtypeStr));
    if (dtypes.size !== 1) throw assertion('All attention layers in the same KV cache group must use the same quantization method.');
    return first;
  }
  const key = specKey(first);
  if (!specs.every((s) => specKey(s) === key)) throw assertion('All layers in the same KV cache group must be the same.');
  return first;
}

/** is_kv_cache_spec_uniform: the merge succeeds (only an AssertionError means "no"). */
export function isSpecUniform(specs: LayerSpecs): boolean {
  if (specs.size === 0) return true;
  try {
    mergeSpecs([...specs.values()]);
    return true;
  } catch (e) {
    if (e instanceof VllmEngineError && e.type === 'AssertionError') return false;
    throw e;
  }
}

/** UniformTypeKVCacheSpecs.is_uniform_type: one block size and layers needing the same token slots. */
export function isUniformType(specs: LayerSpecs): boolean {
  const all = [...specs.values()];
  if (new Set(all.map((s) => s.blockSize)).size > 1) return false;
  const one = all[0];
  if (isFullFamily(one)) return all.every(isFullFamily);
  if (one.cls === 'SlidingWindowSpec') return all.every((s) => s.cls === 'SlidingWindowSpec' && s.slidingWindow === one.slidingWindow);
  if (one.cls === 'ChunkedLocalAttentionSpec') return all.every((s) => s.cls === 'ChunkedLocalAttentionSpec' && s.attentionChunkSize === one.attentionChunkSize);
  if (one.cls === 'MambaSpec') return all.every((s) => s.cls === 'MambaSpec' && s.numSpeculativeBlocks === one.numSpeculativeBlocks);
  throw new VllmEngineError('NotImplementedError', `Unsupported KV cache spec type: ${one.cls}`);
}

const HYBRID_OFF_WARNING =
  'Hybrid KV cache manager is disabled for this hybrid model, This means we do not enable any optimizations for saving KV cache memory (e.g., dropping the KV cache outside the sliding window). The compute of layers like sliding window is still saved.';

/** A windowed layer as the full-attention spec the hybrid-off path turns it into (quant mode reset, as vLLM does). */
function asFull(s: AttnSpec, window: number | null, chunk: number | null): VllmSpec {
  const { blockSize, numKvHeads, headSize, dtype, dtypeBytes, pageSizePadded } = s;
  return { cls: 'FullAttentionSpec', blockSize, numKvHeads, headSize, headSizeV: headSize, dtype, dtypeBytes, kvQuantMode: 0, pageSizePadded, slidingWindow: window, attentionChunkSize: chunk };
}

/** unify_hybrid_kv_cache_specs (hybrid manager disabled): returns the specs to group. */
export function unifyHybrid(specs: LayerSpecs, log: string[]): LayerSpecs {
  if (isSpecUniform(specs) || isUniformType(specs)) return specs;
  log.push(HYBRID_OFF_WARNING);
  const all = [...specs.values()];
  const hasFull = all.some(isFullFamily);
  const windowed = all.some((s) => s.cls === 'SlidingWindowSpec' || s.cls === 'ChunkedLocalAttentionSpec');
  let out = specs;
  if (hasFull && windowed) {
    out = new Map(
      [...specs].map(([name, s]) => {
        if (s.cls === 'SlidingWindowSpec') return [name, asFull(s, s.slidingWindow, null)];
        if (s.cls === 'ChunkedLocalAttentionSpec') return [name, asFull(s, null, s.attentionChunkSize)];
        return [name, s];
      }),
    );
  }
  if (!(isSpecUniform(out) || isUniformType(out))) throw new VllmEngineError('ValueError', 'Hybrid KV cache manager is disabled but failed to convert the KV cache specs to one unified type.');
  return out;
}

/** unify_kv_cache_spec_page_size: smaller pages get a proportionally larger block size. */
export function unifyPageSize(specs: LayerSpecs): LayerSpecs {
  const pages = new Set([...specs.values()].map(pageSizeBytes));
  if (pages.size <= 1) return specs;
  const maxPage = Math.max(...pages);
  return new Map(
    [...specs].map(([name, s]) => {
      const page = pageSizeBytes(s);
      if (page === maxPage) return [name, s];
      if (maxPage % page !== 0) throw new VllmEngineError('NotImplementedError', 'The page size of the layer is not divisible by the maximum page size. Cannot unify by adjusting block_size.');
      const grown = withBlockSize(s, s.blockSize * (maxPage / page));
      // A Mamba page does not grow with its block size: vLLM's assert fires (empty message).
      if (pageSizeBytes(grown) !== maxPage) throw assertion();
      return [name, grown];
    }),
  );
}

function groupsOf(specs: LayerSpecs, names: readonly (readonly string[])[]): KvCacheGroup[] {
  return names.map((layerNames) => ({ layerNames, spec: mergeSpecs(layerNames.map((n) => specs.get(n)!)) }));
}

/** _get_kv_cache_groups_uniform_page_size: equal-size groups, padding logged. */
export function groupUniformPageSize(specs: LayerSpecs, log: string[]): KvCacheGroup[] {
  const buckets = new Map<string, string[]>();
  for (const [name, s] of specs) {
    const k = specKey(s);
    const b = buckets.get(k);
    if (b) b.push(name);
    else buckets.set(k, [name]);
  }
  const sizes = [...buckets.values()].map((b) => b.length);
  const min = Math.min(...sizes);
  const max = Math.max(...sizes);
  const groupSize = max < min * 1.5 ? max : min;
  const grouped: string[][] = [];
  for (const layers of buckets.values()) {
    const padding = groupSize - (layers.length % groupSize);
    if (padding !== groupSize) log.push(`Add ${padding} padding layers, may waste at most ${pyFixed2((padding / layers.length) * 100)}% KV cache memory`);
    const numGroups = divUp(layers.length, groupSize);
    for (let i = 0; i < numGroups; i++) grouped.push(layers.filter((_, j) => j % numGroups === i));
  }
  return groupsOf(specs, grouped);
}

/** get_kv_cache_groups. */
export function getKvCacheGroups(input: LayerSpecs, disableHybrid: boolean, log: string[]): KvCacheGroup[] {
  const specs = disableHybrid ? unifyHybrid(input, log) : input;
  if (specs.size === 0) return [];
  if (isSpecUniform(specs)) return groupsOf(specs, [[...specs.keys()]]);
  if (isUniformType(specs)) return [{ layerNames: [...specs.keys()], spec: { cls: 'UniformTypeKVCacheSpecs', blockSize: [...specs.values()][0].blockSize, specs } }];
  return groupUniformPageSize(unifyPageSize(specs), log);
}
