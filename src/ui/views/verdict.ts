/**
 * The Verdict view: will the page's configuration stall? safe with the certificate per pool group
 * (needed vs slots, and the numbers it rests on), unsafe with the minimal counterexample (one click
 * loads it as the request trace and jumps to the stall), or unknown with what was tried; then the
 * findings and the verified fixes, cheapest first, each applied by a click.
 */
import type { Dispatch, PageModel, VerdictFixView, VerdictModel, ViewDef } from '../model.ts';
import { fmtInt, h } from './dom.ts';

const gib = (b: number) => `${b >= 0 ? '+' : ''}${(b / 2 ** 30).toFixed(2)} GiB`;

/** A fix as a row: label, cost, and its button (only where the page can apply it and its rerun completed). */
export function fixRow(f: VerdictFixView, i: number, dispatch: Dispatch): HTMLElement {
  const li = h('li', { class: 'fix', 'data-axis': f.axis }, h('strong', { text: f.label }), ` — ${gib(f.extraBytes)}, concurrency ${f.concurrencyBefore} → ${f.concurrency}. `, h('span', { class: 'mono', text: f.flags }), h('br'), h('small', { text: `Verified: ${f.verification}.${f.rerun ? ` This page's workload under it: ${f.rerun}.` : ''}` }));
  if (f.apply && (f.rerun === '' || f.rerun === 'completed')) {
    const apply = f.apply;
    const b = h('button', { type: 'button', class: i === 0 ? 'primary' : null, 'data-fix': i, text: 'Apply' });
    b.addEventListener('click', () => dispatch({ type: 'setMany', values: apply }));
    li.append(' ', b);
  } else li.append(h('br'), h('small', { text: f.note }));
  return li;
}

function certificate(m: VerdictModel): HTMLElement {
  const rows = m.groups.map((g) =>
    h('tr', { 'data-pool': g.index }, h('td', { text: String(g.index) }), h('td', { class: 'l', text: g.name }), h('td', { text: fmtInt(g.slots) }), h('td', { text: fmtInt(g.needed), class: g.holds ? null : 'bad' }), h('td', { text: g.holds ? 'holds' : 'fails' }), h('td', { text: `${g.decodeBlocksWorst} / ${g.decodeBlocksBest}` }), h('td', { text: g.concurrentWorst === null ? '∞' : fmtInt(g.concurrentWorst) }), h('td', { class: 'l', text: g.why })),
  );
  const head = ['#', 'pool group', 'slots', 'needed', '', 'blocks per decode (worst / best)', 'concurrent (worst)', 'why'];
  return h(
    'div',
    {},
    h('h3', { text: `${m.verdict === 'safe' ? 'Certificate' : 'The certificate that fails'}${m.argument ? ` (${m.argument})` : ''}` }),
    h('div', { class: 'tablewrap' }, h('table', { id: 'verdict-groups' }, h('thead', {}, h('tr', {}, ...head.map((c, i) => h('th', { scope: 'col', class: i === 1 || i === 7 ? 'l' : null, text: c })))), h('tbody', {}, ...rows))),
    m.frees ? h('p', { text: `What the policy frees: ${m.frees}.` }) : null,
    ...m.conditions.map((c) => h('p', { class: 'notice', text: c })),
  );
}

function counterexample(m: VerdictModel, dispatch: Dispatch): HTMLElement | null {
  const cx = m.counterexample;
  if (!cx) return null;
  const load = h('button', { type: 'button', class: 'primary', id: 'load-counterexample', text: `Load these ${cx.requests} requests and go to the stall` });
  load.addEventListener('click', () => dispatch({ type: 'setMany', values: { ...cx.load, view: 'pools' } }));
  return h(
    'div',
    { id: 'verdict-counterexample' },
    h('h3', { text: `Counterexample: ${cx.requests} request${cx.requests === 1 ? '' : 's'} (${cx.shape}) deadlock the ${cx.poolName} pool at pass ${cx.firstStalledStep}` }),
    h('p', { text: cx.message }),
    cx.crossing ? h('p', { id: 'verdict-crossing', text: cx.crossing }) : null,
    h('p', { text: `Minimal: ${cx.minimality}.` }),
    h('p', { class: 'notice', text: `Family searched: ${cx.family}.` }),
    h('p', {}, load),
    h('p', { class: 'mono', text: `Replay: ${cx.replay}` }),
  );
}

export function renderVerdict(m: VerdictModel, dispatch: Dispatch): HTMLElement {
  const root = h('section', { class: 'panel', id: 'verdict', 'aria-label': 'Verdict', 'data-region': 'verdict', 'data-state': m.state, 'data-verdict': m.verdict ?? '' });
  root.appendChild(h('h2', { text: 'Verdict: will this configuration stall?' }));
  if (m.state !== 'done') {
    root.append(h('p', { class: `status ${m.state === 'error' ? 'bad' : 'warn'}`, role: m.state === 'error' ? 'alert' : 'status', text: m.message }));
    return root;
  }
  const cls = m.verdict === 'safe' ? 'ok' : m.verdict === 'unsafe' ? 'bad' : 'warn';
  root.append(h('p', { class: `status ${cls}`, id: 'verdict-line' }, h('strong', { text: (m.verdict ?? 'unknown').toUpperCase() }), ` — ${m.reason}.`));
  if (m.subject) root.append(h('p', { class: 'notice', text: `Judged: ${m.subject}. ${m.message}` }));
  if (m.groups.length > 0) root.appendChild(certificate(m));
  const cx = counterexample(m, dispatch);
  if (cx) root.appendChild(cx);
  if (m.findings.length > 0) root.append(h('h3', { text: 'Findings' }), h('ul', { class: 'findings', id: 'verdict-findings' }, ...m.findings.map((f) => h('li', { text: f }))));
  if (m.verdict !== 'safe') {
    root.append(h('h3', { text: 'Verified fixes, cheapest first' }));
    if (m.fixes.length > 0) root.append(h('ol', { id: 'verdict-fixes' }, ...m.fixes.map((f, i) => fixRow(f, i, dispatch))));
    if (m.fixNote) root.append(h('p', { class: 'status warn', id: 'verdict-fix-note', text: m.fixNote }));
  }
  return root;
}

class VerdictTab implements ViewDef {
  readonly id = 'verdict';
  readonly label = 'Verdict';
  private el!: HTMLElement;
  private dispatch!: Dispatch;
  private shown: VerdictModel | null = null;

  mount(el: HTMLElement, dispatch: Dispatch): void {
    this.el = el;
    this.dispatch = dispatch;
  }

  render(m: PageModel): void {
    // Read only while on screen: reading it starts the check in a worker.
    if (m.view !== this.id) return;
    const v = m.verdict;
    if (v === this.shown) return;
    this.shown = v;
    this.el.replaceChildren(renderVerdict(v, this.dispatch));
  }
}

export const verdictView = new VerdictTab();
