/**
 * Named scenarios: one-click reproductions with a one-line story (the UI shows it).
 *
 *  trtllm-15401  DeepSeek-V4-Flash fp8, tpb 256, maxSeqLen 137984, maxBatchSize 64, 40 GiB,
 *                initial_pool_ratio [0.01, 0.98, 0.01], GPU-only tier, recompute-pause off.
 *  trtllm-15401-main  the same under trtllm-v2@main (mode main): pool_ratio per life cycle, no
 *                constraints built, floors only the structural [2, 2, 2]; STATE still 7 slots.
 *  straddle      one window-128 pool, tpb 256, decodes crossing a block boundary together.
 */

import { InputError } from '../model/errors.ts';
import { getPreset } from '../model/presets.ts';
import type { ConstraintMode } from '../planner/build.ts';
import { buildScenario, type KnobValues, type ModelKnobs, planAndDiagnose, planModel } from '../planner/index.ts';
import type { LayerJson } from '../planner/scenario.ts';
import type { Plan } from '../planner/types.ts';
import type { SimInput } from './index.ts';
import type { EngineSimOptions } from './policies/engine-options.ts';
import { buildSglang29662, buildVllm39734, ENGINE_SCENARIO_MODELS, ENGINE_SCENARIO_STORIES, type EngineScenarioBuild, type EngineScenarioOverrides } from './scenarios-engines.ts';
import type { PolicyName, RequestSpec, Workload } from './types.ts';

export interface ScenarioOverrides {
  /** Engine registry id; default: the scenario's pinned version. */
  readonly engine?: string;
  readonly constraints?: ConstraintMode;
  readonly policy?: PolicyName;
  readonly knobs?: Partial<ModelKnobs>;
  readonly workload?: Workload | readonly RequestSpec[];
  readonly maxNumTokens?: number;
  readonly maxUtilForResume?: number;
  readonly recomputePause?: boolean;
  readonly stallLimit?: number;
  readonly maxSteps?: number;
  readonly seed?: number;
  /** vLLM / SGLang policy options (the admission gate, the eviction) over the scenario's own. */
  readonly enginePolicy?: EngineSimOptions;
  /** The engine's own sizing knobs by name (read by the vLLM / SGLang scenarios' sizers). */
  readonly engineKnobs?: KnobValues;
}

export interface NamedScenario {
  readonly name: string;
  readonly title: string;
  /** One line for the UI. */
  readonly story: string;
  readonly defaultConstraints: ConstraintMode;
  /** The engine version the scenario is pinned to (`--engine` overrides it). */
  readonly engine: string;
  /** The scenario's own model in words, when it brings one instead of a preset (the page shows it). */
  readonly ownModel?: string;
  /** What to expect under each constraint mode (asserted in tests). */
  readonly expect: Partial<Record<ConstraintMode, string>>;
  build(o?: ScenarioOverrides): { readonly config: SimInput; readonly plan: Plan; readonly knobs: ModelKnobs; readonly report?: string };
}

const GiB = 1024 ** 3;
/** The version #15401 was reported against; the named reproductions pin it. */
const V15401 = 'trtllm-v2@15401';
/** What a user runs today. */
const VMAIN = 'trtllm-v2@main';

/** The resume gate feeds the planner's headroom too (read by versions with that rule). */
function engineKnobs(o: ScenarioOverrides): KnobValues {
  return o.maxUtilForResume === undefined ? {} : { maxUtilForResume: o.maxUtilForResume };
}
/** The engine's default per-iteration token budget (the planner saw max_num_tokens unset: #16269). */
const ENGINE_MAX_NUM_TOKENS = 8192;

/**
 * #15401 workload: 64 short requests arriving together. 32 of 200 + 200 tokens cross the 256-token
 * block boundary while decoding; 32 of 100 + 50 never do. In list order the crossing ones come
 * first, so under as-shipped floors the 7 STATE holders are all crossing ones.
 *
 * Why this mix (what the §3 rules give when followed faithfully):
 *  - 64 identical requests that never cross a boundary (e.g. 100 + 50) do NOT deadlock as-shipped:
 *    the 8th request's context fails, but the only started requests were scheduled in the same
 *    pass, so nothing is preempted; the 7 finish and the next 7 start (501 passes instead of 51).
 *  - 64 identical requests that all cross (e.g. 200 + 200) deadlock as-shipped (STATE) AND with
 *    issue-fix floors (SWA: 64 slots, 64 holders, each needs a second block at h = 256).
 *  - Under issue-fix the 32 short ones finish before the long ones cross, leaving 32 free slots for
 *    their second block; as-shipped, the 7 long holders cross together and nothing can free a slot.
 */
