/**
 * Pure actions on the one UI state: (state, input) -> next state. Nothing here touches the DOM,
 * the URL or the core's run; the page applies them through the store.
 *
 * Rules that follow from what a parameter means:
 *  - another preset leaves the named scenario (its request list and layers belong to it);
 *  - a workload knob switches the requests to "generated" (the scenario's own list is not a
 *    generator setting);
 *  - a typed value the table rejects is kept out of the state and reported next to its field.
 */
import { toBase64Url } from './b64.ts';
import { baseState, describeProblem, parseUrlState } from './codec.ts';
import { knobByUrl, knobsFor, withKnob } from './knobs.ts';
import { engineDefaults, MAX_CONFIG_CHARS, PARAMS, type ParamSpec, presetDefaults, type UiState } from './params.ts';
import type { AppState, Imported } from './types.ts';

const NO_IMPORT: Imported = { message: '', identical: null, plan: null, run: null };

export function initialState(search: string): AppState {
  const { state, problems } = parseUrlState(search);
  return {
    params: state,
    playing: false,
    carry: 0,
    theme: 'auto',
    highlight: null,
    problems: problems.map(describeProblem),
    fieldErrors: {},
    configSource: state.config ? 'config from the link' : '',
    imported: NO_IMPORT,
    kernelTicket: 0,
    benchTicket: 0,
    benchSet: 'quick',
  };
}

const WORKLOAD_KEYS: readonly (keyof UiState)[] = ['requests', 'promptLen', 'outputLen', 'dist', 'spread', 'arrivalRate'];

export function specByUrl(url: string): ParamSpec<keyof UiState> | undefined {
  return PARAMS.find((p) => p.url === url) as ParamSpec<keyof UiState> | undefined;
}

function withoutError(errors: Readonly<Record<string, string>>, key: string): Readonly<Record<string, string>> {
  if (!(key in errors)) return errors;
  const { [key]: _gone, ...rest } = errors;
  return rest;
}

/** Apply typed parameters (already valid) with the rules above. */
export function patchParams(s: AppState, patch: Partial<UiState>): AppState {
  const p = s.params;
  const next: UiState = { ...p, ...patch };
  // Leaving a named scenario for a preset: the default engine (what a user runs today), its mode and policy.
  if (patch.preset !== undefined && patch.preset !== p.preset) Object.assign(next, { scenario: 'custom' }, p.scenario === 'custom' ? { poolRatio: [], workload: 'generated' } : presetDefaults());
  if (next.engine !== p.engine) Object.assign(next, engineFollows(next, patch));
  if (WORKLOAD_KEYS.some((k) => k in patch)) next.workload = 'generated';
  // A generated workload that followed maxBatchSize keeps following it.
  if (patch.maxBatchSize !== undefined && patch.requests === undefined && p.requests === p.maxBatchSize && next.workload === 'generated') next.requests = patch.maxBatchSize;
  return { ...s, params: next, imported: patch.step === undefined ? { ...s.imported, run: null } : s.imported };
}

/** Another engine brings its own scheduler policy (and, for a preset, its default mode), and reads only its own knobs. */
function engineFollows(next: UiState, patch: Partial<UiState>): Partial<UiState> {
  const own = engineDefaults(next.engine, next.scenario === 'custom');
  return { ...(patch.mode === undefined && own.mode ? { mode: own.mode } : {}), ...(patch.policy === undefined ? { policy: own.policy } : {}), knobs: knobsFor(next.engine, next.knobs) };
}

/** An engine knob typed into its control (by URL key): validated by its declaration. */
function setKnob(s: AppState, url: string, raw: string): AppState | null {
  const k = knobByUrl(url);
  if (!k) return null;
  const r = k.parse(raw);
  if (r !== null && typeof r === 'object' && !Array.isArray(r)) return { ...s, fieldErrors: { ...s.fieldErrors, [url]: `${k.label}: got ${JSON.stringify(raw.slice(0, 40))}; expected ${(r as { error: string }).error}` } };
  const next = patchParams(s, { knobs: withKnob(s.params.knobs, k, r) });
  return { ...next, fieldErrors: withoutError(s.fieldErrors, url) };
}

/**
 * A value typed into a control (by URL key): validated by the table, applied or reported.
 * `follow`: what changes with it (another model brings its own engine defaults).
 */
