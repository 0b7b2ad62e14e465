/**
 * The control panel, generated from the controls model (which the bridge builds from the URL
 * parameter table), so a control and its URL key can never drift apart. A typed value goes to the
 * page as raw text; a value the table rejects comes back as the field's error (aria-invalid +
 * message) and is not applied.
 */
import type { ControlsModel, Dispatch, FieldModel } from '../model.ts';
import { ConfigInput } from './config-input.ts';
import { h } from './dom.ts';

interface FieldEls {
  readonly input: HTMLInputElement | HTMLSelectElement;
  readonly err: HTMLElement;
  readonly note: HTMLElement;
  options: string;
  /** The value the last render put in the box (what the user has not changed). */
  rendered: string;
}

export class Controls {
  readonly root = h('form', { class: 'panel controls', id: 'controls', 'aria-label': 'Run settings', 'data-region': 'controls' });
  private readonly fields = new Map<string, FieldEls>();
  private readonly modelNote = h('p', { class: 'notice', id: 'model-note' });
  private readonly traceErr = h('div', { class: 'err', id: 'ctl-reqs-err', role: 'alert' });
  private readonly config: ConfigInput;
  private readonly dispatch: Dispatch;
  private shape = '';
  private last: ControlsModel | null = null;

  constructor(dispatch: Dispatch) {
    this.dispatch = dispatch;
    this.config = new ConfigInput(dispatch);
    this.root.addEventListener('submit', (e) => e.preventDefault());
  }

  render(m: ControlsModel): void {
    if (m === this.last) return;
    this.last = m;
    const shape = m.fields.map((f) => `${f.group}/${f.url}`).join(',');
    if (shape !== this.shape) this.build(m.fields);
    this.shape = shape;
    for (const f of m.fields) this.update(f);
    this.modelNote.textContent = m.modelNote;
    this.traceErr.textContent = m.traceError;
    this.config.render(m);
  }

  private build(fields: readonly FieldModel[]): void {
    this.fields.clear();
    this.root.replaceChildren();
    const groups = new Map<string, HTMLElement>();
    for (const f of fields) {
      let det = groups.get(f.group);
      if (!det) {
        // On a phone the settings come first: only the model group starts open.
        const open = f.group === 'Model' || window.innerWidth > 600;
        det = h('details', { open, 'data-region': `controls-${f.group.toLowerCase()}` }, h('summary', { text: f.group }));
        groups.set(f.group, det);
        this.root.appendChild(det);
      }
      det.appendChild(this.field(f));
      if (f.url === 'preset') det.append(this.modelNote, this.config.root);
      if (f.group === 'Workload' && f.url === 'seed') det.appendChild(this.traceField());
    }
  }

  private field(f: FieldModel): HTMLElement {
    const id = `ctl-${f.url}`;
    const errId = `${id}-err`;
    const input: HTMLInputElement | HTMLSelectElement = f.options
      ? h('select', { id, name: f.url, 'aria-describedby': errId })
      : h('input', { id, name: f.url, type: 'text', inputmode: f.inputMode, 'aria-describedby': errId, autocomplete: 'off' });
    const err = h('div', { class: 'err', id: errId, role: 'alert' });
    const note = h('div', { class: 'notice span', id: `${id}-note` });
    input.addEventListener('change', () => this.dispatch({ type: 'set', key: f.url, raw: input.value.trim() }));
    this.fields.set(f.url, { input, err, note, options: '', rendered: '' });
    return h('div', { class: 'field', 'data-region': `field-${f.url}` }, h('label', { for: id, text: f.label }), input, err, note);
  }

  private update(f: FieldModel): void {
    const els = this.fields.get(f.url);
    if (!els) return;
    const { input, err, note } = els;
    if (f.options && input instanceof HTMLSelectElement) {
      const key = f.options.map((o) => o.join('=')).join('|');
      if (key !== els.options) {
        els.options = key;
        input.replaceChildren(...f.options.map(([v, label]) => h('option', { value: v, text: label })));
      }
    }
    err.textContent = f.error;
    note.textContent = f.note;
    if (f.error) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    // A rejected value stays in the box while it has focus, so the user can fix it; so does one
    // being typed (changed since the last render, not yet committed by a change event): a run that
    // finishes mid-word re-renders the controls and must not take the user's keystrokes back.
    const focused = document.activeElement === input;
    if (focused && (f.error || input.value !== els.rendered)) return;
    if (input.value !== f.value) input.value = f.value;
    els.rendered = f.value;
  }

  /** Request trace import (JSON or CSV: arrival, prompt, output); the text travels in the link. */
  private traceField(): HTMLElement {
    const input = h('input', { type: 'file', id: 'ctl-reqs', accept: '.json,.csv,text/csv,application/json', 'aria-describedby': 'ctl-reqs-err' });
    input.addEventListener('change', () => {
      const f = input.files?.[0];
      if (f) void f.text().then((text) => this.dispatch({ type: 'requestTrace', text, name: f.name }));
    });
    return h('div', { class: 'field' }, h('label', { for: 'ctl-reqs', text: 'Request trace (JSON/CSV)' }), input, this.traceErr);
  }
}
