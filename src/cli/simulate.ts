/**
 * `kvpool simulate`: plan the pools (named scenario, preset, config.json or engine scenario file),
 * run the decode scheduler over a workload and print the summary, per-pool peak pressure, a
 * sparkline of pressure per pool and the stall/deadlock report; --json / --csv export the trace.
 * Exit status: 0 completed or step limit, 3 deadlock, 2 bad input.
 */
import { isKvDtype, KV_DTYPES, type KvDtype } from '../model/dtype.ts';
import { DEFAULT_WORKLOAD } from '../model/engine-defaults.ts';
import { InputError } from '../model/errors.ts';
import { decimalOrNull, parseInteger } from '../model/parse.ts';
import type { EngineScenario, ModelKnobs } from '../planner/index.ts';
import type { SimInput } from '../sim/index.ts';
import { NAMED_SCENARIOS, POLICY_NAMES, type PolicyName, runSimulation, scenarioConfig, traceToCsv, traceToObject } from '../sim/index.ts';
import { SGLANG_EVICTIONS, type SglangEviction, VLLM_ADMISSIONS, type VllmAdmission } from '../sim/policies/engine-options.ts';
import { renderSimulation } from '../sim/report.ts';
import type { LengthDist, RequestSpec, Workload } from '../sim/types.ts';
import { distMax, parseTrace } from '../sim/workload.ts';
import { commandArgs, type FlagSpec, flagBool, flagInt, flagNumber, flagString, type ParsedArgs, parseBytes, withUserNames } from './args.ts';
import { engineKnobFlags, engineKnobValues, resolveEngines } from './engine-flags.ts';

/** A scenario file carries no maxSeqLen: its longest batch entry is the longest request it was sized for. */
function scenarioMaxSeqLen(s: EngineScenario): number {
  return Math.max(1, ...[s.typical_step, ...s.constraints].flatMap((b) => (b ? b.kv_caches.map((kv) => kv[0]) : [])));
}

import { allKnobs } from '../planner/engines/registry.ts';
import type { Io } from './io.ts';
import { enginesFromArgs, FIELD_TO_FLAG, modelWarnings, PLAN_FLAGS, parseMode, parseRatio, planFromArgs, withFlagNames } from './plan.ts';
import { otherEngineRun } from './plan-engines.ts';

/** Simulator field names -> the flags a user typed (plus the planner's, see plan.ts). */
const SIM_FIELD_TO_FLAG: ReadonlyMap<string, string> = new Map([
  ...FIELD_TO_FLAG,
  ['maxSteps', '--max-steps'],
  ['stallLimit', '--stall-limit'],
  ['maxUtilForResume', '--max-util-for-resume'],
  ['policy', '--policy'],
  ['seed', '--seed'],
  ['workload.requests', '--requests'],
  ['workload.prompt', '--prompt-len'],
  ['workload.output', '--output-len'],
  ['workload.arrivalRate', '--arrival-rate'],
  ['slotCounts', '--quota'],
]);

/**
 * Requests longer than maxSeqLen are bad input: the engine refuses them at admission, and a
 * simulator that took them would deadlock on a request no plan was sized for. A request's last
 * decode holds prompt + output - 1 tokens (the last token is never cached) plus the draft tokens:
 * that is what must fit maxSeqLen (the planner's longest decode has capacity maxSeqLen).
 */
