/**
 * Compare: two engines (or versions), constraint modes or policies side by side on the same model
 * and workload; for two engines, what moved each number of the plan. The
 * second run is computed by the bridge only while this view is open (the model's `compare` is
 * built when read).
 */
import type { CompareModel, CompareSide, Dispatch, PageModel, RunView, ViewDef } from '../model.ts';
import { fmtInt, h } from './dom.ts';

const LINE_COLOURS = ['#2563eb', '#d97706', '#dc2626', '#059669', '#7c3aed', '#db2777'];

/**
 * Share of each pool in use (used + held) over steps, on a step axis shared by both sides, with
 * axes: 0 / 50 / 100% of the pool on the left, steps along the bottom.
 */
function pressureChart(run: RunView, maxSteps: number, width = 420, height = 110): HTMLElement {
  const c = h('canvas', { width, height, class: 'cmp-chart', role: 'img', 'aria-label': `pool pressure over ${run.stepCount} steps` });
  const ctx = c.getContext('2d');
  const left = 34;
  const bottom = 18;
  const w = width - left - 2;
  const ht = height - bottom - 4;
  if (ctx) {
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = 'rgba(128,128,128,0.9)';
    ctx.strokeStyle = 'rgba(128,128,128,0.35)';
    for (const pct of [0, 50, 100]) {
      const y = 2 + ht - (pct / 100) * ht;
      ctx.beginPath();
      ctx.moveTo(left, y + 0.5);
      ctx.lineTo(width - 2, y + 0.5);
      ctx.stroke();
      ctx.fillText(`${pct}%`, 2, y + 3);
    }
    const ticks = [0, Math.round((maxSteps - 1) / 2), maxSteps - 1];
    for (const t of ticks) {
      const x = left + (t / Math.max(1, maxSteps - 1)) * w;
      ctx.fillText(String(t), Math.min(width - 24, Math.max(left - 4, x - 8)), height - 4);
    }
    const xEnd = ((run.stepCount - 1) / Math.max(1, maxSteps - 1)) * w;
    run.poolGroups.forEach((g, i) => {
      const total = Math.max(1, g.slotCount);
      ctx.strokeStyle = LINE_COLOURS[i % LINE_COLOURS.length];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (let x = 0; x <= xEnd; x++) {
        const t = Math.min(run.stepCount - 1, Math.round((x / Math.max(1, xEnd)) * (run.stepCount - 1)));
        const y = 2 + ht - ((run.used[i][t] + run.held[i][t]) / total) * ht;
        if (x === 0) ctx.moveTo(left + x, y);
        else ctx.lineTo(left + x, y);
      }
      ctx.stroke();
    });
  }
  const legend = h('div', { class: 'legend' }, ...run.poolGroups.map((g, i) => h('span', {}, h('span', { class: 'sw', style: `background:${LINE_COLOURS[i % LINE_COLOURS.length]}` }), g.name)));
  return h(
    'div',
    {},
    h('div', { class: 'notice cmp-axis', text: `y: share of each pool in use (used + held), 0–100%` }),
    c,
    h('div', { class: 'notice cmp-axis', text: `x: step, 0..${maxSteps - 1} (the same axis on both sides)` }),
    legend,
  );
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

/** Two engines: what moved each number of the plan (computed by the planner), or why no rule can be named. */
function attribution(c: CompareModel): HTMLElement[] {
  const a = c.attribution;
  if (!a) return [];
  return [
    h(
      'section',
      { class: 'panel', id: 'cmp-attribution', 'aria-label': 'What moved the numbers' },
      h('h3', { text: `What moved the numbers: ${c.left.engine} -> ${c.right.engine}` }),
      h('p', { class: 'notice', text: a.note }),
      h('ul', { class: 'findings' }, ...a.lines.map((l) => h('li', { class: 'mono', text: l }))),
    ),
  ];
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
    const engine = pick('Right side: engine', 'cmp-engine', 'cmpEngine', ['', ...c.engines], c.engine);
    (engine.querySelector('option[value=""]') as HTMLOptionElement).textContent = '(the same engine)';
    // With another engine, its own mode and policy are used: the mode and policy pickers compare within one engine.
    const controls = h('div', { class: 'transport' }, engine, ...(c.engine ? [] : [pick('constraint mode', 'cmp-mode', 'cmpMode', c.modes, c.mode), pick('policy', 'cmp-policy', 'cmpPolicy', c.policies, c.policy)]));
    const maxSteps = Math.max(c.left.run?.stepCount ?? 1, c.right.run?.stepCount ?? 1);
    this.el.replaceChildren(
      h(
        'section',
        { class: 'panel', id: 'compare', 'aria-busy': c.pending ? 'true' : null },
        h('h2', { text: 'Compare two engines, versions, constraint modes or policies on the same model and workload' }),
        controls,
        h('div', { class: 'compare-grid' }, summaryCard(c.left, maxSteps), summaryCard(c.right, maxSteps)),
        ...attribution(c),
      ),
    );
  }
}

export const compareView = new CompareView();
