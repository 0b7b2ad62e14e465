/**
 * What the verdict is about: a model's manager layers, the engine knobs, a constraint mode and the
 * scheduler (policy and its knobs). A subject is a value; fixes are subjects with one or two knobs
 * changed. Planning and simulating a subject use the planner and simulator unchanged, and the CLI
 * flags that reproduce it (`kvpool simulate ...`) are derived here, so a counterexample or a fix can
 * be replayed exactly.
 */

import type { KvDtype } from '../model/dtype.ts';
import { InputError } from '../model/errors.ts';
import { getPreset } from '../model/presets.ts';
import { isDeepseekV4 } from '../model/spec.ts';
import { modelToLayers } from '../model/to-layers.ts';
import { buildScenario, type ConstraintMode, type EngineKnobs } from '../planner/build.ts';
import { DEFAULT_ENGINE, getEngine } from '../planner/engines/registry.ts';
import type { KnobValue, KnobValues } from '../planner/engines/types.ts';
import type { LayerJson } from '../planner/scenario.ts';
import type { Plan } from '../planner/types.ts';
import { NAMED_SCENARIOS, normalizeConfig, scenarioConfig } from '../sim/index.ts';
import type { EngineSimOptions } from '../sim/policies/engine-options.ts';
import type { RequestSpec, SimConfig } from '../sim/types.ts';

/** The engine's default per-pass token budget when max_num_tokens is not set (as `kvpool simulate`). */
export const SCHEDULER_DEFAULT_MAX_NUM_TOKENS = 8192;

/** Where the layers came from: decides the flags that reproduce the subject. */
export type SubjectSource =
  | { readonly kind: 'scenario'; readonly name: string }
  | { readonly kind: 'preset'; readonly id: string; readonly kvDtype: string }
  | { readonly kind: 'layers'; readonly name: string };

export interface Subject {
  readonly source: SubjectSource;
  readonly layers: readonly LayerJson[];
  /** Engine registry id that sizes the pools (e.g. trtllm-v2@15401 for the #15401 scenarios). */
  readonly engine: string;
  readonly knobs: EngineKnobs;
  readonly mode: Exclude<ConstraintMode, 'custom'>;
  readonly policy: string;
  readonly maxUtilForResume: number;
  readonly recomputePause: boolean;
  /** Consecutive stalled passes that make a deadlock (engine: 1000). */
  readonly stallLimit: number;
  /** The engine-faithful policies' switches (vllm-v1 admission, sglang eviction; max_model_len). */
  readonly enginePolicy?: EngineSimOptions;
  /**
   * The engine's own sizing knobs that are not EngineKnobs fields (SGLang's swaFullTokensRatio,
   * vLLM's disableHybridKvCacheManager, ...), by knob name; absent = the knob's default.
   */
  readonly engineKnobs?: KnobValues;
}

/** Registry knobs that are EngineKnobs fields or run knobs (the subject holds them there, not in engineKnobs). */
const SUBJECT_FIELDS = new Set(['poolRatio', 'avgSeqLen', 'maxCudaGraphBatchSize', 'estimationPass', 'maxUtilForResume']);

/** Of `values`, the knobs `engine` reads that live in Subject.engineKnobs (the rest are subject fields). */
export function ownEngineKnobs(engine: string, values: Readonly<Record<string, KnobValue>>): KnobValues {
  const names = new Set(getEngine(engine).knobs.map((k) => k.name));
  return Object.fromEntries(Object.entries(values).filter(([n, v]) => names.has(n) && !SUBJECT_FIELDS.has(n) && v !== null && v !== undefined));
}

/** Policies that run vLLM's / SGLang's own scheduler over their own pool layouts. */
export const ENGINE_POLICIES: readonly string[] = ['vllm-v1', 'sglang'];

/** The scheduler's per-pass token budget: the knob when set, else the engine default. */
export function schedulerTokens(s: Subject): number {
  return s.knobs.maxNumTokens ?? SCHEDULER_DEFAULT_MAX_NUM_TOKENS;
}

/** Longest prompt a request within the limits can have: prompt + output - 1 + draft <= maxSeqLen, output >= 1. */
export function maxPromptTokens(s: Subject): number {
  return s.knobs.maxSeqLen - s.knobs.draftTokens;
}

const planMemo = new WeakMap<Subject, Plan>();

