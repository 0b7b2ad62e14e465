/**
 * The controls model: one field per row of the URL parameter table (grouped), its value as the URL
 * carries it, the allowed values from the core's lists, its error (a rejected typed value, or the
 * core's InputError naming this field) and a note (the constraint mode's story, where the requests
 * come from).
 */
import { CONSTRAINT_MODE_STORIES } from '../../planner/build.ts';
import { getEngine } from '../../planner/engines/registry.ts';
import { NAMED_SCENARIOS } from '../../sim/scenarios.ts';
import type { ControlsModel, FieldModel } from '../model.ts';
import { type KnobParam, knobsOf, knobValue } from '../state/knobs.ts';
import { DISTS, DTYPES, ENGINE_IDS, PARAMS, type ParamSpec, POLICIES, RECOMPUTE, type UiState, WORKLOADS } from '../state/params.ts';
import { presetOptions } from './plan.ts';

const GROUPS: readonly { title: string; keys: readonly (keyof UiState)[] }[] = [
  { title: 'Model', keys: ['preset'] },
  { title: 'Engine', keys: ['engine', 'tokensPerBlock', 'maxSeqLen', 'maxBatchSize', 'maxNumTokens', 'quotaGiB', 'kvDtype', 'mode', 'poolRatio', 'policy', 'maxUtilForResume', 'recomputePause', 'maxSteps'] },
  { title: 'Workload', keys: ['workload', 'requests', 'promptLen', 'outputLen', 'dist', 'spread', 'arrivalRate', 'seed'] },
];

const WORKLOAD_NOTES: Record<UiState['workload'], string> = {
  scenario: "the named scenario's own request list (the fields below show its first request); change any of them to generate requests instead.",
  generated: 'requests generated from the values below (seeded)',
  trace: 'requests from the imported trace file',
};

const ENUMS: Partial<Record<keyof UiState, readonly string[]>> = { kvDtype: DTYPES, policy: POLICIES, dist: DISTS, workload: WORKLOADS, recomputePause: RECOMPUTE };

let presets: (readonly [string, string])[] | null = null;

function optionsOf(key: keyof UiState, s: UiState): (readonly [string, string])[] | null {
  if (key === 'engine') return ENGINE_IDS.map((id) => [id, `${id}: ${getEngine(id).label}`] as const);
  if (key === 'mode') {
    // The selected engine's modes, the ones it ships marked (the rest are what-ifs).
    const m = getEngine(s.engine).modes;
    return (m?.all ?? []).map((v) => [v, m?.shipped.includes(v) ? `${v} (ships with ${s.engine})` : `${v} (what-if)`] as const);
  }
  if (key === 'preset') {
    presets ??= presetOptions().map((p) => [p.id, p.name] as const);
    return presets;
  }
  return ENUMS[key]?.map((v) => [v, v] as const) ?? null;
}

/** What the engine is, and which constraint modes it ships itself (the page says so next to the picker). */
export function engineNote(id: string): string {
  const e = getEngine(id);
  const modes = e.modes
    ? `It ships constraint mode${e.modes.shipped.length > 1 ? 's' : ''} ${e.modes.shipped.join(', ')} (default ${e.modes.default}); the other modes are what-ifs.`
    : 'It has no constraint modes: it sizes its pools from the memory it is given alone.';
  return `${e.label}: ${e.source}. ${modes} Its scheduler: policy ${e.policy}.`;
}

/** Does the engine read this declared row? (the pool ratio only where the engine declares it; constraint modes only where it has them) */
function engineReads(key: keyof UiState, s: UiState): boolean {
  const e = getEngine(s.engine);
  if (key === 'mode') return e.modes !== null;
  if (key === 'poolRatio') return e.knobs.some((k) => k.name === 'poolRatio');
  // Only TensorRT-LLM's scheduler has a recompute pause.
  if (key === 'recomputePause') return s.policy === 'trtllm-v2';
  return true;
}

function knobField(k: KnobParam, s: UiState, c: ControlsInput): FieldModel {
  const options = k.spec.type === 'bool' ? ([['0', 'off'], ['1', 'on']] as const) : k.spec.type === 'enum' ? (k.spec.values ?? []).map((v) => [v, v] as const) : null;
  return {
    url: k.url,
    label: k.label,
    group: 'Engine',
    value: k.serialize(knobValue(s, k)),
    options: options ? [...options] : null,
    error: c.fieldErrors[k.url] ?? (c.runFieldError?.url === k.url ? c.runFieldError.message : ''),
    note: k.spec.help,
    inputMode: k.spec.type === 'int' ? 'numeric' : 'decimal',
  };
}

function noteOf(key: keyof UiState, s: UiState): string {
  if (key === 'engine') return engineNote(s.engine);
  if (key === 'mode') return CONSTRAINT_MODE_STORIES[s.mode];
  if (key === 'policy' && s.policy !== getEngine(s.engine).policy) return `${s.engine} runs policy ${getEngine(s.engine).policy}; ${s.policy} is a what-if.`;
  if (key === 'workload') return WORKLOAD_NOTES[s.workload];
  if (key === 'recomputePause') return 'on: when a decode cannot grow, tear a victim\'s KV down from the tail (it re-prefills later) instead of only suspending it; off is how the engine ships.';
  return '';
}

export interface ControlsInput {
  readonly params: UiState;
  readonly fieldErrors: Readonly<Record<string, string>>;
  /** The core's error for a field (by URL key) from the last run. */
  readonly runFieldError: { readonly url: string; readonly message: string } | null;
  readonly configError: string;
  readonly configOk: string;
  readonly configText: string;
  readonly customLoaded: boolean;
  /** What the preset box says is loaded ('' = nothing to add). */
  readonly loaded: string;
  /** Extra notes by URL key (a warning, a raised quota). */
  readonly notes: Readonly<Record<string, string>>;
}

export function controlsModel(c: ControlsInput): ControlsModel {
  const fields: FieldModel[] = [];
  for (const g of GROUPS) {
    for (const key of g.keys) {
      if (!engineReads(key, c.params)) continue;
      const spec = PARAMS.find((p) => p.key === key) as ParamSpec<keyof UiState>;
      const typed = c.fieldErrors[spec.url];
      const core = c.runFieldError?.url === spec.url ? c.runFieldError.message : '';
      fields.push({
        url: spec.url,
        label: spec.label,
        group: g.title,
        value: (spec.serialize as (v: unknown) => string)(c.params[key]),
        options: optionsOf(key, c.params),
        error: typed ?? core,
        note: [noteOf(key, c.params), c.notes[spec.url] ?? ''].filter(Boolean).join(' '),
        inputMode: key === 'poolRatio' ? 'decimal' : 'numeric',
      });
      // The engine's own knobs, generated from its declaration, after the resume gate.
      if (key === 'maxUtilForResume') for (const k of knobsOf(c.params.engine)) fields.push(knobField(k, c.params, c));
    }
  }
  const own = c.customLoaded ? undefined : NAMED_SCENARIOS.find((n) => n.name === c.params.scenario)?.ownModel;
  return {
    fields,
    modelNote: own ? `This scenario brings its own model: ${own} (the preset is not used). Pick a preset to leave the scenario.` : c.loaded,
    configError: c.configError,
    configOk: c.configOk,
    configText: c.configText,
    traceError: c.fieldErrors.reqs ?? (c.runFieldError?.url === 'reqs' ? c.runFieldError.message : ''),
  };
}
