/**
 * The planner's front door: model + engine knobs + constraint mode -> scenario, plan, diagnostics.
 * Everything here is pure and fast (well under a millisecond per preset), so the UI can re-plan on
 * every keystroke.
 */
import type { KvDtype } from '../model/dtype.ts';
import { InputError } from '../model/errors.ts';
import type { ModelSpec } from '../model/spec.ts';
import { isDeepseekV4 } from '../model/spec.ts';
import { modelToLayers } from '../model/to-layers.ts';
import { buildScenario, type ConstraintMode, type CustomBatches, type EngineKnobs } from './build.ts';
import type { PlanDiagnostics } from './diagnostics.ts';
import { DEFAULT_ENGINE, getEngine, SCENARIO_FILE_ENGINE } from './engines/registry.ts';
import type { KnobValues } from './engines/types.ts';
import type { EngineScenario, LayerJson } from './scenario.ts';
import type { Plan } from './types.ts';

export { buildScenario, CONSTRAINT_MODE_STORIES, CONSTRAINT_MODES, type ConstraintMode, type EngineKnobs } from './build.ts';
export { type CompareSide, type Comparison, compareEngines, type EngineDiff } from './compare.ts';
export { diagnose, type Finding, type PlanDiagnostics, type PoolGroupDiagnostics } from './diagnostics.ts';
export { DEFAULT_ENGINE, ENGINES, engineIds, getEngine, SCENARIO_FILE_ENGINE } from './engines/registry.ts';
export type { EngineSizer, KnobSpec, KnobValues, SizeResult } from './engines/types.ts';
export { type PlanJson, planToJson } from './json.ts';
export { type EngineScenario, parseScenario } from './scenario.ts';
export { planScenario } from './trtllm-v2.ts';
export type { Plan, PoolGroupPlan, PoolLayout } from './types.ts';

export interface ModelKnobs extends EngineKnobs {
  kvDtype: KvDtype;
}

export interface PlannedModel {
  readonly scenario: EngineScenario;
  /** The registry id of the engine that sized it. */
  readonly engine: string;
  readonly plan: Plan;
  /** The engine's own output format (what `kvpool plan --json` prints). */
  readonly json: Readonly<Record<string, unknown>>;
  readonly diagnostics: PlanDiagnostics;
}

/**
 * Plan a scenario with an engine of the registry and diagnose it; `maxBatchSize`/`maxSeqLen` frame
 * the findings. The engine defaults to the scenario's own "engine" field, else trtllm-v2@15401.
 */
export function planAndDiagnose(scenario: EngineScenario, ctx: { maxBatchSize: number; maxSeqLen: number; draftTokens?: number }, engine?: string, knobs: KnobValues = {}): PlannedModel {
  const id = engine ?? scenario.engine ?? SCENARIO_FILE_ENGINE;
  const r = getEngine(id).size({ scenario, context: ctx }, knobs);
  // Only TensorRT-LLM's sizers produce a full Plan; a layout-only engine is rendered by its own view.
  if (!('minSlots' in r.layout) || r.diagnostics === null) throw new InputError('engine', id, 'an engine whose plan the trtllm table can show');
  return { scenario, engine: id, plan: r.layout as Plan, json: r.json, diagnostics: r.diagnostics };
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

/** The engine scenario of a model under engine knobs and a constraint mode (what the wrapper builds). */
export function scenarioForModel(model: ModelSpec, knobs: ModelKnobs, mode: ConstraintMode, custom?: CustomBatches): EngineScenario {
  const layers = layersFor(model, knobs);
  return buildScenario(layers, { ...knobs, typicalLengthFromMaxSeqLen: knobs.typicalLengthFromMaxSeqLen ?? isDeepseekV4(model) }, mode, custom, model.id);
}

/** Plan a model with engine knobs and a constraint mode (default engine: what a user runs today). */
export function planModel(model: ModelSpec, knobs: ModelKnobs, mode: ConstraintMode, custom?: CustomBatches, engine: string = DEFAULT_ENGINE, engineKnobs: KnobValues = {}): PlannedModel {
  return planAndDiagnose(scenarioForModel(model, knobs, mode, custom), knobs, engine, engineKnobs);
}
