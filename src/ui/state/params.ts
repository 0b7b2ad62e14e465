/**
 * URL state as a declared table (DESIGN convention 11, TensorFlow Playground style).
 *
 * Every control of the playground is one row below: its URL key, its default, a parser that never
 * trusts the URL (validate, clamp, report) and a serializer. `parseUrlState` returns the state plus a
 * list of problems; an invalid value is reported and replaced by its default, never executed and
 * never put into the page as markup (the views only ever use textContent).
 *
 * Named scenarios set their own defaults for the other rows, so a URL only carries what differs
 * from "table default + scenario defaults", e.g. ?scenario=trtllm-15401&mode=issue-fix&step=120.
 */
import { LIMITS, URL_CONFIG_CHARS } from '../../limits.ts';
import { KV_DTYPES } from '../../model/dtype.ts';
import { DEFAULT_WORKLOAD, engineDefaultsFor, parseSize } from '../../model/engine-defaults.ts';
import { decimalOrNull, integerOrNull } from '../../model/parse.ts';
import { getPreset, hasPreset, presetId } from '../../model/presets.ts';
import { CONSTRAINT_MODES } from '../../planner/build.ts';
import { allKnobs, DEFAULT_ENGINE, engineIds, getEngine } from '../../planner/engines/registry.ts';
import type { KnobSpec, KnobValue } from '../../planner/engines/types.ts';
import { NAMED_SCENARIOS } from '../../sim/scenarios.ts';
import { POLICY_NAMES } from '../../sim/types.ts';
import { VIEW_IDS } from '../views/registry.ts';

export { fromBase64Url, toBase64Url } from './b64.ts';
// For state/knobs.ts and state/follow.ts (only this file of the state imports the core).
export { allKnobs, DEFAULT_ENGINE, DEFAULT_WORKLOAD, decimalOrNull, engineDefaultsFor, getEngine, getPreset, hasPreset, integerOrNull, type KnobSpec, type KnobValue };

/** Longest base64url value accepted in a link (about 45 kB of text), and the longest link: from the limits table. */
export const MAX_CONFIG_CHARS = URL_CONFIG_CHARS;
export const MAX_LINK_CHARS = LIMITS.urlChars.max;

// Value lists come from the core (and the view registry), never copies: a new named scenario,
// constraint mode, policy or dtype in the core is a new valid URL value here without an edit.
export const SCENARIOS = [...NAMED_SCENARIOS.map((s) => s.name), 'custom'] as const;
export const MODES = CONSTRAINT_MODES;
/** The engine registry's ids, in picker order: the URL's `engine` values (no second list). */
export const ENGINE_IDS: readonly string[] = engineIds();
export const POLICIES = POLICY_NAMES;
export const DTYPES = KV_DTYPES;
export const RECOMPUTE = ['off', 'on'] as const;
export const DISTS = ['fixed', 'uniform', 'lognormal'] as const;
export const VIEWS = VIEW_IDS;
/** 'scenario' = the named scenario's own request list; 'generated' = from the workload knobs;
 * 'trace' = an imported request trace (arrival, prompt, output), carried in the link. */
export const WORKLOADS = ['scenario', 'generated', 'trace'] as const;

export type ScenarioName = string;
export type ConstraintMode = (typeof MODES)[number];
export type PolicyName = (typeof POLICIES)[number];
export type KvDtypeName = (typeof DTYPES)[number];
export type DistName = (typeof DISTS)[number];
export type ViewName = string;
export type WorkloadSource = (typeof WORKLOADS)[number];

