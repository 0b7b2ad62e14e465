/**
 * The link's text: parse (never trusting it: validate, report, keep the default) and serialize
 * (only what differs from the scenario's base state), plus the run key (the parameters that change
 * the simulated run; anything else is only a view of the same run).
 */

import { followPreset } from './follow.ts';
import { KNOB_PARAMS, knobByUrl, withKnob } from './knobs.ts';
import { DEFAULT_WORKLOAD, engineDefaults, MAX_LINK_CHARS, PARAMS, type ParamSpec, presetDefaults, type ScenarioName, scenarioDefaults, type UiState } from './params.ts';

const GENERIC: UiState = {
  scenario: 'trtllm-15401',
  preset: 'deepseek-v4-flash',
  engine: 'trtllm-v2@15401',
  knobs: {},
  tokensPerBlock: 256,
  maxSeqLen: 137_984,
  maxBatchSize: 64,
  maxNumTokens: 0,
  quotaGiB: 40,
  kvDtype: 'fp8',
  mode: 'as-shipped',
  poolRatio: [],
  policy: 'trtllm-v2',
  maxUtilForResume: 0.95,
  recomputePause: 'off',
  workload: 'scenario',
  requests: DEFAULT_WORKLOAD.requests,
  promptLen: DEFAULT_WORKLOAD.promptLen,
  outputLen: DEFAULT_WORKLOAD.outputLen,
  dist: 'fixed',
  spread: 0.5,
  arrivalRate: 0,
  seed: 1,
  step: 0,
  view: 'pools',
  request: -1,
  inspectLc: '',
  compareMode: 'issue-fix',
  comparePolicy: 'trtllm-v2',
  compareEngine: '',
  speed: 30,
  config: '',
  requestTrace: '',
  maxSteps: 100_000,
  lesson: '',
  lessonStep: 0,
};

/** The page with no query: the trtllm-15401 scenario as the core defines it. */
let defaults: Readonly<UiState> | null = null;
/** The page with no query: the trtllm-15401 scenario as the core defines it (built on first use,
 * not at import: it plans the scenario, and the page's first task should stay short). */
export function defaultState(): Readonly<UiState> {
  defaults ??= Object.freeze({ ...GENERIC, ...scenarioDefaults('trtllm-15401') });
  return defaults;
}

/**
 * What a link starts from: the scenario's own values under `engine` (default: the scenario's
 * pinned one; presets: the default engine). Presets take the engine's own mode and policy, as
 * `kvpool plan --engine` does; a named scenario keeps its mode under another version. A preset
 * (`custom`) also takes what the picker brings from the page with no query: the model's own engine
 * defaults (as `kvpool plan --preset` does) and a generated workload of maxBatchSize requests.
 */
export function baseState(scenario: ScenarioName, engine?: string, preset?: string): UiState {
  const own = scenario === 'custom' ? presetDefaults(engine) : { ...scenarioDefaults(scenario), ...(engine ? engineDefaults(engine, false) : {}) };
  const d = defaultState();
  const model = scenario === 'custom' ? { preset: preset ?? d.preset, ...followPreset(preset ?? d.preset, d) } : {};
  return { ...d, poolRatio: [...d.poolRatio], ...own, ...(own.poolRatio ? { poolRatio: [...own.poolRatio] } : {}), ...model, scenario };
}

/** The base a state's link is read and written against: a preset's generated requests follow maxBatchSize (as in the picker). */
function linkBase(scenario: ScenarioName, engine: string | undefined, preset: string, maxBatchSize: number | null): UiState {
  const base = baseState(scenario, engine, preset);
  return scenario === 'custom' && maxBatchSize !== null ? { ...base, requests: maxBatchSize } : base;
}

export interface UrlProblem {
  readonly param: string;
  readonly value: string;
  readonly expected: string;
}

/** Human-readable, one line; the value is quoted and truncated (it is shown with textContent). */
export function describeProblem(p: UrlProblem): string {
  const v = p.value.length > 40 ? `${p.value.slice(0, 37)}...` : p.value;
  return `URL parameter "${p.param}": got ${JSON.stringify(v)}; expected ${p.expected}. Using the default.`;
}

const KNOWN_URL_KEYS = new Set([...PARAMS.map((p) => p.url), ...KNOB_PARAMS.map((k) => k.url)]);

function set<K extends keyof UiState>(state: UiState, key: K, value: UiState[K]): void {
  state[key] = value;
}

