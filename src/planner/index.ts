/**
 * The planner's front door: model + engine knobs + constraint mode -> scenario, plan, diagnostics.
 * Everything here is pure and fast (well under a millisecond per preset), so the UI can re-plan on
 * every keystroke.
 */
import type { KvDtype } from '../model/dtype.ts';
import type { ModelSpec } from '../model/spec.ts';
import { modelToLayers } from '../model/to-layers.ts';
import { buildScenario, type ConstraintMode, type CustomBatches, type EngineKnobs } from './build.ts';
import { diagnose, type PlanDiagnostics } from './diagnostics.ts';
import type { EngineScenario, LayerJson } from './scenario.ts';
import { planScenario } from './trtllm-v2.ts';
import type { Plan } from './types.ts';

export { buildScenario, CONSTRAINT_MODE_STORIES, CONSTRAINT_MODES, type ConstraintMode, type EngineKnobs } from './build.ts';
export { diagnose, type Finding, type PlanDiagnostics, type PoolGroupDiagnostics } from './diagnostics.ts';
export { type PlanJson, planToJson } from './json.ts';
export { type EngineScenario, parseScenario } from './scenario.ts';
export { planScenario } from './trtllm-v2.ts';
export type { Plan, PoolGroupPlan } from './types.ts';

export interface ModelKnobs extends EngineKnobs {
  kvDtype: KvDtype;
}

export interface PlannedModel {
  readonly scenario: EngineScenario;
  readonly plan: Plan;
  readonly diagnostics: PlanDiagnostics;
}

/** Plan a scenario and diagnose it; `maxBatchSize`/`maxSeqLen` frame the findings. */
export function planAndDiagnose(scenario: EngineScenario, ctx: { maxBatchSize: number; maxSeqLen: number; draftTokens?: number }): PlannedModel {
  const plan = planScenario(scenario);
  const diagnostics = diagnose(plan, ctx, (q) => planScenario({ ...scenario, gpu_quota_bytes: q }));
  return { scenario, plan, diagnostics };
}

/**
 * Manager layers per model and (tpb, dtype, draft): re-planning a model with other engine knobs
 * (every UI keystroke) reuses the same layers array, so the storage layout cache hits as well.
 * Layers are values: nothing mutates them.
 */
const layersMemo = new WeakMap<ModelSpec, Map<string, LayerJson[]>>();

function layersFor(model: ModelSpec, knobs: ModelKnobs): LayerJson[] {
  let byKnobs = layersMemo.get(model);
  if (!byKnobs) layersMemo.set(model, (byKnobs = new Map()));
  const key = `${knobs.tokensPerBlock}:${knobs.kvDtype}:${knobs.draftTokens}`;
  let layers = byKnobs.get(key);
  if (!layers) {
    layers = modelToLayers(model, { tokensPerBlock: knobs.tokensPerBlock, kvDtype: knobs.kvDtype, draftTokens: knobs.draftTokens });
    if (byKnobs.size > 64) byKnobs.clear(); // bounded: a pure cache
    byKnobs.set(key, layers);
  }
  return layers;
}

export function planModel(model: ModelSpec, knobs: ModelKnobs, mode: ConstraintMode, custom?: CustomBatches): PlannedModel {
  const layers = layersFor(model, knobs);
  const scenario = buildScenario(layers, knobs, mode, custom, model.id);
  return planAndDiagnose(scenario, knobs);
}