export function workload15401(): RequestSpec[] {
  const out: RequestSpec[] = [];
  for (let i = 0; i < 32; i++) out.push({ arrival: 0, prompt: 200, output: 200 });
  for (let i = 0; i < 32; i++) out.push({ arrival: 0, prompt: 100, output: 50 });
  return out;
}

/** The #15401 knobs; the version and mode come from the caller (the two named scenarios differ only there). */
function scenario15401(o: ScenarioOverrides = {}, pinned: { engine: string; mode: ConstraintMode } = { engine: V15401, mode: 'as-shipped' }) {
  const knobs: ModelKnobs = {
    tokensPerBlock: 256,
    maxSeqLen: 137_984,
    maxBatchSize: 64,
    maxNumTokens: null,
    quotaBytes: 40 * GiB,
    kvDtype: 'fp8',
    draftTokens: 0,
    numExtraKvTokens: 0,
    avgSeqLen: null,
    poolRatio: [0.01, 0.98, 0.01],
    ...o.knobs,
  };
  const { plan } = planModel(getPreset('deepseek-v4-flash'), knobs, o.constraints ?? pinned.mode, undefined, o.engine ?? pinned.engine, engineKnobs(o));
  return { plan, knobs, workload: o.workload ?? workload15401() };
}

/** One window-128 layer whose slot is exactly one 2 MiB grain, so a tiny quota pins slots = floor. */
const STRADDLE_LAYERS: LayerJson[] = [{ layer_id: 0, kind: 'attn', window: 128, sink_tokens: null, buffers: [{ role: 'key', bytes_per_block: 2 * 1024 * 1024 }] }];

function scenarioStraddle(o: ScenarioOverrides = {}) {
  const knobs: ModelKnobs = {
    tokensPerBlock: 256,
    maxSeqLen: 4096,
    maxBatchSize: 16,
    maxNumTokens: 4096,
    quotaBytes: 1,
    kvDtype: 'fp8',
    draftTokens: 0,
    numExtraKvTokens: 0,
    avgSeqLen: null,
    poolRatio: null,
    ...o.knobs,
  };
  const scenario = buildScenario(STRADDLE_LAYERS, knobs, o.constraints ?? 'issue-fix', undefined, 'straddle');
  const { plan } = planAndDiagnose(scenario, knobs, o.engine ?? V15401, engineKnobs(o));
  // 16 requests decoding in lockstep from h = 200: at h = 256 every window [h-127, h] spans 2 blocks.
  const workload = o.workload ?? Array.from({ length: knobs.maxBatchSize }, () => ({ arrival: 0, prompt: 200, output: 100 }));
  return { plan, knobs, workload };
}

function configOf(o: ScenarioOverrides, s: { plan: Plan; knobs: ModelKnobs; workload: Workload | readonly RequestSpec[] }): SimInput {
  return {
    plan: s.plan,
    policy: o.policy ?? 'trtllm-v2',
    workload: s.workload,
    maxBatchSize: s.knobs.maxBatchSize,
    maxNumTokens: o.maxNumTokens ?? s.knobs.maxNumTokens ?? ENGINE_MAX_NUM_TOKENS,
    maxUtilForResume: o.maxUtilForResume ?? 0.95,
    recomputePause: o.recomputePause ?? false,
    stallLimit: o.stallLimit ?? Math.min(1000, o.maxSteps ?? 1000), // the default follows a smaller step limit
    maxSteps: o.maxSteps ?? 100_000,
    draftTokens: s.knobs.draftTokens,
    seed: o.seed,
  };
}

