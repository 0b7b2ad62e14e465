/**
 * vLLM v1 `get_kv_cache_configs` for one worker, ported from `vllm/v1/core/kv_cache_utils.py` at
 * vllm-project/vllm@001cabc (001cabc1be16a59a70d720ed61a13b678c060a18): groups, the startup check,
 * the block pool and its tensors, and what vLLM logs about them.
 *
 * General layout (G groups of at most S layers, page P bytes):
 *
 *   tensor 0: layer 0 of every group  \
 *   tensor 1: layer 1 of every group   >  S tensors of P x num_blocks bytes; the G groups have their
 *   ...                               /   own block tables into ONE pool of num_blocks blocks
 *   num_blocks = available // P // S
 *
 * One request needs at most S x P x sum_g cdiv(max_memory_usage_bytes_g, P) bytes (padding layers
 * included, since a block spans S layer slots). Startup refuses to start when that exceeds the
 * memory, with a binary-searched estimate of the max_model_len that would fit.
 */
import { divUp, floorDiv } from '../pymath.ts';
import { getKvCacheGroups, type KvCacheGroup, type LayerSpecs, VllmEngineError } from './groups.ts';
import { formatGib, pyFixed2, withThousands } from './pyfmt.ts';
import { maxMemoryUsageBytes, pageSizeBytes, type VllmSizingConfig } from './specs.ts';

export interface VllmConfigInput extends VllmSizingConfig {
  readonly availableMemoryBytes: number;
  readonly disableHybridKvCacheManager: boolean;
  readonly layers: LayerSpecs;
}

export interface KvCacheTensor {
  readonly size: number;
  readonly sharedBy: readonly string[];
}

export interface VllmKvCacheConfig {
  readonly numBlocks: number;
  readonly groups: readonly KvCacheGroup[];
  readonly tensors: readonly KvCacheTensor[];
  /** Per group: max_memory_usage_bytes of its spec and cdiv(that, page): the startup bound in blocks. */
  readonly groupMaxMemoryBytes: readonly number[];
  readonly blocksPerRequestBound: readonly number[];
  readonly maxMemoryUsageBytesFromGroups: number;
  /** null when there is no KV cache (attention-free model): vLLM reports nothing then. */
  readonly maxConcurrency: number | null;
  readonly loggedGpuKvCacheSizeTokens: number | null;
}

export type VllmResult =
  | { readonly ok: true; readonly config: VllmKvCacheConfig; readonly log: readonly string[] }
  | { readonly ok: false; readonly error: { readonly type: string; readonly message: string }; readonly log: readonly string[] };

const uniformTypeGroup = (groups: readonly KvCacheGroup[]) => (groups.length === 1 && groups[0].spec.cls === 'UniformTypeKVCacheSpecs' ? groups[0].spec : null);

function uniformPageSize(groups: readonly KvCacheGroup[]): number {
  const pages = new Set(groups.map((g) => pageSizeBytes(g.spec)));
  if (pages.size !== 1) throw new VllmEngineError('AssertionError', '');
  return [...pages][0];
}

/** _max_memory_usage_bytes_from_groups. */
export function maxMemoryUsageFromGroups(groups: readonly KvCacheGroup[], c: VllmSizingConfig): number {
  if (groups.length === 0) return 0;
  const uniform = uniformTypeGroup(groups);
  if (uniform) {
    let sum = 0;
    for (const s of uniform.specs.values()) sum += maxMemoryUsageBytes(s, c);
    return sum;
  }
  const groupSize = Math.max(...groups.map((g) => g.layerNames.length));
  const page = uniformPageSize(groups);
  const blocks = groups.reduce((a, g) => a + divUp(maxMemoryUsageBytes(g.spec, c), page), 0);
  return groupSize * page * blocks;
}

/** _estimate_max_model_len_from_groups: vLLM's binary search over [1, max_model_len]; 0 if 1 token does not fit. */
export function estimateMaxModelLen(groups: readonly KvCacheGroup[], c: VllmSizingConfig, available: number): number {
  const fits = (len: number) => maxMemoryUsageFromGroups(groups, { ...c, maxModelLen: len }) <= available;
  let left = 1;
  let right = c.maxModelLen;
  if (!fits(left)) return 0;
  let result = 1;
  while (left <= right) {
    const mid = floorDiv(left + right, 2);
    if (fits(mid)) {
      result = mid;
      left = mid + 1;
    } else right = mid - 1;
  }
  return result;
}

const CONSERVING = 'See https://docs.vllm.ai/en/latest/configuration/conserving_memory/ for more details.';

