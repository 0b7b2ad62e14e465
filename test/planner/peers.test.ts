import { describe, expect, it } from 'vitest';
import { getPreset } from '../../src/model/presets.ts';
import { modelToLayers } from '../../src/model/to-layers.ts';
import { llamaCppSizing, peerSizings, sglangSizing, trtllmV1Sizing, vllmSizing } from '../../src/planner/peers.ts';
import { layer } from './helpers.ts';

const MiB = 1024 ** 2;
// tpb 16, 1 KiB per token per layer: one full layer, one SWA layer with a 64-token window.
const layers = [layer(0, null, [8192, 8192]), layer(1, 64, [8192, 8192])];
const knobs = { tokensPerBlock: 16, maxSeqLen: 4096, maxBatchSize: 8, maxNumTokens: 256, quotaBytes: 64 * MiB };

describe('peer engines sizing models (hand-checked)', () => {
  it('vLLM: one shared pool; admission bound with the straddle block', () => {
    const v = vllmSizing(layers, knobs);
    expect(v.pools).toEqual([{ name: 'shared', blocks: 4096, bytes: 64 * MiB }]);
    // per long request: full 4096/16 = 256 pages + SWA cdiv(63 + 256, 16) + 1 = 21 -> 277
    expect(v.maxLongRequests).toBe(Math.floor(4096 / 277));
    expect(v.maxShortDecodes).toBe(Math.floor(4096 / 5)); // a 64-token window over 16-token blocks: 5 at a straddle
    expect(v.strandedBytes).toBe(0);
  });
  it('vLLM pads short groups: 3 SWA + 2 full layers -> groups of 3, one padding layer', () => {
    const five = [layer(0, 64, [16384]), layer(1, 64, [16384]), layer(2, 64, [16384]), layer(3, null, [16384]), layer(4, null, [16384])];
    const v = vllmSizing(five, knobs);
    expect(v.notes[0]).toContain('1 padding layers');
    // 1 padding slot of 6 (2 groups of 3): at most a sixth of the pool
    expect(v.strandedBytes).toBe(Math.floor(v.pools[0].bytes / 6));
  });
  it('SGLang: full/SWA split by the 0.8 token ratio', () => {
    const s = sglangSizing(layers, knobs);
    // uniform 32768 tokens x 2 layers; full = 65536 / 1.8 = 36408; SWA = 0.8 x full = 29126
    expect(s.pools).toEqual([
      { name: 'full', blocks: 2275, bytes: 2275 * 16384 },
      { name: 'swa', blocks: 1820, bytes: 1820 * 16384 },
    ]);
    expect(s.maxLongRequests).toBe(8); // 2275 / 256
    expect(s.maxShortDecodes).toBe(364); // 1820 / 5 at the straddle
    expect(s.strandedBytes).toBe(16384);
  });
  it('TensorRT-LLM V1: static share by window x layers x bytes per token', () => {
    const t = trtllmV1Sizing(layers, knobs);
    expect(t.pools.map((p) => [p.name, p.blocks])).toEqual([
      ['window 64', 63],
      ['full', 4032],
    ]);
    expect(t.maxLongRequests).toBe(12); // the 64-token pool: 63 / (4 + 1)
    expect(t.maxShortDecodes).toBe(12);
  });
  it('llama.cpp: SWA cells = PAD(n_swa x n_seq + n_ubatch, 256)', () => {
    const l = llamaCppSizing(layers, knobs);
    expect(l.topology).toBe('64768 unified cells, SWA cache 768 cells for 8 sequences');
    expect(l.maxLongRequests).toBe(8);
    expect(l.strandedBytes).toBe(0);
  });
  it('DeepSeek-V4: no peer formula applies; each says why', () => {
    const dsv4 = modelToLayers(getPreset('deepseek-v4-flash'), { tokensPerBlock: 256, kvDtype: 'fp8', draftTokens: 0 });
    const all = peerSizings(dsv4, { ...knobs, tokensPerBlock: 256, maxSeqLen: 137984, maxBatchSize: 64, quotaBytes: 40 * 1024 ** 3 });
    expect(all.map((p) => p.supported)).toEqual([false, false, false, false]);
    expect(all[1].notes[0]).toMatch(/compressed caches/);
  });
});
