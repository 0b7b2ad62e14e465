/**
 * UI state -> plan + simulator trace -> view models. Named scenarios run through the simulator's
 * own scenario builder (its model, request list and knobs), with the knobs the user changed passed
 * as overrides; anything else (another preset, a pasted config) is planned here and run on a
 * generated workload.
 */
import { requestsOf, summaryOf } from '../../lessons/live.ts';
import { InputError } from '../../model/errors.ts';
import { getEngine } from '../../planner/engines/registry.ts';
import type { ModelKnobs } from '../../planner/index.ts';
import type { EngineScenario } from '../../planner/scenario.ts';
import type { Plan } from '../../planner/types.ts';
import { NAMED_SCENARIOS, parseTrace, type RequestSpec, runSimulation, type SimInput, scenarioConfig, type Trace, traceToJson, type WorkloadSpec } from '../../sim/index.ts';
import { resolveWorkload } from '../../sim/workload.ts';
import type { FrameView, PlanView, RequestView, RunView } from '../model.ts';
import { baseState } from '../state/codec.ts';
import { knobsFor, knobsOf } from '../state/knobs.ts';
import { fromBase64Url, type UiState } from '../state/params.ts';
import { engineKnobValues, layoutView, shapingKnobs, sizeWithEngine } from './engine-plan.ts';
import { type CustomModel, knobsFrom, planViewOf, poolGroupViews } from './plan.ts';

/** The engine's default per-iteration token budget when maxNumTokens is unset. */
export const ENGINE_MAX_NUM_TOKENS = 8192;

/** The named scenario's story as the core tells it (title: story); one line for anything else. */
export function scenarioStory(name: string): string {
  const s = NAMED_SCENARIOS.find((n) => n.name === name);
  return s ? `${s.title}. ${s.story}` : 'Your own model, engine settings and workload.';
}

function workloadSpec(s: UiState): WorkloadSpec {
  // Lengths centre on the prompt/output knobs; `spread` widens them (log-normal capped at 20x).
  const len = (v: number) =>
    s.dist === 'fixed'
      ? ({ kind: 'fixed', value: v } as const)
      : s.dist === 'uniform'
        ? ({ kind: 'uniform', min: Math.max(1, Math.round(v * (1 - Math.min(1, s.spread)))), max: Math.max(1, Math.round(v * (1 + s.spread))) } as const)
        : ({ kind: 'lognormal', median: v, sigma: s.spread, min: 1, max: Math.max(1, v * 20) } as const);
  return { requests: s.requests, prompt: len(s.promptLen), output: len(s.outputLen), arrivalRate: s.arrivalRate > 0 ? s.arrivalRate : null, seed: s.seed };
}

/** Knobs the user changed relative to the named scenario's starting point. */
/** The knobs of a named-scenario state that differ from the scenario's own (the page's changes), with the engine knobs that shape its scenario. */
export function scenarioKnobOverrides(s: UiState): Partial<ModelKnobs> {
  const base = knobsFrom(baseState(s.scenario));
  const cur = knobsFrom(s);
  const out: Partial<ModelKnobs> = {};
  const keys = ['tokensPerBlock', 'maxSeqLen', 'maxBatchSize', 'maxNumTokens', 'quotaBytes'] as const;
  for (const k of keys) if (cur[k] !== base[k]) (out as Record<string, unknown>)[k] = cur[k];
  if (JSON.stringify(cur.poolRatio) !== JSON.stringify(base.poolRatio)) out.poolRatio = cur.poolRatio;
  if (s.kvDtype !== baseState(s.scenario).kvDtype) out.kvDtype = s.kvDtype;
  return { ...out, ...shapingKnobs(s) };
}

/** Field labels of the knobs a named scenario's story is told with. */
const KNOB_LABELS: Record<string, string> = { tokensPerBlock: 'tokens per block', maxSeqLen: 'maxSeqLen', maxBatchSize: 'maxBatchSize', maxNumTokens: 'maxNumTokens', quotaBytes: 'quota', poolRatio: 'pool ratio', kvDtype: 'KV dtype', avgSeqLen: 'avg_seq_len', maxCudaGraphBatchSize: 'CUDA-graph cap', estimationPass: 'estimation pass' };

