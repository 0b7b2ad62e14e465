/**
 * Paste or drop a Hugging Face config.json (or an engine scenario JSON). Errors appear right under
 * the box, naming the field, the value and what would be valid (InputError's message).
 */
import { InputError } from '../model/errors.ts';
import { type CustomModel, parseCustomText } from './core-adapter.ts';
import { h } from './dom.ts';

export interface ConfigInput {
  setError(message: string | null): void;
  reset(): void;
  /** Load text (from the URL) as if pasted. */
  load(text: string, source: string): Promise<void>;
}

const MAX_BYTES = 2_000_000;

export function buildConfigInput(slot: HTMLElement, onModel: (m: CustomModel | null, text: string | null) => void): ConfigInput {
  const area = h('textarea', {
    id: 'config-json',
    'aria-label': 'Hugging Face config.json or engine scenario JSON',
    'aria-describedby': 'config-err',
    placeholder: '{ "model_type": ..., "num_hidden_layers": ... }',
    spellcheck: 'false',
  });
  const drop = h('div', { class: 'drop', id: 'config-drop', text: 'or drop a config.json file here' });
  const apply = h('button', { type: 'button', id: 'config-apply', text: 'Use this config' });
  const clearBtn = h('button', { type: 'button', id: 'config-clear', text: 'Back to preset' });
  const err = h('div', { class: 'err', id: 'config-err', role: 'alert' });
  const ok = h('div', { class: 'notice', id: 'config-ok' });
  slot.append(h('label', { for: 'config-json', class: 'notice', text: 'Or paste a config.json:' }), area, drop, h('div', { class: 'transport' }, apply, clearBtn), err, ok);

  function setError(message: string | null): void {
    err.textContent = message ?? '';
    if (message) {
      area.setAttribute('aria-invalid', 'true');
      ok.textContent = '';
    } else area.removeAttribute('aria-invalid');
  }

  async function use(text: string, source: string): Promise<void> {
    if (text.length > MAX_BYTES) {
      setError(`config.json: ${text.length} characters is too large; expected at most ${MAX_BYTES}`);
      return;
    }
    try {
      const m = await parseCustomText(text);
      setError(null);
      ok.textContent = m.kind === 'model' ? `Using ${source}: ${m.model.name} (${m.model.layers.length} layers)` : `Using ${source}: engine scenario (${m.scenario.layers.length} manager layers)`;
      onModel(m, text);
    } catch (e) {
      setError(e instanceof InputError ? e.message : `config.json: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  apply.addEventListener('click', () => void use(area.value, 'pasted config'));
  clearBtn.addEventListener('click', () => {
    area.value = '';
    setError(null);
    ok.textContent = '';
    onModel(null, null);
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    void file.text().then((t) => {
      area.value = t;
      return use(t, file.name);
    });
  });
  return {
    setError,
    load(text, source) {
      area.value = text;
      return use(text, source);
    },
    reset() {
      area.value = '';
      ok.textContent = '';
      setError(null);
    },
  };
}