export function setParam(s: AppState, url: string, raw: string, follow: Partial<UiState> = {}): AppState {
  const spec = specByUrl(url);
  if (!spec) return setKnob(s, url, raw) ?? s;
  const r = spec.parse(raw);
  if (r !== null && typeof r === 'object' && !Array.isArray(r)) {
    const msg = `${spec.label}: got ${JSON.stringify(raw.slice(0, 40))}; expected ${(r as { error: string }).error}`;
    return { ...s, fieldErrors: { ...s.fieldErrors, [url]: msg } };
  }
  if (spec.key === 'preset' && r === s.params.preset) return s;
  const next = patchParams(s, { ...follow, [spec.key]: r } as Partial<UiState>);
  return { ...next, fieldErrors: withoutError(s.fieldErrors, url) };
}

/** A named scenario from its button: its own defaults; view and speed stay. */
export function chooseScenario(s: AppState, name: string): AppState {
  const params = { ...baseState(name), view: s.params.view, speed: s.params.speed, lesson: s.params.lesson, lessonStep: s.params.lessonStep };
  return { ...s, params, playing: false, carry: 0, fieldErrors: {}, configSource: '', imported: { ...NO_IMPORT, plan: s.imported.plan } };
}

export function setView(s: AppState, view: string): AppState {
  return view === s.params.view ? s : { ...s, params: { ...s.params, view } };
}

function minify(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** A pasted config (null = back to the preset). `kind` says what the bridge recognised. */
export function loadConfig(s: AppState, text: string | null, source: string, kind: 'model' | 'scenario', follow: Partial<UiState> = {}): AppState {
  if (text === null) return { ...patchParams(s, { config: '' }), configSource: '', fieldErrors: withoutError(s.fieldErrors, 'cfg') };
  const config = toBase64Url(minify(text));
  const mode = kind === 'scenario' ? 'custom' : s.params.mode === 'custom' ? 'as-shipped' : s.params.mode;
  const next = patchParams(s, { ...follow, scenario: 'custom', mode, poolRatio: [], workload: s.params.workload === 'scenario' ? 'generated' : s.params.workload, config });
  return { ...next, configSource: source, fieldErrors: withoutError(s.fieldErrors, 'cfg') };
}

/** A value the page checked and rejected (a config that does not parse): shown, not applied. */
export function rejectValue(s: AppState, url: string, message: string): AppState {
  return { ...s, fieldErrors: { ...s.fieldErrors, [url]: message } };
}

/** A request trace file: its text travels in the link (or is reported as too large). */
export function setRequestTrace(s: AppState, text: string, name: string): AppState {
  const b64 = toBase64Url(text);
  if (b64.length > MAX_CONFIG_CHARS) {
    const msg = `${name}: ${text.length} characters is too large for a link; expected at most about ${Math.floor((MAX_CONFIG_CHARS * 3) / 4)}`;
    return { ...s, fieldErrors: { ...s.fieldErrors, reqs: msg } };
  }
  return { ...patchParams(s, { workload: 'trace', requestTrace: b64 }), fieldErrors: withoutError(s.fieldErrors, 'reqs') };
}

/** A whole link (an imported trace's settings, a lesson step): everything it says, nothing kept. */
export function restoreQuery(s: AppState, query: string): { state: AppState; problems: string[] } {
  const { state, problems } = parseUrlState(query);
  const next: AppState = { ...s, params: state, playing: false, carry: 0, fieldErrors: {}, configSource: state.config ? 'config from the link' : '' };
  return { state: next, problems: problems.map(describeProblem) };
}

export function setImported(s: AppState, imported: Partial<Imported>): AppState {
  return { ...s, imported: { ...NO_IMPORT, plan: s.imported.plan, ...imported } };
}

export function toggleTheme(s: AppState, prefersDark: boolean): AppState {
  const dark = s.theme === 'auto' ? prefersDark : s.theme === 'dark';
  return { ...s, theme: dark ? 'light' : 'dark' };
}

export const dismissProblems = (s: AppState): AppState => ({ ...s, problems: [] });
export const requestKernel = (s: AppState): AppState => ({ ...s, kernelTicket: s.kernelTicket + 1 });
export const requestBench = (s: AppState, set: 'quick' | 'full'): AppState => ({ ...s, benchTicket: s.benchTicket + 1, benchSet: set });
/** For lessons: point at a part of the page (a data-region value), or stop pointing. */
export const highlight = (s: AppState, region: string | null): AppState => ({ ...s, highlight: region });