/** When the page changed a named scenario's knobs, the story's numbers are the scenario's own: say so, and what changed. */
function changedNote(s: UiState): string {
  const names = Object.keys(scenarioKnobOverrides(s)).map((k) => KNOB_LABELS[k] ?? k);
  const shipped = baseState(s.scenario);
  const base = shipped.knobs;
  // An engine's own knob is named as its field is labelled on the page (without the default).
  const label = (k: string) => (knobsOf(s.engine).find((p) => p.name === k)?.label ?? k).replace(/ \(default [^)]*\)$/, '');
  for (const [k, v] of Object.entries(s.knobs)) if (JSON.stringify(v) !== JSON.stringify(base[k] ?? null) && !(k in KNOB_LABELS)) names.push(label(k));
  if (s.recomputePause !== shipped.recomputePause) names.push(`recompute pause (${s.recomputePause})`);
  return names.length === 0 ? '' : ` (The story's numbers are the scenario as it ships; this run changes ${names.join(', ')}.)`;
}

/** The requests of the run: the scenario's own (undefined), an imported trace, or generated. */
function workloadOf(s: UiState, named: boolean): { kind: 'spec'; spec: WorkloadSpec } | readonly RequestSpec[] | undefined {
  if (s.workload === 'trace') {
    if (!s.requestTrace) throw new InputError('requestTrace', '', 'a request trace file (JSON or CSV with arrival, prompt, output)');
    let text: string;
    try {
      text = fromBase64Url(s.requestTrace);
    } catch {
      throw new InputError('requestTrace', s.requestTrace.slice(0, 20), 'base64url of UTF-8 text');
    }
    return parseTrace(text);
  }
  if (named && s.workload === 'scenario') return undefined;
  return { kind: 'spec', spec: workloadSpec(s) };
}

/** The page's workload as a request list (the Map view's cells run it under each configuration). */
export function pageWorkload(s: UiState): RequestSpec[] {
  const named = s.scenario !== 'custom' && !s.config;
  const w = workloadOf(s, named);
  if (w === undefined) {
    const c = scenarioConfig(s.scenario, { seed: s.seed }).config;
    return resolveWorkload(c.workload, c.seed);
  }
  return resolveWorkload(w, s.seed);
}

export interface RunResult {
  readonly plan: Plan;
  readonly planView: PlanView;
  readonly trace: Trace;
  readonly run: RunView;
}

/** A registry id's family (`family@version`): a named scenario runs under any version of its own family. */
const familyOf = (id: string) => id.split('@')[0];

/** The named scenario under the state's engine (the URL may override its pinned version, as --engine does). */
function namedRun(s: UiState, workload: ReturnType<typeof workloadOf>): { plan: Plan; input: SimInput; report: string } {
  const named = NAMED_SCENARIOS.find((n) => n.name === s.scenario);
  if (named && familyOf(named.engine) !== familyOf(s.engine)) {
    throw new InputError('engine', s.engine, `a version of ${familyOf(named.engine)} (${s.scenario} is pinned to ${named.engine}; pick a preset to size it with another engine)`);
  }
  const built = scenarioConfig(s.scenario, { engine: s.engine, constraints: s.mode, policy: s.policy, knobs: scenarioKnobOverrides(s), engineKnobs: knobsFor(s.engine, s.knobs), maxUtilForResume: s.maxUtilForResume, recomputePause: s.recomputePause === 'on', seed: s.seed, maxSteps: s.maxSteps, ...(workload ? { workload } : {}) });
  return { plan: built.plan, input: { ...built.config, suggestFloor: 'bisect' }, report: built.report ?? '' };
}

/** The plan view of a named scenario's plan: the TensorRT-LLM table (re-planned by its own version), or the engine's pools and report. */
function namedPlanView(s: UiState, plan: Plan, report: string): PlanView {
  const e = getEngine(s.engine, 'engine');
  const tag = { id: e.id, label: e.label, source: e.source };
  const ctx = { maxBatchSize: s.maxBatchSize, maxSeqLen: s.maxSeqLen };
  if (e.modes === null) return { ...layoutView(plan, plan.error ? `${plan.error.type}: ${plan.error.message}` : null, report), engine: tag, report };
  const rePlan = (q: number) => e.size({ scenario: { ...plan.scenario, gpu_quota_bytes: q }, context: ctx }, engineKnobValues(s)).layout as Plan;
  return { ...planViewOf(plan, ctx, rePlan), engine: tag, report: '' };
}

