/**
 * The control panel, generated from the URL-state table: one labelled input per run parameter, so
 * a control and its URL key can never drift apart. A value the table rejects is shown next to the
 * field (aria-invalid + message) and not applied.
 */
import { CONSTRAINT_MODE_STORIES } from '../planner/build.ts';
import { h } from './dom.ts';
import { DISTS, DTYPES, MAX_CONFIG_CHARS, MODES, PARAMS, type ParamSpec, POLICIES, toBase64Url, type UiState, WORKLOADS } from './url-state.ts';

type Group = { title: string; keys: (keyof UiState)[]; open: boolean };

const GROUPS: Group[] = [
  { title: 'Model', keys: ['preset'], open: true },
  { title: 'Engine', keys: ['tokensPerBlock', 'maxSeqLen', 'maxBatchSize', 'maxNumTokens', 'quotaGiB', 'kvDtype', 'mode', 'poolRatio', 'policy', 'maxUtilForResume'], open: true },
  { title: 'Workload', keys: ['workload', 'requests', 'promptLen', 'outputLen', 'dist', 'spread', 'arrivalRate', 'seed'], open: true },
];

const WORKLOAD_NOTES: Record<UiState['workload'], string> = {
  scenario: "the named scenario's own request list; change any value below to generate requests instead",
  generated: 'requests generated from the values below (seeded)',
  trace: 'requests from the imported trace file',
};

const ENUMS: Partial<Record<keyof UiState, readonly string[]>> = {
  kvDtype: DTYPES,
  mode: MODES,
  policy: POLICIES,
  dist: DISTS,
  workload: WORKLOADS,
};

export interface Controls {
  readonly root: HTMLElement;
  /** Slot for the config.json paste/drop box (inside the Model group). */
  readonly configSlot: HTMLElement;
  update(state: UiState): void;
  setError(key: keyof UiState, message: string | null): void;
  clearErrors(): void;
  /** One line under the model picker (e.g. "this scenario brings its own layers"). */
  setModelNote(text: string): void;
}

function specOf(key: keyof UiState): ParamSpec<keyof UiState> {
  const s = PARAMS.find((p) => p.key === key);
  if (!s) throw new Error(`no param ${key}`);
  return s as unknown as ParamSpec<keyof UiState>;
}

export function buildControls(presets: readonly { id: string; name: string }[], onChange: (patch: Partial<UiState>) => void): Controls {
  const inputs = new Map<keyof UiState, HTMLInputElement | HTMLSelectElement>();
  const errors = new Map<keyof UiState, HTMLElement>();
  const root = h('form', { class: 'panel controls', id: 'controls', 'aria-label': 'Run settings' });
  root.addEventListener('submit', (e) => e.preventDefault());
  const configSlot = h('div', { class: 'config' });
  const modelNote = h('p', { class: 'notice', id: 'model-note' });
  const modeNote = h('div', { class: 'notice span', id: 'mode-note' });
  const workloadNote = h('div', { class: 'notice span', id: 'workload-note' });

  for (const g of GROUPS) {
    const det = h('details', { open: g.open }, h('summary', { text: g.title }));
    for (const key of g.keys) {
      const spec = specOf(key);
      const id = `ctl-${spec.url}`;
      const errId = `${id}-err`;
      let input: HTMLInputElement | HTMLSelectElement;
      const options = key === 'preset' ? presets.map((p) => [p.id, p.name]) : (ENUMS[key] ?? null)?.map((v) => [v, v]);
      if (options) {
        input = h('select', { id, name: spec.url, 'aria-describedby': errId });
        for (const [v, label] of options) input.appendChild(h('option', { value: v, text: label }));
      } else {
        input = h('input', { id, name: spec.url, type: 'text', inputmode: key === 'poolRatio' ? 'decimal' : 'numeric', 'aria-describedby': errId, autocomplete: 'off' });
      }
      const err = h('div', { class: 'err', id: errId, role: 'alert' });
      input.addEventListener('change', () => {
        const r = spec.parse(input.value.trim());
        if (r !== null && typeof r === 'object' && !Array.isArray(r)) {
          setError(key, `${spec.label}: got ${JSON.stringify(input.value.slice(0, 40))}; expected ${(r as { error: string }).error}`);
          return;
        }
        setError(key, null);
        onChange({ [key]: r } as Partial<UiState>);
      });
      inputs.set(key, input);
      errors.set(key, err);
      const field = h('div', { class: 'field' }, h('label', { for: id, text: spec.label }), input, err);
      if (key === 'mode') field.appendChild(modeNote);
      if (key === 'workload') field.appendChild(workloadNote);
      det.appendChild(field);
      if (key === 'preset') det.append(modelNote, configSlot);
    }
    if (g.title === 'Workload') det.appendChild(traceField(onChange, errors));
    root.appendChild(det);
  }

  function setError(key: keyof UiState, message: string | null): void {
    const el = errors.get(key);
    if (!el) return;
    el.textContent = message ?? '';
    const input = inputs.get(key);
    if (!input) return;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  return {
    root,
    configSlot,
    update(state) {
      modeNote.textContent = CONSTRAINT_MODE_STORIES[state.mode];
      workloadNote.textContent = WORKLOAD_NOTES[state.workload];
      for (const [key, input] of inputs) {
        if (document.activeElement === input && input.getAttribute('aria-invalid') === 'true') continue;
        const v = (specOf(key).serialize as (x: unknown) => string)(state[key]);
        if (input.value !== v) input.value = v;
      }
    },
    setError,
    setModelNote(text) {
      modelNote.textContent = text;
    },
    clearErrors() {
      for (const key of errors.keys()) setError(key, null);
    },
  };
}

/** Request trace import (JSON or CSV: arrival, prompt, output); the text travels in the link. */
function traceField(onChange: (patch: Partial<UiState>) => void, errors: Map<keyof UiState, HTMLElement>): HTMLElement {
  const input = h('input', { type: 'file', id: 'ctl-reqs', accept: '.json,.csv,text/csv,application/json', 'aria-describedby': 'ctl-reqs-err' });
  const err = h('div', { class: 'err', id: 'ctl-reqs-err', role: 'alert' });
  errors.set('requestTrace', err);
  input.addEventListener('change', () => {
    const f = input.files?.[0];
    if (!f) return;
    void f.text().then((text) => {
      const b64 = toBase64Url(text);
      if (b64.length > MAX_CONFIG_CHARS) {
        err.textContent = `${f.name}: ${text.length} characters is too large for a link; expected at most about ${Math.floor((MAX_CONFIG_CHARS * 3) / 4)}`;
        return;
      }
      err.textContent = '';
      onChange({ workload: 'trace', requestTrace: b64 });
    });
  });
  return h('div', { class: 'field' }, h('label', { for: 'ctl-reqs', text: 'Request trace (JSON/CSV)' }), input, err);
}