export interface UiState {
  scenario: ScenarioName;
  preset: string;
  /** Engine registry id that sizes the pools (a named scenario pins its own; presets: DEFAULT_ENGINE). */
  engine: string;
  /** The engines' own knobs by knob name (EngineSizer.knobs); absent = the knob's default. */
  knobs: Readonly<Record<string, KnobValue>>;
  tokensPerBlock: number;
  maxSeqLen: number;
  maxBatchSize: number;
  /** 0 = no token budget (null in the planner). */
  maxNumTokens: number;
  quotaGiB: number;
  kvDtype: KvDtypeName;
  mode: ConstraintMode;
  /** Empty = no explicit pool ratio. */
  poolRatio: number[];
  policy: PolicyName;
  maxUtilForResume: number;
  /** TensorRT-LLM's recompute pause (policy trtllm-v2): tear a victim's KV down instead of suspending it. */
  recomputePause: (typeof RECOMPUTE)[number];
  workload: WorkloadSource;
  requests: number;
  promptLen: number;
  outputLen: number;
  dist: DistName;
  /** Spread of the length distribution: uniform = v(1 +- spread); log-normal sigma = spread. */
  spread: number;
  /** Requests per step (Poisson); 0 = all arrive at step 0. */
  arrivalRate: number;
  seed: number;
  step: number;
  view: ViewName;
  /** Request inspected in the attention inspector; -1 = first active one. */
  request: number;
  /** Pool group and life cycle shown by the inspector, "pg:lc" ('' = the first). */
  inspectLc: string;
  /** Second constraint mode of the compare view. */
  compareMode: ConstraintMode;
  comparePolicy: PolicyName;
  /** Compare: the right side's engine ('' = the same engine; then modes or policies are compared). */
  compareEngine: string;
  speed: number;
  /** A pasted config.json / engine scenario, minified JSON as base64url ('' = none). */
  config: string;
  /** An imported request trace (JSON or CSV text) as base64url ('' = none). */
  requestTrace: string;
  /** Passes after which the simulator stops ("step-limit"); the run says so. */
  maxSteps: number;
  /** Guided lesson id ('' = none) and the step of it on screen (`step` stays the timeline's pass). */
  lesson: string;
  lessonStep: number;
}

export interface ParamSpec<K extends keyof UiState> {
  readonly key: K;
  /** Short key used in the URL. */
  readonly url: string;
  readonly label: string;
  /** Returns the parsed value or a string saying what is valid. */
  readonly parse: (raw: string) => UiState[K] | { error: string };
  readonly serialize: (v: UiState[K]) => string;
}
type AnySpec = { [K in keyof UiState]: ParamSpec<K> }[keyof UiState];

/** A number in [min, max] (or (min, max]) read by one of the core's strict parsers, shared with the CLI (no hex, no blanks). */
function rangeParam<K extends keyof UiState>(key: K, url: string, label: string, min: number, max: number, read: (raw: string) => number | null, what: string, minExclusive = false): ParamSpec<K> {
  return {
    key,
    url,
    label,
    parse: (raw) => {
      const n = raw === raw.trim() ? read(raw) : null;
      if (n === null || n < min || n > max || (minExclusive && n === min)) return { error: `${what} in ${minExclusive ? '(' : '['}${min}, ${max}]` };
      return n as UiState[K];
    },
    serialize: (v) => String(v),
  };
}

const intParam = <K extends keyof UiState>(key: K, url: string, label: string, min: number, max: number) => rangeParam(key, url, label, min, max, integerOrNull, 'an integer');
const numParam = <K extends keyof UiState>(key: K, url: string, label: string, min: number, max: number, minExclusive = false) => rangeParam(key, url, label, min, max, decimalOrNull, 'a number', minExclusive);

function enumParam<K extends keyof UiState>(key: K, url: string, label: string, values: readonly string[]): ParamSpec<K> {
  return {
    key,
    url,
    label,
    parse: (raw) => (values.includes(raw) ? (raw as UiState[K]) : { error: `one of ${values.join(', ')}` }),
    serialize: (v) => String(v),
  };
}

/** Only the alphabet and the size are checked here; decoding and JSON/field validation happen
 * where the text is used, and their errors are shown next to its field. */
function b64Param<K extends 'config' | 'requestTrace'>(key: K, url: string, label: string): ParamSpec<K> {
  return { key, url, label, parse: (raw) => (raw.length <= MAX_CONFIG_CHARS && /^[A-Za-z0-9_-]*$/.test(raw) ? raw : { error: `base64url text of at most ${MAX_CONFIG_CHARS} characters` }), serialize: (v) => v };
}