/** The engine scenario the state plans (Compare's rule attribution re-plans it under each rule). Throws InputError. */
export function scenarioOfState(s: UiState, custom: CustomModel | null): EngineScenario {
  const named = s.scenario !== 'custom' && !custom;
  return named ? namedRun(s, workloadOf(s, true)).plan.scenario : sizeWithEngine(s, custom).plan.scenario;
}

/** Plan and simulate. Throws InputError (naming the field) for anything the user can fix. */
export function computeRun(s: UiState, custom: CustomModel | null): RunResult {
  const named = s.scenario !== 'custom' && !custom;
  const workload = workloadOf(s, named);
  let input: SimInput;
  let plan: Plan;
  let planView: PlanView;
  if (named) {
    const r = namedRun(s, workload);
    plan = r.plan;
    input = r.input;
    if (plan.error) throw new InputError('quotaGiB', s.quotaGiB, `a configuration the engine accepts (${plan.error.type}: ${plan.error.message})`);
    planView = namedPlanView(s, plan, r.report);
  } else {
    const sized = sizeWithEngine(s, custom);
    plan = sized.plan;
    planView = sized.view;
    if (planView.error) throw new InputError('quotaGiB', s.quotaGiB, `a configuration ${sized.engine.id} accepts (${planView.error})`);
    input = {
      plan,
      policy: s.policy,
      workload: workload ?? { kind: 'spec', spec: workloadSpec(s) },
      maxBatchSize: s.maxBatchSize,
      maxNumTokens: s.maxNumTokens > 0 ? s.maxNumTokens : ENGINE_MAX_NUM_TOKENS,
      maxUtilForResume: s.maxUtilForResume,
      recomputePause: s.recomputePause === 'on',
      maxSteps: s.maxSteps,
      seed: s.seed,
      // vLLM's admission bound is capped by max_model_len; the other policies do not read it.
      enginePolicy: { maxModelLen: s.maxSeqLen },
    };
  }
  const trace = runSimulation(input);
  const source = s.workload === 'trace' ? ' (imported request trace)' : workload ? ' (generated workload)' : '';
  const story = named ? `${scenarioStory(s.scenario)}${source}${changedNote(s)}` : `${scenarioStory('custom')}${source}`;
  const e = getEngine(s.engine, 'engine');
  return { plan, planView, trace, run: traceToRunView(trace, plan, story, { engine: e.id, engineHasModes: e.modes !== null }) };
}

export function traceToRunView(trace: Trace, plan: Plan, story: string, engine: { engine: string; engineHasModes: boolean } | null = null): RunView {
  // One replay position for this run's frames: a step of the player costs that pass's deltas, and
  // the slot arrays are the cursor's own (no copy of every slot per frame).
  const cursor = trace.frameCursor();
  return {
    poolGroups: poolGroupViews(plan),
    tokensPerBlock: plan.tokensPerBlock,
    stepCount: Math.max(1, trace.steps),
    used: trace.columns.map((c) => c.used),
    held: trace.columns.map((c) => c.heldSuspended),
    events: trace.events.map((e) => ({ step: e.step, kind: e.kind, requestId: e.request, poolGroup: e.poolGroup })),
    summary: { ...engine, ...summaryOf(trace.summary) },
    story,
    frameAt(step: number): FrameView {
      const k = cursor.clamp(step);
      // Each read brings the cursor back to this frame's pass (free when it is there already), so a
      // frame stays true even after another frame of the run was asked for (a lesson's checker).
      const pools = () => cursor.poolsAt(k);
      let requests: RequestView[] | null = null;
      return {
        step: k,
        get slotOwner() {
          return pools().map((p) => p.ownerRequest);
        },
        get slotState() {
          return pools().map((p) => p.slotState);
        },
        get slotBlock() {
          return pools().map((p) => p.ownerBlock);
        },
        get slotLifeCycle() {
          return pools().map((p) => p.ownerLifeCycle);
        },
        // Built on first use (the inspector): playing the pools view never pays for it.
        get requests(): RequestView[] {
          requests ??= requestsOf(cursor.frameAt(k));
          return requests;
        },
      };
    },
    toJson: () => traceToJson(trace),
  };
}