/** Parse a query string (with or without '?'). Never throws. */
export function parseUrlState(search: string): { state: UiState; problems: UrlProblem[] } {
  // A link past the limits table's length is not read at all (the dev server would refuse it too).
  if (search.length > MAX_LINK_CHARS) {
    return { state: baseState(GENERIC.scenario), problems: [{ param: 'link', value: `${search.length} characters`, expected: `at most ${MAX_LINK_CHARS} characters (the link limit)` }] };
  }
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const problems: UrlProblem[] = [];
  const scenario = linkScenario(params, problems);
  const engineSpec = PARAMS.find((p) => p.key === 'engine') as ParamSpec<'engine'>;
  const rawEngine = params.get('engine');
  const engine = rawEngine === null ? undefined : engineSpec.parse(rawEngine);
  const state = baseState(scenario.name, typeof engine === 'string' ? engine : undefined, scenario.preset);
  for (const spec of PARAMS) {
    if (spec.key === 'scenario') continue;
    const raw = params.get(spec.url);
    if (raw === null) continue;
    const r = (spec.parse as (s: string) => unknown)(raw);
    if (r !== null && typeof r === 'object' && !Array.isArray(r)) {
      problems.push({ param: spec.url, value: raw, expected: (r as { error: string }).error });
    } else {
      set(state, spec.key, r as never);
    }
  }
  // A preset's generated requests follow maxBatchSize unless the link says how many (the picker's rule).
  if (scenario.name === 'custom' && params.get('requests') === null) state.requests = state.maxBatchSize;
  state.knobs = parseKnobs(params, state.engine, problems);
  const seen = new Set<string>();
  for (const k of params.keys()) {
    if (seen.has(k)) continue;
    seen.add(k);
    if (!KNOWN_URL_KEYS.has(k)) problems.push({ param: k, value: params.get(k) ?? '', expected: 'no such parameter (ignored)' });
    // A repeated key is ambiguous: say so instead of silently using the first value.
    else if (params.getAll(k).length > 1) problems.push({ param: k, value: params.getAll(k).join(' | '), expected: `one value (given ${params.getAll(k).length} times; the first is used)` });
  }
  return { state, problems };
}

/**
 * The link's scenario and preset (both checked here; a bad one is reported later by the table and
 * the default kept). A link naming only another preset reads as choosing it on the default page:
 * the picker leaves the named scenario.
 */
function linkScenario(params: URLSearchParams, problems: UrlProblem[]): { name: ScenarioName; preset: string | undefined } {
  const valid = (key: 'scenario' | 'preset'): string | undefined => {
    const raw = params.get(key);
    const r = raw === null ? undefined : (PARAMS.find((p) => p.key === key) as ParamSpec<typeof key>).parse(raw);
    // The table's loop reports a bad preset; the scenario is read only here.
    if (key === 'scenario' && raw !== null && typeof r === 'object') problems.push({ param: key, value: raw, expected: r.error });
    return typeof r === 'string' ? r : undefined;
  };
  const named = valid('scenario');
  const preset = valid('preset');
  if (named !== undefined) return { name: named, preset };
  return { name: preset !== undefined && preset !== GENERIC.preset ? 'custom' : GENERIC.scenario, preset };
}

/** The engine knobs of a link: each checked by its declaration; a knob the engine does not read is reported and dropped. */
function parseKnobs(params: URLSearchParams, engine: string, problems: UrlProblem[]): UiState['knobs'] {
  let out: UiState['knobs'] = {};
  for (const k of KNOB_PARAMS) {
    const raw = params.get(k.url);
    if (raw === null) continue;
    if (!k.engines.includes(engine)) {
      problems.push({ param: k.url, value: raw, expected: `a knob of ${k.engines.join(' or ')} only; engine is ${engine} (ignored)` });
      continue;
    }
    const r = k.parse(raw);
    if (r !== null && typeof r === 'object' && !Array.isArray(r)) problems.push({ param: k.url, value: raw, expected: (r as { error: string }).error });
    else out = withKnob(out, k, r as UiState['knobs'][string]);
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** Serialize: only what differs from the scenario's base state; `scenario` always first. */
export function serializeUrlState(state: UiState): string {
  const base = linkBase(state.scenario, state.engine, state.preset, state.maxBatchSize);
  const out = new URLSearchParams();
  out.set('scenario', state.scenario);
  for (const spec of PARAMS) {
    if (spec.key === 'scenario') continue;
    const v = state[spec.key];
    // The engine against the scenario's own (pinned or default) one, the preset against the default
    // one; the rest against the base of that engine and preset.
    const against = spec.key === 'engine' ? baseState(state.scenario).engine : spec.key === 'preset' ? defaultState().preset : base[spec.key];
    if (sameValue(v, against)) continue;
    out.set(spec.url, (spec.serialize as (x: unknown) => string)(v));
  }
  for (const [name, v] of Object.entries(state.knobs)) {
    const k = KNOB_PARAMS.find((x) => x.name === name);
    if (k && !sameValue(v, k.spec.default)) out.set(k.url, k.serialize(v));
  }
  return `?${out.toString()}`;
}

/** Keys that change the simulated run (anything else is only a view of the same run). */
export const RUN_KEYS: readonly (keyof UiState)[] = [
  'scenario',
  'preset',
  'engine',
  'knobs',
  'tokensPerBlock',
  'maxSeqLen',
  'maxBatchSize',
  'maxNumTokens',
  'quotaGiB',
  'kvDtype',
  'mode',
  'poolRatio',
  'policy',
  'maxUtilForResume',
  'recomputePause',
  'workload',
  'requests',
  'promptLen',
  'outputLen',
  'dist',
  'spread',
  'arrivalRate',
  'seed',
  'config',
  'requestTrace',
  'maxSteps',
];

export function runKey(state: UiState): string {
  return JSON.stringify(RUN_KEYS.map((k) => (k === 'knobs' ? Object.entries(state.knobs).sort(([a], [b]) => (a < b ? -1 : 1)) : state[k])));
}

export { knobByUrl };