/** Constraint modes the subject's engine accepts (the what-ifs included), without custom. */
export function subjectModes(s: Subject): Exclude<ConstraintMode, 'custom'>[] {
  const modes = getEngine(s.engine).modes?.all ?? [s.mode];
  return modes.filter((m): m is Exclude<ConstraintMode, 'custom'> => m !== 'custom');
}

/** Plan with the subject's engine from the registry; the resume gate is also the planner's headroom knob where the engine reads it. */
export function planSubject(s: Subject): Plan {
  let p = planMemo.get(s);
  if (!p && s.source.kind === 'scenario' && ENGINE_POLICIES.includes(NAMED_SCENARIOS.find((n) => n.name === (s.source as { name: string }).name)?.engine ?? '')) {
    // vLLM / SGLang scenarios are sized by their engine's own inputs (not re-planned from layers), with the subject's knobs.
    p = scenarioConfig(s.source.name, { engine: s.engine, knobs: s.knobs, engineKnobs: s.engineKnobs }).plan;
    planMemo.set(s, p);
  }
  if (!p) {
    const engine = getEngine(s.engine);
    const util: KnobValues = engine.knobs.some((k) => k.name === 'maxUtilForResume') ? { maxUtilForResume: s.maxUtilForResume } : {};
    const scenario = buildScenario([...s.layers], s.knobs, s.mode);
    const context = { maxBatchSize: s.knobs.maxBatchSize, maxSeqLen: s.knobs.maxSeqLen, draftTokens: s.knobs.draftTokens, maxNumTokens: s.knobs.maxNumTokens };
    const r = engine.size({ scenario, context }, { ...ownEngineKnobs(s.engine, s.engineKnobs ?? {}), ...util });
    p = r.layout as Plan;
    planMemo.set(s, p);
  }
  return p;
}

/**
 * Why the verdict cannot judge this subject, or null. Its bounds read the TensorRT-LLM
 * KVCacheManagerV2 plan (min_slots, the raised quota); an engine whose sizer gives only a pool
 * layout (vLLM, SGLang) is said to be outside the verdict rather than judged on guessed floors.
 */
export function verdictSupport(s: Subject, plan: Plan): string | null {
  if (plan.error) return null;
  const own = getEngine(s.engine).policy;
  if (ENGINE_POLICIES.includes(s.policy) && own !== s.policy) return `policy ${s.policy} is ${s.policy === 'sglang' ? 'SGLang' : 'vLLM'}'s own scheduler; the verdict judges it only over that engine's pools (engine ${s.engine} given)`;
  if (ENGINE_POLICIES.includes(own) && own !== s.policy) return `engine ${s.engine} runs its own scheduler (policy ${own}); the verdict judges each engine's pools under that engine's scheduler, not ${s.policy}`;
  if (own === s.policy && ENGINE_POLICIES.includes(own)) return null;
  if (!Array.isArray((plan as Partial<Plan>).minSlots)) return `the verdict covers the TensorRT-LLM KVCacheManagerV2 engines (its bounds read their min_slots plan); engine ${s.engine} sizes its pools another way, so it is not judged and no fix is offered`;
  return null;
}

/** The simulator configuration of a subject over a request list (validated like any run). */
export function simConfigOf(s: Subject, plan: Plan, requests: readonly RequestSpec[], maxSteps: number): SimConfig {
  return normalizeConfig({
    plan,
    policy: s.policy as SimConfig['policy'],
    workload: requests,
    maxBatchSize: s.knobs.maxBatchSize,
    maxNumTokens: schedulerTokens(s),
    maxUtilForResume: s.maxUtilForResume,
    recomputePause: s.recomputePause,
    stallLimit: s.stallLimit,
    maxSteps,
    draftTokens: s.knobs.draftTokens,
    suggestFloor: 'analytic',
    ...(s.enginePolicy ? { enginePolicy: s.enginePolicy } : {}),
  });
}

export function withKnobs(s: Subject, k: Partial<EngineKnobs>): Subject {
  return { ...s, knobs: { ...s.knobs, ...k } };
}

const fmtRatio = (r: readonly number[]) => r.map((x) => Number(x.toPrecision(4))).join(',');

