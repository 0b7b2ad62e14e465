/**
 * The controls model: one field per row of the URL parameter table (grouped), its value as the URL
 * carries it, the allowed values from the core's lists, its error (a rejected typed value, or the
 * core's InputError naming this field) and a note (the constraint mode's story, where the requests
 * come from).
 */
import { CONSTRAINT_MODE_STORIES } from '../../planner/build.ts';
import type { ControlsModel, FieldModel } from '../model.ts';
import { DISTS, DTYPES, MODES, PARAMS, type ParamSpec, POLICIES, type UiState, WORKLOADS } from '../state/params.ts';
import { presetOptions } from './plan.ts';

const GROUPS: readonly { title: string; keys: readonly (keyof UiState)[] }[] = [
  { title: 'Model', keys: ['preset'] },
  { title: 'Engine', keys: ['tokensPerBlock', 'maxSeqLen', 'maxBatchSize', 'maxNumTokens', 'quotaGiB', 'kvDtype', 'mode', 'poolRatio', 'policy', 'maxUtilForResume', 'maxSteps'] },
  { title: 'Workload', keys: ['workload', 'requests', 'promptLen', 'outputLen', 'dist', 'spread', 'arrivalRate', 'seed'] },
];

const WORKLOAD_NOTES: Record<UiState['workload'], string> = {
  scenario: "the named scenario's own request list (the fields below show its first request); change any of them to generate requests instead.",
  generated: 'requests generated from the values below (seeded)',
  trace: 'requests from the imported trace file',
};

const ENUMS: Partial<Record<keyof UiState, readonly string[]>> = { kvDtype: DTYPES, mode: MODES, policy: POLICIES, dist: DISTS, workload: WORKLOADS };

let presets: (readonly [string, string])[] | null = null;

function optionsOf(key: keyof UiState): (readonly [string, string])[] | null {
  if (key === 'preset') {
    presets ??= presetOptions().map((p) => [p.id, p.name] as const);
    return presets;
  }
  return ENUMS[key]?.map((v) => [v, v] as const) ?? null;
}

function noteOf(key: keyof UiState, s: UiState): string {
  if (key === 'mode') return CONSTRAINT_MODE_STORIES[s.mode];
  if (key === 'workload') return WORKLOAD_NOTES[s.workload];
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
      const spec = PARAMS.find((p) => p.key === key) as ParamSpec<keyof UiState>;
      const typed = c.fieldErrors[spec.url];
      const core = c.runFieldError?.url === spec.url ? c.runFieldError.message : '';
      fields.push({
        url: spec.url,
        label: spec.label,
        group: g.title,
        value: (spec.serialize as (v: unknown) => string)(c.params[key]),
        options: optionsOf(key),
        error: typed ?? core,
        note: [noteOf(key, c.params), c.notes[spec.url] ?? ''].filter(Boolean).join(' '),
        inputMode: key === 'poolRatio' ? 'decimal' : 'numeric',
      });
    }
  }
  const straddle = c.params.scenario === 'straddle' && !c.customLoaded;
  return {
    fields,
    modelNote: straddle ? 'This scenario brings its own model: one attention layer with a 128-token window, 2 MiB per slot (the preset is not used). Pick a preset to leave the scenario.' : c.loaded,
    configError: c.configError,
    configOk: c.configOk,
    configText: c.configText,
    traceError: c.fieldErrors.reqs ?? (c.runFieldError?.url === 'reqs' ? c.runFieldError.message : ''),
  };
}