function checkLengths(workload: Workload | readonly RequestSpec[] | null, args: ParsedArgs, maxSeqLen: number, draftTokens: number): void {
  if (workload === null) return;
  const fits = (prompt: number, output: number) => prompt + output - 1 + draftTokens <= maxSeqLen;
  const rule = `prompt + output - 1${draftTokens > 0 ? ` + ${draftTokens} draft tokens` : ''} <= --max-seq-len ${maxSeqLen}`;
  if (Array.isArray(workload)) {
    (workload as readonly RequestSpec[]).forEach((r, i) => {
      if (!fits(r.prompt, r.output)) throw new InputError(`--trace ${flagString(args, 'trace')} row ${i + 1}`, `prompt ${r.prompt}, output ${r.output}`, rule);
    });
    return;
  }
  const w = workload as Workload;
  if (w.kind !== 'spec' || fits(distMax(w.spec.prompt), distMax(w.spec.output))) return;
  // Name what the user typed: a length flag, else --max-seq-len, else the prompt length's default.
  const typed = ['prompt-len', 'output-len', 'max-seq-len'].find((f) => args.flags.has(f));
  // Nothing typed and a config.json: its max_position_embeddings set the default --max-seq-len.
  if (typed === undefined && args.flags.has('config')) {
    throw new InputError(`--config ${flagString(args, 'config')}: max_position_embeddings`, maxSeqLen, `at least ${distMax(w.spec.prompt) + distMax(w.spec.output) - 1 + draftTokens} for the default requests (prompt ${distMax(w.spec.prompt)}, output ${distMax(w.spec.output)}), or pass --max-seq-len and shorter --prompt-len / --output-len`);
  }
  const flag = typed ?? 'prompt-len';
  const value = flagString(args, flag) ?? 'the default (1024)';
  const reach = `prompt ${distMax(w.spec.prompt)}, output ${distMax(w.spec.output)}`;
  const what = flag === 'max-seq-len' ? `at least ${distMax(w.spec.prompt) + distMax(w.spec.output) - 1 + draftTokens} for requests of ${reach} (or a shorter --prompt-len / --output-len)` : `requests with ${rule} (these reach ${reach})`;
  throw new InputError(`--${flag}`, value, what);
}

const PLAN_FLAG_NAMES = new Set(['engine', 'preset', 'config', 'tokens-per-block', 'max-seq-len', 'max-batch-size', 'max-num-tokens', 'quota', 'kv-dtype', 'constraints', 'draft-tokens', 'extra-kv-tokens']);
/** Flags simulate reads itself even when the selected engine does not. */
const SIMULATE_READS = ['max-util-for-resume'];

/** Where a plan flag means something more (or defaults differently) for a simulation. */
const SIMULATE_HELP: Record<string, string> = {
  'max-num-tokens': 'token budget per pass; the planner sees it as max_num_tokens (default: unset for the planner, 8192 for the scheduler)',
  constraints: 'main | as-shipped | issue-fix | upstream | safe (default: the named scenario\'s, else the engine\'s)',
  engine: 'engine version that sizes the pools (default: the named scenario\'s pinned one, a file\'s "engine", else trtllm-v2@main)',
};