const PRESET_ID = /^[a-z0-9][a-z0-9.\-_]{0,63}$/;

/** The declared table: order = order of the controls and of the URL. */
export const PARAMS: readonly AnySpec[] = [
  enumParam('scenario', 'scenario', 'Scenario', SCENARIOS),
  {
    key: 'preset',
    url: 'preset',
    label: 'Model preset',
    parse: (raw) => (PRESET_ID.test(raw) ? presetId(raw) : null) ?? { error: 'a preset id such as deepseek-v4-flash (kvpool presets lists them)' },
    serialize: (v) => v,
  },
  enumParam('engine', 'engine', 'Engine (sizer)', ENGINE_IDS),
  intParam('tokensPerBlock', 'tpb', 'Tokens per block', 1, LIMITS.pageControls.max),
  intParam('maxSeqLen', 'maxSeqLen', 'maxSeqLen', 1, LIMITS.tokens.max),
  intParam('maxBatchSize', 'maxBatch', 'maxBatchSize', 1, LIMITS.pageControls.max),
  intParam('maxNumTokens', 'maxTokens', 'maxNumTokens (0 = unset; scheduler 8192)', 0, LIMITS.tokens.max),
  {
    key: 'quotaGiB',
    url: 'quota',
    label: 'Quota (GiB, or with B/KiB/MiB/TiB)',
    parse: (raw) => {
      // A bare number is GiB; with a unit, the CLI's units (1TiB, 512MiB, 1B): one parser for both.
      const bytes = /^\s*(\d+\.?\d*|\.\d+)(e-?\d+)?\s*$/i.test(raw) ? Number(raw) * 2 ** 30 : parseSize(raw);
      const v = bytes === null ? Number.NaN : bytes / 2 ** 30;
      return Number.isFinite(v) && v >= 1e-10 && v <= 4096 ? v : { error: 'a quota in GiB in [1e-10, 4096], or with a unit: 1TiB, 512MiB, 1B' };
    },
    // Tiny whole-byte quotas (the straddle scenario's 1 byte) read better in bytes.
    serialize: (v) => (v < 2 ** -20 && Number.isInteger(v * 2 ** 30) ? `${v * 2 ** 30}B` : String(v)),
  },
  enumParam('kvDtype', 'dtype', 'KV dtype', DTYPES),
  enumParam('mode', 'mode', 'Constraint mode', MODES),
  {
    key: 'poolRatio',
    url: 'ratio',
    label: 'Pool ratio (comma list, empty = none)',
    parse: (raw) => {
      if (raw === '') return [];
      const parts = raw.split(',');
      if (parts.length > 16) return { error: 'at most 16 comma-separated numbers >= 0' };
      const out: number[] = [];
      for (const p of parts) {
        const n = decimalOrNull(p);
        if (n === null || n < 0) return { error: 'comma-separated numbers >= 0, e.g. 0.01,0.98,0.01' };
        out.push(n);
      }
      if (!out.some((n) => n > 0)) return { error: 'at least one positive entry' };
      return out;
    },
    serialize: (v) => v.join(','),
  },
  enumParam('policy', 'policy', 'Scheduler policy', POLICIES),
  numParam('maxUtilForResume', 'util', 'maxUtilForResume', 0, 1, true),
  enumParam('recomputePause', 'recompute', 'Recompute pause', RECOMPUTE),
  enumParam('workload', 'workload', 'Requests from', WORKLOADS),
  intParam('requests', 'requests', 'Requests', 1, LIMITS.pageControls.max),
  intParam('promptLen', 'prompt', 'Prompt length (tokens)', 1, LIMITS.tokens.max),
  intParam('outputLen', 'output', 'Output length (tokens)', 1, LIMITS.tokens.max),
  enumParam('dist', 'dist', 'Length distribution', DISTS),
  numParam('spread', 'spread', 'Spread (uniform ±, log-normal σ)', 0, 4),
  numParam('arrivalRate', 'rate', 'Arrival rate (req/step, 0 = all at once)', 0, 4096),
  intParam('seed', 'seed', 'Seed', 0, LIMITS.seed.max),
  intParam('maxSteps', 'maxSteps', 'Step limit (passes)', 1, LIMITS.steps.max),
  intParam('step', 'step', 'Step', 0, 100_000_000),
  enumParam('view', 'view', 'View', VIEWS),
  intParam('request', 'req', 'Inspected request', -1, 1_000_000),
  {
    key: 'inspectLc',
    url: 'ilc',
    label: 'Inspected pool group : life cycle',
    parse: (raw) => (/^(\d{1,3}:\d{1,3})?$/.test(raw) ? raw : { error: 'pool group and life cycle index as "2:0"' }),
    serialize: (v) => v,
  },
  enumParam('compareMode', 'cmpMode', 'Compare: constraint mode', MODES),
  enumParam('comparePolicy', 'cmpPolicy', 'Compare: policy', POLICIES),
  {
    key: 'compareEngine',
    url: 'cmpEngine',
    label: 'Compare: engine of the right side',
    parse: (raw) => (raw === '' || ENGINE_IDS.includes(raw) ? raw : { error: `empty (the same engine) or one of ${ENGINE_IDS.join(', ')}` }),
    serialize: (v) => v,
  },
  numParam('speed', 'speed', 'Speed (steps/s)', 0.25, 10_000),
  b64Param('config', 'cfg', 'Pasted config (base64url JSON)'),
  b64Param('requestTrace', 'reqs', 'Request trace (base64url JSON or CSV)'),
  {
    key: 'lesson',
    url: 'lesson',
    label: 'Lesson',
    // The lesson registry checks the id exists; here only its shape (it is shown with textContent).
    parse: (raw) => (/^[a-z0-9-]{0,40}$/.test(raw) ? raw : { error: 'a lesson id such as paged-kv' }),
    serialize: (v) => v,
  },
  intParam('lessonStep', 'lstep', 'Lesson step', 0, 999),
];

