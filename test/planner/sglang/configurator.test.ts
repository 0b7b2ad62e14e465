/**
 * SGLang's hybrid-SWA split, hand-checked on small numbers (a port of the formulas in
 * pool_configurator.py at sgl-project/sglang@003fca8; SGLang has no golden cases).
 * F = S = 4 heads x (128 + 128) x 2 B = 2048 B/token; 2 full + 10 SWA layers.
 */
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../../src/cli/io.ts';
import { main } from '../../../src/cli/main.ts';
import { chunkCapApplies, pyFloorDivFloat, type SglangInput, sglangPoolSizes, swaChunkCap } from '../../../src/planner/sglang/configurator.ts';

const base: SglangInput = {
  availableBytes: 20480 * 1000,
  pageSize: 16,
  fullPerToken: 2048,
  swaPerToken: 2048,
  fullLayers: 2,
  swaLayers: 10,
  slidingWindow: 128,
  swaFullTokensRatio: 0.8,
  maxRunningRequests: null,
  disableRadixCache: false,
  chunkedPrefillSize: null,
  disableOverlapSchedule: false,
  swaEvictionInterval: 4,
};

describe('HybridSWAPoolConfigurator', () => {
  it('cell = F*n_full + r*S*n_swa; full = floor_page(avail // cell); swa = floor_page(int(full * r))', () => {
    // cell = 4096 + 0.8 * 20480 = 20480 B/token -> 1000 tokens -> full 992 (page 16); int(793.6) = 793 -> 784.
    const r = sglangPoolSizes(base);
    expect(r.ok && [r.pools.configurator, r.pools.cellBytes, r.pools.fullTokens, r.pools.swaTokens]).toEqual(['HybridSWAPoolConfigurator', 20480, 992, 784]);
  });
  it('the ratio moves tokens between the pools', () => {
    // r = 0.5: cell = 4096 + 10240 = 14336 -> 20480000 // 14336 = 1428 -> 1424; swa int(712) -> 704.
    const r = sglangPoolSizes({ ...base, swaFullTokensRatio: 0.5 });
    expect(r.ok && [r.pools.fullTokens, r.pools.swaTokens]).toEqual([1424, 704]);
  });
  it('window + page >= swa: SGLang refuses with its message', () => {
    const r = sglangPoolSizes({ ...base, slidingWindow: 768 }); // 768 + 16 = 784 >= 784
    expect(r.ok ? null : r.error).toEqual({
      type: 'ValueError',
      message:
        'SWA pool (784 tokens) cannot hold even one request: the prefill admission floor is sliding_window_size (768) + page_size (16). Increase --swa-full-tokens-ratio or the total KV budget.',
    });
    expect(sglangPoolSizes({ ...base, slidingWindow: 767 }).ok).toBe(true);
  });
  it('no full layers: the ratio is unused, swa = floor_page(avail // (S * n_swa))', () => {
    const r = sglangPoolSizes({ ...base, fullLayers: 0, swaFullTokensRatio: 0.1 });
    expect(r.ok && [r.pools.fullTokens, r.pools.swaTokens]).toEqual([0, 992]); // 20480000 // 20480 = 1000 -> 992
  });
  it('too little memory: "Not enough memory"', () => {
    const r = sglangPoolSizes({ ...base, availableBytes: 1000, slidingWindow: null });
    expect(r.ok ? null : r.error.message).toBe('Not enough memory. Please try to increase --mem-fraction-static.');
  });
  it('Python float floor division, including an inexact quotient', () => {
    expect(pyFloorDivFloat(20480000, 20480)).toBe(1000);
    expect(pyFloorDivFloat(1, 0.1)).toBe(9); // Python: 1 // 0.1 == 9.0
    expect(pyFloorDivFloat(7, 2.5)).toBe(2);
  });
});

describe('SWAChunkCapPoolConfigurator', () => {
  const capped = { ...base, availableBytes: 100 * 1024 ** 2, maxRunningRequests: 8, disableRadixCache: true, chunkedPrefillSize: 512 };
  it('applies only with max_running_requests, no radix cache, chunked prefill, a window and full layers', () => {
    expect(chunkCapApplies(capped)).toBe(true);
    expect(chunkCapApplies({ ...capped, maxRunningRequests: null })).toBe(false);
    expect(chunkCapApplies({ ...capped, disableRadixCache: false })).toBe(false);
    expect(chunkCapApplies({ ...capped, chunkedPrefillSize: null })).toBe(false);
    expect(chunkCapApplies({ ...capped, slidingWindow: null })).toBe(false);
    expect(chunkCapApplies({ ...capped, fullLayers: 0 })).toBe(false);
  });
  it('cap = (W + interval + page + page) x reqs + chunks_in_flight x chunk + page; the rest goes to FULL', () => {
    // (128 + 4 + 16 + 16) x 8 + 2 x 512 + 16 = 2352 tokens (a page multiple);
    // full = floor_page((104857600 - 2352 x 2048 x 10) // (2048 x 2)) = 13840.
    expect(swaChunkCap(capped)).toBe(2352);
    const r = sglangPoolSizes(capped);
    expect(r.ok && [r.pools.configurator, r.pools.swaTokens, r.pools.fullTokens]).toEqual(['SWAChunkCapPoolConfigurator', 2352, 13840]);
    expect(swaChunkCap({ ...capped, disableOverlapSchedule: true })).toBe(2352 - 512);
  });
  it('a cap that leaves nothing for FULL is refused', () => {
    const r = sglangPoolSizes({ ...capped, availableBytes: 2352 * 2048 * 10 });
    expect(r.ok ? null : r.error.type).toBe('RuntimeError');
  });
});

describe('kvpool plan --engine sglang', () => {
  it('prints both pools of a hybrid SWA preset; refuses a model without SWA layers', async () => {
    const io = memoryIo();
    expect(await main(['plan', '--preset', 'gemma-3-27b', '--engine', 'sglang', '--quota', '30GiB', '--json'], io)).toBe(0);
    const j = JSON.parse(io.stdout);
    expect(j.configurator).toBe('HybridSWAPoolConfigurator');
    expect(j.swa_max_total_num_tokens).toBe(Math.trunc(j.full_max_total_num_tokens * 0.8));
    const bad = memoryIo();
    expect(await main(['plan', '--preset', 'llama-3.1-8b', '--engine', 'sglang'], bad)).toBe(2);
    expect(bad.stderr).toMatch(/hybrid sliding-window model/);
    const mixed = memoryIo();
    expect(await main(['plan', '--preset', 'gemma-3-27b', '--swa-full-tokens-ratio', '0.5'], mixed)).toBe(2);
    expect(mixed.stderr).toMatch(/only with --engine sglang/);
  });
});
