/**
 * Hand-checked small cases for vLLM v1's per-spec worst-case pages, grouping and startup check
 * (rules of vllm/v1/kv_cache_interface.py and vllm/v1/core/kv_cache_utils.py at 001cabc).
 */
import { describe, expect, it } from 'vitest';
import { getKvCacheConfig } from '../../../src/planner/vllm/config.ts';
import { getKvCacheGroups } from '../../../src/planner/vllm/groups.ts';
import { formatGib, pyFixed2 } from '../../../src/planner/vllm/pyfmt.ts';
import { maxMemoryUsageBytes, maxPagesPerRequest, pageSizeBytes } from '../../../src/planner/vllm/specs.ts';
import { chunkSpec, fullSpec, layerMap, mambaSpec, mlaSpec, swaSpec } from './helpers.ts';

const cfg = (maxModelLen: number, maxNumBatchedTokens: number, mambaCacheMode: 'none' | 'align' | 'all' = 'none') => ({ maxModelLen, maxNumBatchedTokens, mambaCacheMode });

describe('worst-case pages per request, by spec', () => {
  it('full attention: cdiv(L, B)', () => {
    expect(maxPagesPerRequest(fullSpec(16) as never, cfg(33, 8))).toBe(3); // 16 + 16 + 1
    expect(maxPagesPerRequest(fullSpec(16) as never, cfg(32, 8))).toBe(2);
  });
  it('sliding window: cdiv(min(W - 1 + T, L), B) + 1, the straddle block', () => {
    // W = 4, B = 4, one token per step: the window [CDEF] straddles |XXCD|EF..| -> 2 pages.
    expect(maxPagesPerRequest(swaSpec(4, 4) as never, cfg(100, 1))).toBe(2);
    // W = 4, T = 8: 3 + 8 = 11 tokens in flight -> cdiv(11, 4) + 1 = 4.
    expect(maxPagesPerRequest(swaSpec(4, 4) as never, cfg(100, 8))).toBe(4);
    // capped by max_model_len: min(3 + 8, 6) = 6 -> 2 + 1.
    expect(maxPagesPerRequest(swaSpec(4, 4) as never, cfg(6, 8))).toBe(3);
  });
  it('chunked local: cdiv(min(C + T, L), B), no straddle block', () => {
    expect(maxPagesPerRequest(chunkSpec(4, 8) as never, cfg(100, 4))).toBe(3);
    expect(maxPagesPerRequest(chunkSpec(4, 8) as never, cfg(10, 4))).toBe(3);
    expect(maxPagesPerRequest(chunkSpec(4, 8) as never, cfg(100, 1))).toBe(3); // cdiv(9, 4)
  });
  it('MLA: one K-only latent row per token; fp8_ds_mla packs 656 bytes', () => {
    expect(pageSizeBytes(mlaSpec(64, 576))).toBe(64 * 576 * 2);
    expect(pageSizeBytes(mlaSpec(64, 576, 'fp8_ds_mla'))).toBe(64 * 656);
    expect(maxPagesPerRequest(mlaSpec(64, 576) as never, cfg(163840, 8192))).toBe(2560);
  });
  it('Mamba: none 1 (+spec), align 2 (+spec), all cdiv(L, B)', () => {
    const m = mambaSpec(16, [[3, 4], [2, 8]], 1);
    expect(pageSizeBytes(m)).toBe((12 + 16) * 2);
    expect(maxPagesPerRequest(m as never, cfg(100, 8, 'none'))).toBe(2);
    expect(maxPagesPerRequest(m as never, cfg(100, 8, 'align'))).toBe(3);
    expect(maxPagesPerRequest(m as never, cfg(100, 8, 'all'))).toBe(7);
    expect(pageSizeBytes(mambaSpec(16, [[3, 4]], 0, 4096))).toBe(4096);
  });
  it('page bytes: 2 x B x heads x head x dtype; a full spec with its own V width', () => {
    expect(pageSizeBytes(swaSpec(16, 1024, 16, 128))).toBe(131072);
    expect(maxMemoryUsageBytes(swaSpec(16, 1024, 16, 128), cfg(131072, 8192))).toBe(577 * 131072);
  });
});

