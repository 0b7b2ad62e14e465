/**
 * The vllm-v1 and sglang registry entries size an engine scenario (the layers our model turns
 * into) the same way the CLI's model path does, and hand the simulator a PoolLayout: vLLM one
 * shared pool group with one life cycle per KV-cache group, SGLang two pool groups (FULL, SWA).
 */
import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../src/model/presets.ts';
import { getEngine, type ModelKnobs, scenarioForModel } from '../../../src/planner/index.ts';
import { sglangInputFromModel, sglangPoolSizes } from '../../../src/planner/sglang/index.ts';
import { sizeVllmModel } from '../../../src/planner/vllm/index.ts';

const knobs: ModelKnobs = { tokensPerBlock: 16, maxSeqLen: 131072, maxBatchSize: 64, maxNumTokens: 8192, quotaBytes: 30 * 1024 ** 3, kvDtype: 'bf16', draftTokens: 0, numExtraKvTokens: 0, avgSeqLen: null, poolRatio: null };

describe('registry entries', () => {
  it('vllm-v1: the scenario path and the model path agree on Gemma-3-27B', () => {
    const model = getPreset('gemma-3-27b');
    const scenario = scenarioForModel(model, knobs, 'as-shipped');
    const r = getEngine('vllm-v1').size({ scenario, context: knobs }, {});
    const direct = sizeVllmModel(model, { ...knobs, maxNumTokens: 8192, disableHybridKvCacheManager: false, mambaCacheMode: 'none' });
    expect(r.error).toBeNull();
    expect(r.json.num_blocks).toBe(direct.json.num_blocks);
    expect(r.json.num_blocks).toBe(24576);
    expect(r.json.max_concurrency).toBe(direct.json.max_concurrency);
    expect(r.layout.poolGroups.map((g) => g.name)).toEqual(['shared']);
    expect(r.layout.lifeCycles.map((lc) => (lc.kind === 'attn' ? lc.windowTokens : 'ssm'))).toEqual([1024, 1024, 1024, 1024, 1024, 1024, null]);
    expect(r.layout.slotCounts).toEqual([24576]);
  });
  it('vllm-v1: an engine refusal is the error, with an empty layout', () => {
    const model = getPreset('gemma-3-27b');
    const scenario = scenarioForModel(model, { ...knobs, quotaBytes: 1024 ** 3 }, 'as-shipped');
    const r = getEngine('vllm-v1').size({ scenario, context: knobs }, {});
    expect(r.error?.type).toBe('ValueError');
    expect(r.layout.slotCounts).toEqual([]);
  });
  it('sglang: two pool groups, FULL and SWA, as the model path sizes them', () => {
    const model = getPreset('gemma-3-27b');
    const scenario = scenarioForModel(model, knobs, 'as-shipped');
    const r = getEngine('sglang').size({ scenario, context: knobs }, { swaFullTokensRatio: 0.5 });
    const direct = sglangPoolSizes(
      sglangInputFromModel(model, { pageSize: 16, quotaBytes: knobs.quotaBytes, kvDtype: 'bf16', maxRunningRequests: null, chunkedPrefillSize: 8192, swaFullTokensRatio: 0.5, disableRadixCache: false, disableOverlapSchedule: false, swaEvictionInterval: 128 }),
    );
    expect(r.error).toBeNull();
    if (!direct.ok) throw new Error(direct.error.message);
    expect([r.json.full_max_total_num_tokens, r.json.swa_max_total_num_tokens]).toEqual([direct.pools.fullTokens, direct.pools.swaTokens]);
    expect(r.layout.poolGroups.map((g) => g.name)).toEqual(['FULL', 'SWA']);
    expect(r.layout.slotCounts).toEqual([(r.json.full_max_total_num_tokens as number) / 16, (r.json.swa_max_total_num_tokens as number) / 16]);
  });
});
