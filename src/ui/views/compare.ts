/**
 * Compare: two constraint modes or policies side by side on the same model and workload. The
 * second run is computed by the bridge only while this view is open (the model's `compare` is
 * built when read).
 */
import type { CompareModel, CompareSide, Dispatch, PageModel, RunView, ViewDef } from '../model.ts';
import { fmtInt, h } from './dom.ts';

const LINE_COLOURS = ['#2563eb', '#d97706', '#dc2626', '#059669', '#7c3aed', '#db2777'];

/** Share of each pool in use (used + held) over steps, on a step axis shared by both sides. */
function pressureChart(run: RunView, maxSteps: number, width = 420, height = 90): HTMLElement {
  const c = h('canvas', { width, height, class: 'cmp-chart', role: 'img', 'aria-label': `pool pressure over ${run.stepCount} steps` });
  const ctx = c.getContext('2d');
  if (ctx) {
    ctx.strokeStyle = 'rgba(128,128,128,0.5)';
    ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
    const xEnd = ((run.stepCount - 1) / Math.max(1, maxSteps - 1)) * (width - 2);
    run.poolGroups.forEach((g, i) => {
      const total = Math.max(1, g.slotCount);
      ctx.strokeStyle = LINE_COLOURS[i % LINE_COLOURS.length];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (let x = 0; x <= xEnd; x++) {
        const t = Math.min(run.stepCount - 1, Math.round((x / Math.max(1, xEnd)) * (run.stepCount - 1)));
        const y = height - 2 - ((run.used[i][t] + run.held[i][t]) / total) * (height - 4);
        if (x === 0) ctx.moveTo(x + 1, y);
        else ctx.lineTo(x + 1, y);
      }
      ctx.stroke();
    });
  }
  const legend = h('div', { class: 'legend' }, ...run.poolGroups.map((g, i) => h('span', {}, h('span', { class: 'sw', style: `background:${LINE_COLOURS[i % LINE_COLOURS.length]}` }), g.name)));
  return h('div', {}, h('div', { class: 'notice', text: `share of each pool in use (used + held), steps 0..${maxSteps - 1}` }), c, legend);
}

function summaryCard(side: CompareSide, maxSteps: number): HTMLElement {
  const run = side.run;
  if (!run) return h('div', { class: 'panel status bad', text: side.error ?? 'no run' });
  const s = run.summary;
  const outcome = s.outcome === 'deadlock' && s.deadlock ? `deadlock in ${s.deadlock.poolName}` : s.outcome;
  return h(
    'div',
    { class: `panel status ${s.outcome === 'completed' ? 'ok' : 'bad'}`, 'data-outcome': s.outcome },
    h('h3', { text: side.title }),
    h('p', { text: `${outcome}: ${s.completedRequests}/${s.totalRequests} requests done in ${fmtInt(s.steps)} steps; max ${s.maxConcurrentDecodes} concurrent decodes.` }),
    h('p', { class: 'mono', text: `slots [${s.slotCounts.join(', ')}], peak used [${s.peakUsedSlots.join(', ')}]` }),
    pressureChart(run, maxSteps),
  );
}

class CompareView implements ViewDef {
  readonly id = 'compare';
  readonly label = 'Compare';
  private el!: HTMLElement;
  private dispatch!: Dispatch;
  private shown: CompareModel | null = null;

  mount(el: HTMLElement, dispatch: Dispatch): void {
    this.el = el;
    this.dispatch = dispatch;
  }

  render(m: PageModel): void {
    if (m.view !== this.id) return;
    const c = m.compare;
    if (!c || c === this.shown) return;
    this.shown = c;
    const pick = (label: string, id: string, key: string, values: readonly string[], value: string) => {
      const sel = h('select', { id, 'aria-label': label });
      for (const v of values) sel.appendChild(h('option', { value: v, text: v }));
      sel.value = value;
      sel.addEventListener('change', () => this.dispatch({ type: 'set', key, raw: sel.value }));
      return h('label', { class: 'notice' }, `${label} `, sel);
    };
    const controls = h('div', { class: 'transport' }, pick('Right side: constraint mode', 'cmp-mode', 'cmpMode', c.modes, c.mode), pick('policy', 'cmp-policy', 'cmpPolicy', c.policies, c.policy));
    const maxSteps = Math.max(c.left.run?.stepCount ?? 1, c.right.run?.stepCount ?? 1);
    this.el.replaceChildren(
      h(
        'section',
        { class: 'panel', id: 'compare', 'aria-busy': c.pending ? 'true' : null },
        h('h2', { text: 'Compare two constraint modes or policies on the same model and workload' }),
        controls,
        h('div', { class: 'compare-grid' }, summaryCard(c.left, maxSteps), summaryCard(c.right, maxSteps)),
      ),
    );
  }
}

export const compareView = new CompareView();