/** _check_enough_kv_cache_memory: throws vLLM's ValueError. */
function checkEnoughMemory(groups: readonly KvCacheGroup[], c: VllmSizingConfig, available: number): void {
  if (available <= 0) throw new VllmEngineError('ValueError', `No available memory for the cache blocks. Try increasing \`gpu_memory_utilization\` when initializing the engine. ${CONSERVING}`);
  const needed = maxMemoryUsageFromGroups(groups, c);
  if (needed <= available) return;
  const est = estimateMaxModelLen(groups, c, available);
  const estMsg = est > 0 ? `Based on the available memory, the estimated maximum model length is ${est}. ` : '';
  throw new VllmEngineError(
    'ValueError',
    `To serve at least one request with the models's max seq len (${c.maxModelLen}), (${formatGib(needed)} GiB KV cache is needed, which is larger than the available KV cache memory (${formatGib(available)} GiB). ${estMsg}Try increasing \`gpu_memory_utilization\` or decreasing \`max_model_len\` when initializing the engine. ${CONSERVING}`,
  );
}

/** get_kv_cache_config_from_groups: the pool size and its tensors. */
function configFromGroups(groups: readonly KvCacheGroup[], available: number): { numBlocks: number; tensors: KvCacheTensor[] } {
  if (groups.length === 0) return { numBlocks: 1, tensors: [] }; // BlockPool always needs its null block
  const uniform = uniformTypeGroup(groups);
  if (uniform) {
    const numBlocks = floorDiv(available, pageSizeBytes(uniform));
    return { numBlocks, tensors: groups[0].layerNames.map((n) => ({ size: pageSizeBytes(uniform.specs.get(n)!) * numBlocks, sharedBy: [n] })) };
  }
  const groupSize = Math.max(...groups.map((g) => g.layerNames.length));
  const page = uniformPageSize(groups);
  const numBlocks = Math.max(floorDiv(floorDiv(available, page), groupSize), 0);
  const tensors = Array.from({ length: groupSize }, (_, i) => ({ size: page * numBlocks, sharedBy: groups.flatMap((g) => (i < g.layerNames.length ? [g.layerNames[i]] : [])) }));
  return { numBlocks, tensors };
}

/** get_max_concurrency_for_kv_cache_config: requests of max_model_len the pool holds at once. */
export function maxConcurrency(groups: readonly KvCacheGroup[], numBlocks: number, c: VllmSizingConfig): number {
  const perGroup = Math.max(...groups.map((g) => g.layerNames.length));
  const perRequest = perGroup * groups.reduce((a, g) => a + maxMemoryUsageBytes(g.spec, c), 0);
  const perBlock = pageSizeBytes(groups[0].spec) * perGroup;
  return numBlocks / divUp(perRequest, perBlock);
}

/** get_kv_cache_configs for one worker: an engine error is a value, with the log up to it. */
export function getKvCacheConfig(input: VllmConfigInput): VllmResult {
  const log: string[] = [];
  try {
    const groups = getKvCacheGroups(input.layers, input.disableHybridKvCacheManager, log);
    if (groups.length > 0) checkEnoughMemory(groups, input, input.availableMemoryBytes);
    const { numBlocks, tensors } = configFromGroups(groups, input.availableMemoryBytes);
    const groupMaxMemoryBytes = groups.map((g) => maxMemoryUsageBytes(g.spec, input));
    let concurrency: number | null = null;
    let tokens: number | null = null;
    if (groups.length > 0) {
      // _report_kv_cache_config: this version's token figure is num_blocks // groups x min block size.
      tokens = floorDiv(numBlocks, groups.length) * Math.min(...groups.map((g) => g.spec.blockSize));
      concurrency = maxConcurrency(groups, numBlocks, input);
      log.push(`GPU KV cache size: ${withThousands(tokens)} tokens`);
      log.push(`Maximum concurrency for ${withThousands(input.maxModelLen)} tokens per request: ${pyFixed2(concurrency)}x`);
    }
    const config: VllmKvCacheConfig = {
      numBlocks,
      groups,
      tensors,
      groupMaxMemoryBytes,
      blocksPerRequestBound: groups.map((g, i) => divUp(groupMaxMemoryBytes[i], pageSizeBytes(g.spec))),
      maxMemoryUsageBytesFromGroups: maxMemoryUsageFromGroups(groups, input),
      maxConcurrency: concurrency,
      loggedGpuKvCacheSizeTokens: tokens,
    };
    return { ok: true, config, log };
  } catch (e) {
    if (e instanceof VllmEngineError) return { ok: false, error: { type: e.type, message: e.message }, log };
    throw e;
  }
}