const NAMED_SCENARIOS_MUT: NamedScenario[] = [
  {
    name: 'trtllm-15401',
    title: 'TensorRT-LLM #15401: DeepSeek-V4-Flash, skewed pool ratio, STATE pool at its floor',
    story:
      'pool_ratio [0.01, 0.98, 0.01] pins the STATE pool (window 8) at 7 slots: at most 7 requests hold slots, they cross a block boundary together, suspending frees nothing on a GPU-only tier and the resume gate stays shut: deadlock. issue-fix floors (64) let all 64 finish.',
    defaultConstraints: 'as-shipped',
    engine: V15401,
    expect: { 'as-shipped': 'deadlock in pool group 2 (STATE) with 7 slots', 'issue-fix': 'all 64 requests complete' },
    build(o = {}) {
      const s = scenario15401(o);
      return { config: configOf(o, s), plan: s.plan, knobs: s.knobs };
    },
  },
  {
    name: 'trtllm-15401-main',
    title: 'TensorRT-LLM #15401 under today\'s sizing (trtllm-v2@main): the deadlock survives',
    story:
      'The same model and skewed pool_ratio, now one ratio per life cycle (SWA, COMPRESS, STATE) and sized by the C++ storage manager: with a pool_ratio the wrapper builds no constraints, so the floors are only the structural [2, 2, 2]; STATE still gets 7 slots and the run still deadlocks on STATE.',
    defaultConstraints: 'main',
    engine: VMAIN,
    expect: { main: 'deadlock in pool group 2 (STATE) with 7 slots; min_slots [2, 2, 2]; pool groups [COMPRESS, SWA, STATE]' },
    build(o = {}) {
      const s = scenario15401(o, { engine: VMAIN, mode: 'main' });
      return { config: configOf(o, s), plan: s.plan, knobs: s.knobs };
    },
  },
  {
    name: 'straddle',
    title: 'The straddle block: a window of 128 with 256-token blocks',
    story:
      'Window 128, tpb 256, 16 decodes cross a block boundary together: each window then spans 2 blocks, so the issue-fix floor of maxBatchSize (16 slots) covers only half the batch and the run stalls; the straddle-aware safe floor completes.',
    defaultConstraints: 'issue-fix',
    engine: V15401,
    ownModel: 'one attention layer with a 128-token window, 2 MiB per slot',
    expect: { 'issue-fix': 'deadlock in pool group 0 with 16 slots', safe: 'all 16 requests complete' },
    build(o = {}) {
      const s = scenarioStraddle(o);
      return { config: configOf(o, s), plan: s.plan, knobs: s.knobs };
    },
  },
];

export const NAMED_SCENARIOS: readonly NamedScenario[] = NAMED_SCENARIOS_MUT;

/** An engine scenario (vLLM / SGLang): constraint modes do not apply; workload and limits may be overridden. */
function engineScenario(name: keyof typeof ENGINE_SCENARIO_STORIES, engine: string, title: string, expect: string, build: (o: EngineScenarioOverrides) => EngineScenarioBuild): NamedScenario {
  return {
    name,
    engine,
    ownModel: ENGINE_SCENARIO_MODELS[name],
    title,
    story: ENGINE_SCENARIO_STORIES[name],
    defaultConstraints: 'as-shipped',
    expect: { 'as-shipped': expect },
    build(o = {}) {
      const b = build({ stallLimit: o.stallLimit, knobs: o.knobs, engineKnobs: o.engineKnobs });
      const enginePolicy = { ...b.config.enginePolicy, ...o.enginePolicy };
      return { ...b, config: { ...b.config, enginePolicy, ...(o.workload ? { workload: o.workload } : {}), ...(o.maxSteps ? { maxSteps: o.maxSteps } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) } };
    },
  };
}

NAMED_SCENARIOS_MUT.push(
  engineScenario('vllm-39734', 'vllm-v1', 'vLLM #39734: sizing and admission drift, a prompt within max_model_len never admitted', 'deadlock: Running 0, Waiting 1, KV usage 0%', (o) => buildVllm39734(false, o)),
  engineScenario('vllm-39734-fixed', 'vllm-v1', 'vLLM PR #40946: one bound for sizing and admission', 'both requests complete', (o) => buildVllm39734(true, o)),
  engineScenario('sglang-29662', 'sglang', 'SGLang #29662: KV cache full while SWA tokens are evictable', 'deadlock in pool group 1 (SWA)', (o) => buildSglang29662(false, o)),
  engineScenario('sglang-29662-fixed', 'sglang', 'SGLang, fixed: evict SWA entries when SWA is the short pool', 'the request completes', (o) => buildSglang29662(true, o)),
);

export function listScenarios(): readonly NamedScenario[] {
  return NAMED_SCENARIOS;
}

export function scenarioConfig(name: string, overrides: ScenarioOverrides = {}): ReturnType<NamedScenario['build']> {
  const s = NAMED_SCENARIOS.find((n) => n.name === name);
  if (!s) throw new InputError('scenario', name, NAMED_SCENARIOS.map((n) => n.name).join(', '));
  return s.build(overrides);
}
