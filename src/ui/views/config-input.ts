/**
 * Paste or drop a Hugging Face config.json (or an engine scenario JSON). The text goes to the page
 * as an intent; the bridge parses it, and its errors (naming the field, the value and what would be
 * valid) come back in the controls model and appear right under the box.
 */
import type { ControlsModel, Dispatch } from '../model.ts';
import { h } from './dom.ts';

export class ConfigInput {
  readonly root = h('div', { class: 'config', 'data-region': 'config' });
  private readonly area = h('textarea', {
    id: 'config-json',
    'aria-label': 'Hugging Face config.json or engine scenario JSON',
    'aria-describedby': 'config-err',
    placeholder: '{ "model_type": ..., "num_hidden_layers": ... }',
    spellcheck: 'false',
  });
  private readonly err = h('div', { class: 'err', id: 'config-err', role: 'alert' });
  private readonly ok = h('div', { class: 'notice', id: 'config-ok' });
  private shownText = '';

  constructor(dispatch: Dispatch) {
    const drop = h('div', { class: 'drop', id: 'config-drop', text: 'or drop a config.json file here' });
    const apply = h('button', { type: 'button', id: 'config-apply', text: 'Use this config' });
    const clearBtn = h('button', { type: 'button', id: 'config-clear', text: 'Back to preset' });
    this.root.append(h('label', { for: 'config-json', class: 'notice', text: 'Or paste a config.json:' }), this.area, drop, h('div', { class: 'transport' }, apply, clearBtn), this.err, this.ok);
    apply.addEventListener('click', () => dispatch({ type: 'config', text: this.area.value, source: 'pasted config' }));
    clearBtn.addEventListener('click', () => {
      this.area.value = '';
      dispatch({ type: 'config', text: null, source: '' });
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
        this.area.value = t;
        dispatch({ type: 'config', text: t, source: file.name });
      });
    });
  }

  render(m: ControlsModel): void {
    this.err.textContent = m.configError;
    if (m.configError) this.area.setAttribute('aria-invalid', 'true');
    else this.area.removeAttribute('aria-invalid');
    this.ok.textContent = m.configError ? '' : m.configOk;
    // Text from the link (or a cleared config) replaces the box; typing is never overwritten.
    if (m.configText !== this.shownText) {
      this.shownText = m.configText;
      if (document.activeElement !== this.area) this.area.value = m.configText;
    }
  }
}
