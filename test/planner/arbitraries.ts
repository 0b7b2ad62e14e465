/** Random manager layers and batches for the planner's property tests (fast-check), in one place. */
import fc from 'fast-check';
import type { BatchJson, BufferJson, EngineScenario, LayerJson } from '../../src/planner/scenario.ts';

const MiB = 1024 ** 2;

/** A layer's attention shape as generated: a window and sinks that only a windowed attention layer keeps. */
export interface LayerShape {
  readonly kind: string;
  readonly window: number | null;
  readonly sink: number | null;
}

/** Manager layers from shapes: ssm layers get no window or sinks, full attention no sinks. */
export function managerLayers<S extends LayerShape>(shapes: readonly S[], buffersOf: (shape: S, i: number) => BufferJson[]): LayerJson[] {
  return shapes.map((l, i) => ({
    layer_id: i,
    kind: l.kind as 'attn' | 'ssm',
    window: l.kind === 'ssm' ? null : l.window,
    sink_tokens: l.kind === 'ssm' || l.window === null ? null : l.sink,
    buffers: buffersOf(l, i),
  }));
}

/** 1-6 layers (3 in 4 attention), windows up to 700 tokens, 1-3 buffers of up to 8 MiB each. */
export const arbLayers = fc
  .array(
    fc.record({
      kind: fc.constantFrom('attn', 'attn', 'attn', 'ssm'),
      window: fc.option(fc.integer({ min: 1, max: 700 }), { nil: null }),
      sink: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
      buffers: fc.array(fc.integer({ min: 1, max: 8 * MiB }), { minLength: 1, maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((ls) => managerLayers(ls, (l) => l.buffers.map((b, j) => ({ role: `r${j}`, bytes_per_block: b }))));

/** 1-4 request shapes (capacity >= history, up to 70 of each) and a shared system prompt. */
export const arbBatch = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 70 })), { minLength: 1, maxLength: 4 })
  .chain((kvs) => fc.integer({ min: 0, max: 300 }).map((sys): BatchJson => ({ kv_caches: kvs.map(([c, h, n]) => [Math.max(c, h), Math.min(c, h), n]), system_prompt_length: sys })));

/** The scenario fields both property suites draw: layers, tpb, a quota off the grain, typical step and constraints. */
export const arbScenarioFields = {
  layers: arbLayers,
  tpb: fc.constantFrom(4, 16, 32, 64, 128, 256),
  quota: fc.integer({ min: 1, max: 200 * 1024 }).map((m) => m * MiB + 12345),
  typical: fc.option(arbBatch, { nil: null }),
  constraints: fc.array(arbBatch, { maxLength: 3 }),
};

export function scenarioOf(r: { layers: LayerJson[]; tpb: number; quota: number; typical: BatchJson | null; constraints: BatchJson[] }): EngineScenario {
  return { tokens_per_block: r.tpb, layers: r.layers, gpu_quota_bytes: r.quota, typical_step: r.typical, constraints: r.constraints, initial_pool_ratio: null };
}