/** Every flag that pins the subject for `kvpool simulate` / `kvpool check` (explicit, so defaults cannot drift). */
export function subjectFlags(s: Subject): string[] {
  const k = s.knobs;
  const src = s.source;
  const out: string[] = [];
  if (src.kind === 'scenario') out.push('--scenario', src.name);
  else if (src.kind === 'preset') out.push('--preset', src.id, '--kv-dtype', src.kvDtype);
  out.push('--engine', s.engine);
  out.push('--constraints', s.mode, '--tokens-per-block', String(k.tokensPerBlock), '--max-seq-len', String(k.maxSeqLen), '--max-batch-size', String(k.maxBatchSize));
  out.push('--quota', String(k.quotaBytes));
  if (k.maxNumTokens !== null) out.push('--max-num-tokens', String(k.maxNumTokens));
  if (k.poolRatio !== null) out.push('--pool-ratio', fmtRatio(k.poolRatio));
  if (k.draftTokens !== 0) out.push('--draft-tokens', String(k.draftTokens));
  if (k.numExtraKvTokens !== 0) out.push('--extra-kv-tokens', String(k.numExtraKvTokens));
  if (k.avgSeqLen !== null) out.push('--avg-seq-len', String(k.avgSeqLen));
  if (k.maxCudaGraphBatchSize) out.push('--max-cuda-graph-batch-size', String(k.maxCudaGraphBatchSize));
  if (k.estimationPass) out.push('--estimation-pass');
  out.push(...engineKnobFlags(s));
  out.push('--policy', s.policy, '--max-util-for-resume', String(s.maxUtilForResume));
  if (s.recomputePause) out.push('--recompute-pause');
  if (s.stallLimit !== 1000) out.push('--stall-limit', String(s.stallLimit));
  if (s.policy === 'vllm-v1') out.push('--vllm-admission', s.enginePolicy?.vllmAdmission ?? 'full-isl');
  if (s.policy === 'sglang') out.push('--sglang-eviction', s.enginePolicy?.sglangEviction ?? 'full-lru');
  return out;
}

/** The subject's own engine knobs as the flags the registry declares (a true bool is the bare flag). */
function engineKnobFlags(s: Subject): string[] {
  const out: string[] = [];
  for (const spec of getEngine(s.engine).knobs) {
    const v = s.engineKnobs?.[spec.name];
    if (v === undefined || v === null || SUBJECT_FIELDS.has(spec.name) || v === spec.default) continue;
    if (typeof v === 'boolean') {
      if (v) out.push(`--${spec.flag}`);
    } else out.push(`--${spec.flag}`, Array.isArray(v) ? v.join(',') : String(v));
  }
  return out;
}

/** The flags that differ between two subjects (what a fix asks the user to change). */
export function changedFlags(from: Subject, to: Subject): string[] {
  const a = pairs(subjectFlags(from));
  const b = pairs(subjectFlags(to));
  const out: string[] = [];
  for (const [flag, v] of b) if (a.get(flag) !== v) out.push(...(v === '' ? [flag] : [flag, v]));
  for (const [flag] of a) if (!b.has(flag)) out.push(flag === '--recompute-pause' ? '(drop --recompute-pause)' : flag === '--pool-ratio' ? '(drop --pool-ratio)' : `(drop ${flag})`);
  return out;
}

function pairs(flags: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < flags.length; i++) {
    const next = flags[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      m.set(flags[i], next);
      i++;
    } else m.set(flags[i], '');
  }
  return m;
}

export interface RunKnobs {
  readonly policy: string;
  readonly maxUtilForResume: number;
  readonly recomputePause: boolean;
  readonly stallLimit: number;
  readonly enginePolicy?: EngineSimOptions;
}

/** The run knobs with the engine's own scheduler policy when none was asked for (vLLM, SGLang). */
function engineRun(engine: string, run: Partial<RunKnobs> | undefined, fromScenario?: EngineSimOptions): RunKnobs {
  const own = getEngine(engine).policy;
  const policy = run?.policy ?? (ENGINE_POLICIES.includes(own) ? own : DEFAULT_RUN.policy);
  const enginePolicy = ENGINE_POLICIES.includes(policy) ? { ...fromScenario, ...run?.enginePolicy } : undefined;
  return { ...DEFAULT_RUN, ...run, policy, ...(enginePolicy ? { enginePolicy } : {}) };
}

/** What a named scenario or a preset is checked under (each absent field: the scenario's or the engine's default). */
export interface SubjectOptions {
  readonly engine?: string;
  readonly mode?: Exclude<ConstraintMode, 'custom'>;
  readonly knobs?: Partial<EngineKnobs>;
  readonly run?: Partial<RunKnobs>;
  /** The engine's own knobs by name (those that are not EngineKnobs fields; others are ignored here). */
  readonly engineKnobs?: Readonly<Record<string, KnobValue>>;
}

