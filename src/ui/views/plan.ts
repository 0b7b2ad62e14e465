/**
 * The Plan view: the plan table (one row per pool group) with the planner's findings in plain words.
 * renderPlanTable is also used for an imported plan (Export / import view).
 */
import type { Dispatch, PageModel, PlanView, ViewDef } from '../model.ts';
import { fmtBytes, fmtGiB, fmtInt, h } from './dom.ts';

/** "grows": full attention (depends on length); "–": an engine without floors (its report has its bounds). */
const decodes = (n: number | null, minSlots: number | null) => (minSlots === null ? '–' : n === null ? 'grows' : fmtInt(n));

export function renderPlanTable(plan: PlanView): HTMLElement {
  const root = h('section', { class: 'panel', id: 'plan', 'aria-label': 'Plan', 'data-region': 'plan' }, h('h2', { text: 'Plan: pool groups' }));
  if (plan.engine) root.appendChild(h('p', { class: 'notice', id: 'plan-engine', 'data-engine': plan.engine.id, text: `Sized by ${plan.engine.id}: ${plan.engine.label} (${plan.engine.source}).` }));
  if (plan.error) {
    root.appendChild(h('p', { class: 'status bad', text: `The engine would refuse this configuration: ${plan.error}` }));
    return root;
  }
  const head = ['#', 'pool group', 'life cycles', 'slot bytes', 'min_slots', 'slots', 'GiB', 'decodes (best)', 'decodes (worst)'];
  const table = h('table', {}, h('thead', {}, h('tr', {}, ...head.map((c, i) => h('th', { scope: 'col', class: i < 3 ? 'l' : null, text: c })))));
  const body = h('tbody');
  for (const r of plan.rows) {
    const short = r.decodesBest !== null && r.minSlots !== null && r.slotCount < r.minSlots;
    body.appendChild(
      h(
        'tr',
        { 'data-pool': r.index },
        h('td', { text: String(r.index) }),
        h('td', { class: 'l', text: r.name }),
        h('td', { class: 'l', text: r.lifeCycles }),
        h('td', { text: fmtBytes(r.slotBytes) }),
        h('td', { text: r.minSlots === null ? '–' : fmtInt(r.minSlots) }),
        h('td', { text: fmtInt(r.slotCount), class: short ? 'bad' : null }),
        h('td', { text: (r.bytes / 2 ** 30).toFixed(2) }),
        h('td', { text: decodes(r.decodesBest, r.minSlots) }),
        h('td', { text: decodes(r.decodesWorst, r.minSlots) }),
      ),
    );
  }
  table.appendChild(body);
  const report = plan.report ? [h('h3', { text: `What ${plan.engine?.id ?? 'the engine'} reports` }), h('pre', { class: 'mono engine-report', id: 'engine-report', text: plan.report })] : [];
  root.append(
    h('div', { class: 'tablewrap' }, table),
    ...report,
    h('p', { class: 'notice', text: `Effective quota ${fmtGiB(plan.quotaBytes)}; initial ratio from ${plan.ratioSource}. "decodes" = concurrent decoding requests the slot count supports at best / worst block alignment ("grows": full attention, depends on length).` }),
    h('h3', { text: 'Findings' }),
    h('ul', { class: 'findings' }, ...plan.findings.map((f) => h('li', { text: f }))),
  );
  return root;
}


class PlanTab implements ViewDef {
  readonly id = 'plan';
  readonly label = 'Plan';
  private el!: HTMLElement;
  private shown: PlanView | null = null;

  mount(el: HTMLElement, _dispatch: Dispatch): void {
    this.el = el;
  }

  render(m: PageModel): void {
    if (!m.plan || m.plan === this.shown) return;
    this.shown = m.plan;
    this.el.replaceChildren(renderPlanTable(m.plan));
  }
}

export const planView = new PlanTab();