const GiB = 2 ** 30;

/**
 * What a named scenario starts from, read from the core's scenario (its knobs, its default
 * constraints and its request list), never copied here. Built once per scenario on first use.
 */
const scenarioCache = new Map<string, Partial<UiState>>();
export function scenarioDefaults(name: string): Partial<UiState> {
  const hit = scenarioCache.get(name);
  if (hit) return hit;
  const s = NAMED_SCENARIOS.find((n) => n.name === name);
  if (!s) return presetDefaults();
  const { knobs: k, config } = s.build();
  const reqs = Array.isArray(config.workload) ? (config.workload as readonly { prompt: number; output: number }[]) : [];
  const out: Partial<UiState> = {
    engine: s.engine,
    policy: getEngine(s.engine).policy as PolicyName,
    mode: s.defaultConstraints,
    tokensPerBlock: k.tokensPerBlock,
    maxSeqLen: k.maxSeqLen,
    maxBatchSize: k.maxBatchSize,
    maxNumTokens: k.maxNumTokens ?? 0,
    quotaGiB: k.quotaBytes / GiB,
    kvDtype: k.kvDtype,
    poolRatio: k.poolRatio ? [...k.poolRatio] : [],
    workload: 'scenario',
    ...(reqs.length > 0 ? { requests: reqs.length, promptLen: reqs[0].prompt, outputLen: reqs[0].output } : {}),
  };
  scenarioCache.set(name, out);
  return out;
}

/** An engine's own policy and (with `mode`) its default constraint mode. */
export function engineDefaults(id: string, mode: boolean): Partial<UiState> {
  const e = getEngine(id);
  return { engine: e.id, policy: e.policy as PolicyName, ...(mode && e.modes ? { mode: e.modes.default as ConstraintMode } : {}) };
}

/** What a plan from a preset starts from: the default engine (what a user runs today), its mode and policy. */
export function presetDefaults(engine = DEFAULT_ENGINE): Partial<UiState> {
  return { poolRatio: [], workload: 'generated', ...engineDefaults(engine, true) };
}

