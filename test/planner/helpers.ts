import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelKnobs } from '../../src/planner/index.ts';
import type { EngineScenario, LayerJson } from '../../src/planner/scenario.ts';

/** A small manager layer: window null = full attention; buffers are bytes per block. */
export function layer(id: number, window: number | null, buffers: number[], kind: 'attn' | 'ssm' = 'attn', sink: number | null = null): LayerJson {
  return { layer_id: id, kind, window, sink_tokens: sink, buffers: buffers.map((b, j) => ({ role: `r${j}`, bytes_per_block: b })) };
}

/** The engine knobs of TensorRT-LLM #15401 as reported (DeepSeek-V4-Flash fp8, 40 GiB), pool_ratio unset. */
export const issue15401Knobs = (over: Partial<ModelKnobs> = {}): ModelKnobs => ({
  tokensPerBlock: 256,
  maxSeqLen: 137984,
  maxBatchSize: 64,
  maxNumTokens: null,
  quotaBytes: 40 * 1024 ** 3,
  kvDtype: 'fp8',
  draftTokens: 0,
  numExtraKvTokens: 0,
  avgSeqLen: null,
  poolRatio: null,
  ...over,
});

export function scenario(layers: LayerJson[], over: Partial<EngineScenario> = {}): EngineScenario {
  return { tokens_per_block: 4, layers, gpu_quota_bytes: 1024 ** 3, typical_step: null, constraints: [], initial_pool_ratio: null, ...over };
}

// Golden cases computed by TensorRT-LLM's C++ storage manager at afe52a0 (provenance in the file).
const casesPath = resolve(__dirname, '../fixtures/cases/trtllm-main/public-cases.json');
export const mainCases = JSON.parse(readFileSync(casesPath, 'utf8')).cases as { name: string; input: unknown; expected: Record<string, unknown> }[];

/** Floats compare after Math.fround (the engine's ratios are float32); everything else exactly. */
export function fround(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Math.fround(v);
  if (Array.isArray(v)) return v.map(fround);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fround(x)]));
  return v;
}