function engineKnobsOf(engine: string, o: SubjectOptions): { engineKnobs?: KnobValues } {
  const own = ownEngineKnobs(engine, o.engineKnobs ?? {});
  return Object.keys(own).length > 0 ? { engineKnobs: own } : {};
}

export const DEFAULT_RUN: RunKnobs = { policy: 'trtllm-v2', maxUtilForResume: 0.95, recomputePause: false, stallLimit: 1000 };

/**
 * A named scenario as a subject, under its pinned engine unless one is given. The layers and knobs
 * are the scenario's own; whether its typical step uses maxSeqLen (DeepSeek-V4) is read off the
 * scenario it built, so re-planning with changed knobs builds the same kind of step.
 */
export function scenarioSubject(name: string, o: SubjectOptions = {}): Subject {
  const named = NAMED_SCENARIOS.find((n) => n.name === name);
  if (!named) throw new InputError('scenario', name, NAMED_SCENARIOS.map((n) => n.name).join(', '));
  const mode = o.mode ?? (named.defaultConstraints as Exclude<ConstraintMode, 'custom'>);
  const engine = o.engine ?? named.engine;
  const built = scenarioConfig(name, { engine, constraints: mode, knobs: o.knobs, engineKnobs: o.engineKnobs });
  const { kvDtype: _d, ...knobs } = built.knobs;
  const layers = built.plan.scenario.layers;
  const typical = JSON.stringify(built.plan.scenario.typical_step);
  const fromMax = JSON.stringify(buildScenario([...layers], { ...knobs, typicalLengthFromMaxSeqLen: true }, mode).typical_step) === typical;
  return sglangLimit({ source: { kind: 'scenario', name }, layers, engine, knobs: { ...knobs, typicalLengthFromMaxSeqLen: fromMax }, mode, ...engineRun(engine, o.run, built.config.enginePolicy), ...engineKnobsOf(engine, o) });
}

/** A preset as a subject: the model's own engine defaults (tokens per block, dtype, maxSeqLen) under the default engine. */
export function presetSubject(id: string, o: SubjectOptions & { kvDtype?: KvDtype } = {}): Subject {
  const model = getPreset(id);
  const engine = o.engine ?? DEFAULT_ENGINE;
  const mode = o.mode ?? ((getEngine(engine).modes?.default ?? 'as-shipped') as Exclude<ConstraintMode, 'custom'>);
  const kvDtype = o.kvDtype ?? model.defaults.kvDtype;
  const knobs: EngineKnobs = {
    tokensPerBlock: model.defaults.tokensPerBlock,
    maxSeqLen: model.maxContext,
    maxBatchSize: 64,
    maxNumTokens: null,
    quotaBytes: 40 * 1024 ** 3,
    draftTokens: 0,
    numExtraKvTokens: 0,
    avgSeqLen: null,
    poolRatio: null,
    typicalLengthFromMaxSeqLen: isDeepseekV4(model),
    ...o.knobs,
  };
  const layers = modelToLayers(model, { tokensPerBlock: knobs.tokensPerBlock, kvDtype, draftTokens: knobs.draftTokens });
  return sglangLimit({ source: { kind: 'preset', id: model.id, kvDtype }, layers, engine, knobs, mode, ...engineRun(engine, o.run, { maxModelLen: knobs.maxSeqLen }), ...engineKnobsOf(engine, o) });
}

/**
 * SGLang's own request limit: the scheduler refuses a request longer than
 * max_req_len = min(context_len - 1, max_total_num_tokens - 1), max_total_num_tokens being the FULL
 * pool's tokens (sglang/srt/managers/tp_worker.py). So "within the engine's limits" for SGLang is at
 * most that many tokens; its sizer does not read maxSeqLen, so lowering it leaves the pools as they are.
 */
export function sglangLimit(s: Subject): Subject {
  if (s.policy !== 'sglang') return s;
  const plan = planSubject(s);
  if (plan.error || plan.slotCounts.length < 1) return s;
  const maxReqLen = plan.slotCounts[0] * plan.tokensPerBlock - 1;
  return maxReqLen < s.knobs.maxSeqLen ? withKnobs(s, { maxSeqLen: maxReqLen }) : s;
}
