/**
 * The page sizes through the engine registry: the state's `engine` picks the sizer, its knobs come
 * from the state by the sizer's own declaration, and the result is a plan for the simulator plus
 * the plan view (TensorRT-LLM: the plan table with its findings; a layout-only engine such as vLLM
 * or SGLang: its pools as rows, and the sizer's own report beside them). Nothing here switches on
 * an engine id: what differs is what the sizer declares (modes, knobs, policy) and returns.
 */
import { InputError } from '../../model/errors.ts';
import { getPreset } from '../../model/presets.ts';
import { modelToLayers } from '../../model/to-layers.ts';
import { buildScenario } from '../../planner/build.ts';
import { layoutAsPlan } from '../../planner/engines/as-plan.ts';
import { getEngine } from '../../planner/engines/registry.ts';
import { isTrtllmSizer } from '../../planner/engines/trtllm.ts';
import type { EngineSizer, KnobValues, SizerInput } from '../../planner/engines/types.ts';
import { type ModelKnobs, scenarioForModel } from '../../planner/index.ts';
import type { EngineScenario } from '../../planner/scenario.ts';
import type { Plan } from '../../planner/types.ts';
import type { PlanView } from '../model.ts';
import { knobsFor } from '../state/knobs.ts';
import type { ConstraintMode, UiState } from '../state/params.ts';
import { type CustomModel, knobsFrom, lifeCycleLabel, planViewOf } from './plan.ts';

/** The knob values the selected engine reads: its own knobs from the state, plus the resume gate. */
export function engineKnobValues(s: UiState): KnobValues {
  return { ...knobsFor(s.engine, s.knobs), maxUtilForResume: s.maxUtilForResume };
}

/** The model knobs with the engine's own knobs that shape the scenario (typical length, CUDA-graph cap). */
export function modelKnobsFrom(s: UiState): ModelKnobs {
  const k = knobsFor(s.engine, s.knobs);
  const int = (v: unknown) => (typeof v === 'number' ? v : null);
  const e = getEngine(s.engine, 'engine');
  // A ratio of the wrong length for the version is reported next to the ratio field (the version's own rule).
  const poolRatioPer = isTrtllmSizer(e) ? e.ratioPer : 'engine';
  return { ...knobsFrom(s), kvDtype: s.kvDtype, avgSeqLen: int(k.avgSeqLen), maxCudaGraphBatchSize: int(k.maxCudaGraphBatchSize), estimationPass: k.estimationPass === true, poolRatioPer };
}

/** The engine knobs the state sets that shape its scenario (typical length, CUDA-graph cap, estimation pass); unset ones absent. */
export function shapingKnobs(s: UiState): Partial<ModelKnobs> {
  const k = modelKnobsFrom(s);
  return { ...(k.avgSeqLen !== null ? { avgSeqLen: k.avgSeqLen } : {}), ...(k.maxCudaGraphBatchSize ? { maxCudaGraphBatchSize: k.maxCudaGraphBatchSize } : {}), ...(k.estimationPass ? { estimationPass: true } : {}) };
}

function contextOf(s: UiState): SizerInput['context'] {
  return { maxBatchSize: s.maxBatchSize, maxSeqLen: s.maxSeqLen, maxNumTokens: s.maxNumTokens > 0 ? s.maxNumTokens : null };
}

/** The engine scenario: with the wrapper's constraints for an engine with modes, the layers alone otherwise. */
function scenarioOf(e: EngineSizer, s: UiState, custom: CustomModel | null, mode: ConstraintMode): EngineScenario {
  const k = modelKnobsFrom(s);
  if (custom?.kind === 'scenario') {
    if (e.modes === null || mode === 'custom') return { ...custom.scenario, gpu_quota_bytes: e.modes === null ? k.quotaBytes : custom.scenario.gpu_quota_bytes };
    return buildScenario(custom.scenario.layers, { ...k, tokensPerBlock: custom.scenario.tokens_per_block }, mode, undefined, custom.scenario.name);
  }
  const model = custom?.model ?? getPreset(s.preset);
  if (e.modes === null) {
    const layers = modelToLayers(model, { tokensPerBlock: k.tokensPerBlock, kvDtype: k.kvDtype, draftTokens: 0 });
    return { name: model.id, tokens_per_block: k.tokensPerBlock, layers, gpu_quota_bytes: k.quotaBytes, typical_step: null, constraints: [], initial_pool_ratio: null };
  }
  if (mode === 'custom') throw new InputError('constraints', 'custom', 'a pasted engine scenario JSON (typical_step and constraints); with a preset choose another mode');
  if (!e.modes.all.includes(mode)) throw new InputError('constraints', mode, e.modes.all.join(', '));
  return scenarioForModel(model, k, mode);
}

export interface EnginePlan {
  readonly plan: Plan;
  readonly view: PlanView;
  readonly engine: EngineSizer;
}

/** Size the state's configuration with its engine (custom models and presets outside a named scenario). Throws InputError. */
export function sizeWithEngine(s: UiState, custom: CustomModel | null, mode: ConstraintMode = s.mode): EnginePlan {
  const e = getEngine(s.engine, 'engine');
  const scenario = scenarioOf(e, s, custom, mode);
  const r = e.size({ scenario, context: contextOf(s) }, engineKnobValues(s));
  const tag = { id: e.id, label: e.label, source: e.source };
  if ('minSlots' in r.layout && r.diagnostics) {
    const plan = r.layout as Plan;
    return { plan, engine: e, view: { ...planViewOf(plan, contextOf(s), null, r.diagnostics), engine: tag, report: '' } };
  }
  const plan = layoutAsPlan(r.layout, scenario.gpu_quota_bytes);
  return { plan, engine: e, view: { ...layoutView(plan, r.error ? `${r.error.type}: ${r.error.message}` : null, JSON.stringify(r.json, null, 2)), engine: tag, report: r.table?.(scenario.name ?? s.preset) ?? '' } };
}

/** A layout-only engine's pools as plan rows: its pools and slots, no floors (the sizer's report has the rest). */
export function layoutView(plan: Plan, error: string | null, json: string): PlanView {
  return {
    rows: error
      ? []
      : plan.poolGroups.map((g, i) => ({
          index: g.index,
          name: g.name,
          lifeCycles: g.lifeCycleIds.map((id) => lifeCycleLabel(plan.lifeCycles[id])).join(', '),
          slotBytes: g.slotBytes,
          minSlots: null,
          slotCount: plan.slotCounts[i],
          bytes: plan.bytesPerPoolGroup[i],
          decodesBest: null,
          decodesWorst: null,
        })),
    findings: [],
    ratioSource: 'the engine (sized from memory alone)',
    quotaBytes: plan.effectiveQuotaBytes,
    error,
    toJson: () => json,
  };
}

/** The plan and its view for the state (tests and the import view's round trip). */
export function planFor(s: UiState, custom: CustomModel | null, mode: ConstraintMode = s.mode): { plan: Plan; view: PlanView } {
  return sizeWithEngine(s, custom, mode);
}
