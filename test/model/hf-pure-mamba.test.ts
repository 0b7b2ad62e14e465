import { describe, expect, it } from 'vitest';
import { importHfConfig } from '../../src/model/hf-config.ts';
import { modelToLayers } from '../../src/model/to-layers.ts';
import { planModel } from '../../src/planner/index.ts';
import { falconMamba7b } from '../fuzz/reproductions.ts';

describe('pure Mamba configs (falcon-mamba-7b)', () => {
  it('import as 64 Mamba-1 layers with no max_position_embeddings', () => {
    const m = importHfConfig(falconMamba7b);
    expect(m.layers).toHaveLength(64);
    expect(new Set(m.layers.map((l) => (l.kind === 'recurrent' ? l.variant : l.kind)))).toEqual(new Set(['mamba1']));
    expect(m.warnings ?? []).toEqual([]);
  });
  it('size one recurrent-state pool group: conv d_inner x (d_conv - 1) and ssm d_inner x d_state in bf16, per request', () => {
    const m = importHfConfig(falconMamba7b);
    const layers = modelToLayers(m, m.defaults);
    // d_inner = intermediate_size 8192: conv 8192 x 3 x 2 B, ssm 8192 x 16 x 2 B.
    expect(layers[0].buffers).toEqual([
      { role: 'conv_state', bytes_per_block: 8192 * 3 * 2 },
      { role: 'ssm_state', bytes_per_block: 8192 * 16 * 2 },
    ]);
    const { plan } = planModel(m, { ...m.defaults, maxSeqLen: 32768, maxBatchSize: 64, maxNumTokens: null, quotaBytes: 40 * 2 ** 30, draftTokens: 0, numExtraKvTokens: 0, avgSeqLen: null, poolRatio: null }, 'as-shipped');
    expect(plan.error).toBeNull();
    expect(plan.poolGroups).toHaveLength(1);
    expect(plan.lifeCycles.every((lc) => lc.kind === 'ssm')).toBe(true);
  });
});