export const SIMULATE_FLAGS: FlagSpec[] = [
  { name: 'scenario', type: 'string', value: 'NAME|FILE', help: `named scenario (${NAMED_SCENARIOS.map((s) => s.name).join(', ')}) or an engine scenario JSON` },
  ...PLAN_FLAGS.filter((f) => PLAN_FLAG_NAMES.has(f.name)).map((f) => ({ ...f, help: SIMULATE_HELP[f.name] ?? f.help })),
  ...engineKnobFlags().filter((f) => !SIMULATE_READS.includes(f.name)),
  { name: 'policy', type: 'string', value: 'NAME', help: `${POLICY_NAMES.join(' | ')} (default trtllm-v2)` },
  { name: 'requests', type: 'string', value: 'N', help: 'generated requests (default 64)' },
  { name: 'prompt-len', type: 'string', value: 'N|MIN:MAX', help: 'prompt tokens (default 1024)' },
  { name: 'output-len', type: 'string', value: 'N|MIN:MAX', help: 'output tokens (default 256)' },
  { name: 'dist', type: 'string', value: 'DIST', help: 'fixed | uniform | lognormal (default fixed; lognormal: median N, sigma 0.6)' },
  { name: 'arrival-rate', type: 'string', value: 'R', help: 'Poisson arrivals per pass (default: all at pass 0)' },
  { name: 'seed', type: 'string', value: 'N', help: 'workload seed (mulberry32), default 1' },
  { name: 'trace', type: 'string', value: 'FILE', help: 'requests from JSON or CSV (arrival, prompt, output)' },
  { name: 'vllm-admission', type: 'string', value: 'GATE', help: `vllm-v1 admission gate: ${VLLM_ADMISSIONS.join(' | ')} (default full-isl, as shipped before PR #40946)` },
  { name: 'sglang-eviction', type: 'string', value: 'MODE', help: `sglang eviction: ${SGLANG_EVICTIONS.join(' | ')} (default full-lru, as shipped; bottleneck = the #29662 fix)` },
  { name: 'max-util-for-resume', type: 'string', value: 'U', help: 'trtllm-v2 resume gate in (0, 1] (default 0.95); trtllm-v2@main also scales its floors by it (PR #16484)' },
  { name: 'recompute-pause', type: 'bool', help: 'trtllm-v2: after suspending frees nothing, tear victims down (they re-prefill later)' },
  { name: 'stall-limit', type: 'string', value: 'N', help: 'stalled passes before deadlock (default 1000)' },
  { name: 'max-steps', type: 'string', value: 'N', help: 'pass limit (default 100000)' },
  { name: 'json', type: 'bool', help: 'print the summary and the trace as JSON' },
  { name: 'csv', type: 'bool', help: 'print the per-pass trace as CSV' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

function lengthDist(args: ParsedArgs, flag: string, dist: string, fallback: number): LengthDist {
  const raw = flagString(args, flag) ?? String(fallback);
  const parts = raw.split(':');
  if (parts.length > 2) throw new InputError(`--${flag}`, raw, 'N or MIN:MAX (positive integers)');
  const a = parseInteger(`--${flag}`, parts[0], 1, 'tokens');
  const b = parts.length === 2 ? parseInteger(`--${flag}`, parts[1], 1, 'tokens') : null;
  if (a < 1 || (b !== null && b < a)) throw new InputError(`--${flag}`, raw, 'N >= 1, or MIN:MAX with 1 <= MIN <= MAX');
  if (dist === 'fixed') {
    if (b !== null) throw new InputError(`--${flag}`, raw, 'a single N with --dist fixed (MIN:MAX needs --dist uniform or lognormal)');
    return { kind: 'fixed', value: a };
  }
  if (dist === 'uniform') return b === null ? { kind: 'uniform', min: 1, max: 2 * a - 1 } : { kind: 'uniform', min: a, max: b };
  const median = b === null ? a : Math.round(Math.sqrt(a * b));
  return { kind: 'lognormal', median, sigma: 0.6, min: b === null ? 1 : a, max: b === null ? 8 * a : b };
}

const WORKLOAD_FLAGS = ['requests', 'prompt-len', 'output-len', 'dist', 'arrival-rate', 'seed'];

function workloadFromArgs(args: ParsedArgs, io: Io): Workload | readonly RequestSpec[] | null {
  const tracePath = flagString(args, 'trace');
  if (tracePath !== undefined) {
    const clash = WORKLOAD_FLAGS.find((f) => args.flags.has(f));
    if (clash) throw new InputError(`--${clash}`, flagString(args, clash), `nothing: --trace ${tracePath} gives the requests`);
    return parseTrace(io.readText(tracePath, '--trace'), `--trace ${tracePath}`);
  }
  if (!WORKLOAD_FLAGS.some((f) => args.flags.has(f))) return null;
  const dist = flagString(args, 'dist') ?? 'fixed';
  if (!['fixed', 'uniform', 'lognormal'].includes(dist)) throw new InputError('--dist', dist, 'fixed, uniform or lognormal');
  return {
    kind: 'spec',
    spec: {
      requests: flagInt(args, 'requests', 0) ?? 64,
      prompt: lengthDist(args, 'prompt-len', dist, DEFAULT_WORKLOAD.promptLen),
      output: lengthDist(args, 'output-len', dist, DEFAULT_WORKLOAD.outputLen),
      arrivalRate: flagNumber(args, 'arrival-rate', 1e-9) ?? null,
      seed: flagInt(args, 'seed', 0) ?? 1,
    },
  };
}

/** Knob overrides for a named scenario: only the flags the user typed. */
export function knobOverrides(args: ParsedArgs): Partial<ModelKnobs> {
  const k: Partial<ModelKnobs> = {};
  const set = <K extends keyof ModelKnobs>(key: K, v: ModelKnobs[K] | undefined) => {
    if (v !== undefined) k[key] = v;
  };
  set('tokensPerBlock', flagInt(args, 'tokens-per-block', 1));
  set('maxSeqLen', flagInt(args, 'max-seq-len', 1));
  set('maxBatchSize', flagInt(args, 'max-batch-size', 1));
  set('maxNumTokens', flagInt(args, 'max-num-tokens', 1));
  set('draftTokens', flagInt(args, 'draft-tokens', 0));
  set('numExtraKvTokens', flagInt(args, 'extra-kv-tokens', 0));
  set('avgSeqLen', flagInt(args, 'avg-seq-len', 1));
  set('maxCudaGraphBatchSize', flagInt(args, 'max-cuda-graph-batch-size', 1));
  if (flagBool(args, 'estimation-pass')) set('estimationPass', true);
  const quota = flagString(args, 'quota');
  if (quota !== undefined) set('quotaBytes', parseBytes('--quota', quota));
  const ratio = flagString(args, 'pool-ratio');
  if (ratio !== undefined) set('poolRatio', parseRatio(ratio));
  const dtype = flagString(args, 'kv-dtype');
  if (dtype !== undefined) {
    if (!isKvDtype(dtype)) throw new InputError('--kv-dtype', dtype, KV_DTYPES.join(', '));
    set('kvDtype', dtype as KvDtype);
  }
  return k;
}

export function engineOptionsFromArgs(args: ParsedArgs) {
  const a = flagString(args, 'vllm-admission');
  if (a !== undefined && !(VLLM_ADMISSIONS as readonly string[]).includes(a)) throw new InputError('--vllm-admission', a, VLLM_ADMISSIONS.join(', '));
  const e = flagString(args, 'sglang-eviction');
  if (e !== undefined && !(SGLANG_EVICTIONS as readonly string[]).includes(e)) throw new InputError('--sglang-eviction', e, SGLANG_EVICTIONS.join(', '));
  if (a === undefined && e === undefined) return undefined;
  return { ...(a ? { vllmAdmission: a as VllmAdmission } : {}), ...(e ? { sglangEviction: e as SglangEviction } : {}) };
}

/** --max-util-for-resume in (0, 1], as trtllm-v2@main's knob takes it (0 would never resume anyone). */
export function utilFromArgs(args: ParsedArgs): number | undefined {
  const raw = flagString(args, 'max-util-for-resume');
  if (raw === undefined) return undefined;
  const v = decimalOrNull(raw);
  if (v === null || !(v > 0 && v <= 1)) throw new InputError('--max-util-for-resume', raw, 'a number in (0, 1]');
  return v;
}

export function policyFromArgs(args: ParsedArgs): PolicyName | undefined {
  const p = flagString(args, 'policy');
  if (p !== undefined && !(POLICY_NAMES as readonly string[]).includes(p)) throw new InputError('--policy', p, POLICY_NAMES.join(', '));
  return p as PolicyName | undefined;
}

async function configFromArgs(args: ParsedArgs, io: Io): Promise<{ config: SimInput; label: string }> {
  const scenario = flagString(args, 'scenario');
  const workload = workloadFromArgs(args, io);
  const run = {
    policy: policyFromArgs(args),
    maxUtilForResume: utilFromArgs(args),
    recomputePause: flagBool(args, 'recompute-pause') || undefined,
    maxSteps: flagInt(args, 'max-steps', 1),
    stallLimit: flagInt(args, 'stall-limit', 1),
    enginePolicy: engineOptionsFromArgs(args),
  };
  // The default stall limit (1000) follows a smaller --max-steps; a typed one is checked against it.
  if (run.stallLimit === undefined && run.maxSteps !== undefined && run.maxSteps < 1000) run.stallLimit = run.maxSteps;
  const named = NAMED_SCENARIOS.find((s) => s.name === scenario);
  if (named) {
    if (args.flags.has('preset') || args.flags.has('config')) throw new InputError('--preset', flagString(args, 'preset') ?? flagString(args, 'config'), `nothing: --scenario ${named.name} fixes the model`);
    const [engine] = resolveEngines(args, named.engine);
    const constraints = parseMode(flagString(args, 'constraints') ?? named.defaultConstraints, engine);
    const engineKnobs = engineKnobValues(args, [engine], SIMULATE_READS);
    const built = withFlagNames(() => scenarioConfig(named.name, { engine, constraints, knobs: knobOverrides(args), engineKnobs, workload: workload ?? undefined, ...run }));
    checkLengths(workload, args, built.knobs.maxSeqLen, built.knobs.draftTokens);
    const changed = [...Object.keys(knobOverrides(args)).map((k) => FIELD_TO_FLAG.get(k) ?? k), ...Object.keys(engineKnobs).map((k) => `--${allKnobs().find((x) => x.spec.name === k)?.spec.flag ?? k}`)];
    const note = changed.length > 0 ? ` (The story's numbers are the scenario as it ships; this run changes ${changed.join(', ')}.)` : '';
    return { config: built.config, label: `${named.name} (${engine}, constraints ${constraints}): ${named.story}${note}` };
  }
  if (scenario !== undefined) {
    // Not a named scenario: it must be a scenario file; say both options if it is neither.
    try {
      io.readText(scenario, '--scenario');
    } catch (e) {
      if (e instanceof InputError) throw new InputError('--scenario', scenario, `a named scenario (${NAMED_SCENARIOS.map((n) => n.name).join(', ')}) or a readable engine scenario JSON file`);
      throw e;
    }
  }
  const other = await otherEngineRun(args, io, SIMULATE_READS);
  if (other) {
    const otherWorkload: Workload | readonly RequestSpec[] = workload ?? { kind: 'spec', spec: { requests: 64, prompt: { kind: 'fixed', value: 1024 }, output: { kind: 'fixed', value: 256 }, arrivalRate: null, seed: 1 } };
    checkLengths(otherWorkload, args, other.maxSeqLen, 0);
    const config: SimInput = {
      plan: other.layout,
      workload: otherWorkload,
      maxBatchSize: flagInt(args, 'max-batch-size', 1) ?? 64,
      maxNumTokens: flagInt(args, 'max-num-tokens', 1) ?? 8192,
      ...Object.fromEntries(Object.entries(run).filter(([, v]) => v !== undefined)),
      policy: run.policy ?? other.policy,
      enginePolicy: { ...other.enginePolicy, ...run.enginePolicy },
    };
    return { config, label: other.label };
  }
  const engines = enginesFromArgs(args, io);
  if (engines.length > 1) throw new InputError('--engine', engines.join(','), 'one engine id (side by side is kvpool plan --engine A,B)');
  const planned = await planFromArgs(args, io, engines[0], SIMULATE_READS);
  for (const w of modelWarnings(planned, flagString(args, 'config') !== undefined ? 'max_position_embeddings' : 'maxContext')) io.err(w);
  const defaultWorkload: Workload = { kind: 'spec', spec: { requests: DEFAULT_WORKLOAD.requests, prompt: { kind: 'fixed', value: DEFAULT_WORKLOAD.promptLen }, output: { kind: 'fixed', value: DEFAULT_WORKLOAD.outputLen }, arrivalRate: null, seed: 1 } };
  checkLengths(workload ?? defaultWorkload, args, planned.knobs?.maxSeqLen ?? scenarioMaxSeqLen(planned.scenario), planned.knobs?.draftTokens ?? 0);
  const mbs = flagInt(args, 'max-batch-size', 1) ?? planned.knobs?.maxBatchSize ?? 64;
  const config: SimInput = {
    plan: planned.plan,
    workload: workload ?? defaultWorkload,
    maxBatchSize: mbs,
    maxNumTokens: flagInt(args, 'max-num-tokens', 1) ?? 8192,
    draftTokens: planned.knobs?.draftTokens ?? 0,
    ...Object.fromEntries(Object.entries(run).filter(([, v]) => v !== undefined)),
  };
  return { config, label: scenario ?? planned.model?.id ?? 'plan' };
}

export async function simulateCommand(argv: string[], io: Io): Promise<number> {
  const args = commandArgs('simulate', argv, SIMULATE_FLAGS, { usage: 'simulate [flags]', summary: 'Step the decode scheduler over the planned pools; report pressure, stalls and deadlocks (exit 3 on deadlock).' }, io);
  if (!args) return 0;
  const tracePath = flagString(args, 'trace');
  const names = new Map([...SIM_FIELD_TO_FLAG, ['workload', tracePath === undefined ? '--requests' : `--trace ${tracePath}`]]);
  // A scenario file's own snake_case fields are named as written in the file, not as flags.
  const scenarioPath = flagString(args, 'scenario');
  if (scenarioPath !== undefined && !NAMED_SCENARIOS.some((n) => n.name === scenarioPath)) {
    for (const k of [...names.keys()]) if (k.includes('_')) names.delete(k);
    names.set('slotCounts', `--scenario ${scenarioPath}: gpu_quota_bytes`);
  }
  const { config, label } = await withUserNames(names, () => configFromArgs(args, io));
  const trace = withUserNames(names, () => runSimulation(config));
  if (flagBool(args, 'json')) io.out(JSON.stringify({ ...trace.summary, trace: traceToObject(trace) }));
  else if (flagBool(args, 'csv')) io.out(traceToCsv(trace));
  else io.out(renderSimulation(trace, label));
  return trace.summary.outcome === 'deadlock' ? 3 : 0;
}
