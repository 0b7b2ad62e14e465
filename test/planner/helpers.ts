import type { EngineScenario, LayerJson } from '../../src/planner/scenario.ts';

/** A small manager layer: window null = full attention; buffers are bytes per block. */
export function layer(id: number, window: number | null, buffers: number[], kind: 'attn' | 'ssm' = 'attn', sink: number | null = null): LayerJson {
  return { layer_id: id, kind, window, sink_tokens: sink, buffers: buffers.map((b, j) => ({ role: `r${j}`, bytes_per_block: b })) };
}

export function scenario(layers: LayerJson[], over: Partial<EngineScenario> = {}): EngineScenario {
  return { tokens_per_block: 4, layers, gpu_quota_bytes: 1024 ** 3, typical_step: null, constraints: [], initial_pool_ratio: null, ...over };
}