describe('grouping', () => {
  it('min bucket is the group size; layers[i::n] into each bucket', () => {
    // 5 sliding + 2 full, min 2: sliding -> 3 groups (l0,l3,l6? no: bucket order) with 1 padding layer.
    const specs = [swaSpec(4, 8), swaSpec(4, 8), fullSpec(4), swaSpec(4, 8), swaSpec(4, 8), fullSpec(4), swaSpec(4, 8)];
    const log: string[] = [];
    const groups = getKvCacheGroups(layerMap(specs), false, log);
    expect(groups.map((g) => g.layerNames)).toEqual([['l0', 'l4'], ['l1', 'l6'], ['l3'], ['l2', 'l5']]);
    expect(log).toEqual(['Add 1 padding layers, may waste at most 20.00% KV cache memory']);
  });
  it('the 1.5x rule: 12 sliding + 13 full -> groups of 13 (gpt-oss-20b + EAGLE)', () => {
    const specs = [...Array.from({ length: 12 }, () => swaSpec(16, 128)), ...Array.from({ length: 13 }, () => fullSpec(16))];
    const log: string[] = [];
    const groups = getKvCacheGroups(layerMap(specs), false, log);
    expect(groups.map((g) => g.layerNames.length)).toEqual([12, 13]);
    expect(log).toEqual(['Add 1 padding layers, may waste at most 8.33% KV cache memory']);
  });
  it('page unification grows the block size of smaller pages; a non-divisor is refused', () => {
    const groups = getKvCacheGroups(layerMap([fullSpec(16, 2), swaSpec(16, 64, 1)]), false, []);
    expect(groups.map((g) => [g.spec.cls, g.spec.blockSize, pageSizeBytes(g.spec)])).toEqual([
      ['FullAttentionSpec', 16, 1024],
      ['SlidingWindowSpec', 32, 1024],
    ]);
    const r = getKvCacheConfig({ ...cfg(64, 8), availableMemoryBytes: 1 << 20, disableHybridKvCacheManager: false, layers: layerMap([fullSpec(16, 3), swaSpec(16, 64, 2)]) });
    expect(r.ok ? null : r.error).toEqual({ type: 'NotImplementedError', message: 'The page size of the layer is not divisible by the maximum page size. Cannot unify by adjusting block_size.' });
  });
  it('hybrid manager off: one full-attention group that records the window and is sized as full', () => {
    const log: string[] = [];
    const groups = getKvCacheGroups(layerMap([swaSpec(16, 64), fullSpec(16), swaSpec(16, 64)]), true, log);
    expect(groups).toHaveLength(1);
    expect(groups[0].spec).toMatchObject({ cls: 'FullAttentionSpec', slidingWindow: 64 });
    expect(maxMemoryUsageBytes(groups[0].spec, cfg(1000, 8))).toBe(63 * pageSizeBytes(groups[0].spec));
    expect(log[0]).toMatch(/^Hybrid KV cache manager is disabled for this hybrid model/);
    const two = getKvCacheConfig({ ...cfg(64, 8), availableMemoryBytes: 1 << 20, disableHybridKvCacheManager: true, layers: layerMap([swaSpec(16, 64), fullSpec(16), swaSpec(16, 32)]) });
    expect(two.ok ? null : two.error).toEqual({ type: 'ValueError', message: 'All attention layers in the same KV cache group must have the same window size.' });
  });
  it('one type, two head sizes: a UniformTypeKVCacheSpecs group, one tensor per layer', () => {
    const r = getKvCacheConfig({ ...cfg(64, 8), availableMemoryBytes: 3 * 512 * 10, disableHybridKvCacheManager: false, layers: layerMap([fullSpec(16, 1), fullSpec(16, 2)]) });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.config.groups[0].spec.cls).toBe('UniformTypeKVCacheSpecs');
    expect(r.config.numBlocks).toBe(10);
    expect(r.config.tensors.map((t) => t.size)).toEqual([5120, 10240]);
  });
});

describe('startup check and logged figures', () => {
  it('not enough memory: vLLM ValueError with the binary-searched estimate', () => {
    // one full layer, page 2*16*1*8*2 = 512 B; L = 160 needs 10 pages = 5120 B; 4096 B hold 8 pages = 128 tokens.
    const r = getKvCacheConfig({ ...cfg(160, 8), availableMemoryBytes: 4096, disableHybridKvCacheManager: false, layers: layerMap([fullSpec(16)]) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toContain("To serve at least one request with the models's max seq len (160), (0.0 GiB KV cache is needed");
    expect(r.error.message).toContain('the estimated maximum model length is 128. ');
  });
  it('no memory at all', () => {
    const r = getKvCacheConfig({ ...cfg(160, 8), availableMemoryBytes: 0, disableHybridKvCacheManager: false, layers: layerMap([fullSpec(16)]) });
    expect(r.ok ? '' : r.error.message).toMatch(/^No available memory for the cache blocks\./);
  });
  it('attention-free: one null block, nothing logged', () => {
    const r = getKvCacheConfig({ ...cfg(160, 8), availableMemoryBytes: 4096, disableHybridKvCacheManager: false, layers: new Map() });
    expect(r.ok && [r.config.numBlocks, r.config.maxConcurrency, r.log.length]).toEqual([1, null, 0]);
  });
  it('Python formatting: ties to even, GiB as a Python float', () => {
    expect([pyFixed2(0.125), pyFixed2(0.375), pyFixed2(2.108803844173674), pyFixed2(15.384615)]).toEqual(['0.12', '0.38', '2.11', '15.38']);
    expect([formatGib(6 * 1024 ** 3), formatGib(7259488256), formatGib(1.5 * 1024 ** 3)]).toEqual(['6.0', '6.76', '1.5']);
  });
});
