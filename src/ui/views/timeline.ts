/**
 * Pressure over time with uPlot (column arrays, canvas drawing): per pool group the share of its
 * slots that are used, and used + held by suspended requests; 100% is the pool's total. Event
 * markers (admit, finish, suspend, stall, deadlock) are ticks along the bottom and a red line for a
 * deadlock; the current step is a vertical line; clicking the plot scrubs.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Dispatch, EventKind, PageModel, RunView } from '../model.ts';
import { h } from './dom.ts';

const GROUP_COLOURS = ['#2563eb', '#d97706', '#dc2626', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d'];
const EVENT_COLOURS: Record<EventKind, string> = {
  admit: '#16a34a',
  finish: '#2563eb',
  suspend: '#d97706',
  resume: '#0891b2',
  preempt: '#a21caf',
  stall: '#f97316',
  deadlock: '#dc2626',
};

export class Timeline {
  readonly root = h('section', { class: 'panel timeline', id: 'timeline', 'aria-label': 'Pressure timeline', 'data-region': 'timeline' });
  private plot: uPlot | null = null;
  private run: RunView | null = null;
  private step = 0;
  private theme = '';
  private pending: RunView | null = null;
  private timer = 0;
  private readonly onSeek: (step: number) => void;
  /** Focusable (a slider over the steps): arrow keys step, Shift x10, Home/End. */
  private readonly chartHost = h('div', { class: 'chart', tabindex: 0, role: 'slider', 'aria-label': 'Timeline: step (arrow keys move, Shift ×10, Home/End)', 'aria-valuemin': 0, 'aria-valuenow': 0 });
  private readonly markerLegend = h('div', { class: 'legend' });
  private readonly note = h('p', { class: 'notice', id: 'timeline-note' });
  private readonly cursorLine = h('div', { class: 'step-line', 'aria-hidden': 'true' });

  constructor(dispatch: Dispatch) {
    this.onSeek = (step) => dispatch({ type: 'seek', step });
    this.chartHost.addEventListener('keydown', (e) => {
      const op = e.key === 'ArrowRight' ? (e.shiftKey ? 'forward10' : 'forward') : e.key === 'ArrowLeft' ? (e.shiftKey ? 'back10' : 'back') : e.key === 'Home' ? 'start' : e.key === 'End' ? 'end' : null;
      if (!op) return;
      e.preventDefault();
      e.stopPropagation();
      dispatch({ type: 'player', op });
    });
    let resizeTimer = 0;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(() => this.resize(), 100);
    });
    this.root.append(
      h('h2', {}, 'Timeline: share of each pool in use, per step ', h('span', { class: 'kbd', text: '(click: go to a step · drag: zoom · double-click: whole run)' })),
      this.note,
      this.chartHost,
      this.markerLegend,
    );
  }

  render(m: PageModel): void {
    this.root.classList.toggle('stale', m.runStale);
    if (m.run && (m.run !== this.pending || m.theme !== this.theme)) {
      // A new run's plot is built in a task of its own, after the pools are drawn: the page
      // never spends one long task on a new run.
      this.theme = m.theme;
      const run = m.run;
      this.pending = run;
      clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.setRun(run), 0);
    }
    if (m.step !== this.step) this.setStep(m.step);
  }

  private setRun(run: RunView): void {
    this.run = run;
    this.plot?.destroy();
    const width = Math.max(300, this.root.clientWidth - 28);
    // More steps than pixels: one point per bucket of steps, the bucket's largest value (the
    // pressure peaks are what the chart is for). Clicks still map to steps through the x scale.
    const n = run.stepCount;
    const bucket = Math.max(1, Math.ceil(n / (2 * width)));
    const m = Math.ceil(n / bucket);
    const x = new Float64Array(m);
    for (let k = 0; k < m; k++) x[k] = k * bucket;
    const data: (ArrayLike<number> | number[])[] = [x];
    const series: uPlot.Series[] = [{ label: bucket > 1 ? `step (max of ${bucket})` : 'step' }];
    run.poolGroups.forEach((g, i) => {
      const total = Math.max(1, g.slotCount);
      const usedAbs = new Float64Array(m);
      const heldAbs = new Float64Array(m);
      const u = run.used[i];
      const hd = run.held[i];
      for (let k = 0; k < m; k++) {
        let mu = 0;
        let mh = 0;
        for (let t = k * bucket, end = Math.min(n, t + bucket); t < end; t++) {
          if (u[t] > mu) mu = u[t];
          if (u[t] + hd[t] > mh) mh = u[t] + hd[t];
        }
        usedAbs[k] = mu;
        heldAbs[k] = mh;
      }
      const used = usedAbs.map((v) => (100 * v) / total);
      const withHeld = heldAbs.map((v) => (100 * v) / total);
      const stroke = GROUP_COLOURS[i % GROUP_COLOURS.length];
      const abs = (arr: ArrayLike<number>) => (_u: uPlot, v: number | null, _s: number, idx: number | null) =>
        v === null || idx === null ? '-' : `${arr[idx]}/${g.slotCount} (${v.toFixed(1)}%)`;
      data.push(used, withHeld);
      series.push({ label: `${g.name} used`, stroke, width: 2, value: abs(usedAbs) });
      series.push({ label: `${g.name} used+held`, stroke, width: 1, dash: [4, 3], value: abs(heldAbs) });
    });
    const fg = getComputedStyle(this.root).color || '#333';
    const opts: uPlot.Options = {
      width,
      height: 180,
      series,
      // The x range reaches the last step even when the buckets end before it; zoom still works.
      scales: { x: { time: false, range: (_u, lo, hi) => [Math.max(0, lo), hi >= (m - 1) * bucket ? Math.max(1, n - 1) : hi] }, y: { range: [0, 105] } },
      // Canvas text cannot use currentColor: take the theme's text colour now (restyle() on a theme change).
      axes: [
        { label: 'step', stroke: fg, grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { stroke: 'rgba(128,128,128,0.4)' } },
        { label: '% of pool', stroke: fg, grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { stroke: 'rgba(128,128,128,0.4)' } },
      ],
      legend: { live: true },
      // Drag to zoom into a range of steps (double-click resets); a plain click jumps to a step.
      cursor: { drag: { x: true, y: false, dist: 6 } },
      hooks: { draw: [(u) => this.drawOverlay(u)], setScale: [() => this.setStep(this.step)] },
    };
    // Zoom once the plot has its first scales (setting them earlier is overwritten).
    opts.hooks = { ...opts.hooks, ready: [(u) => setTimeout(() => this.zoomPastStall(run, u), 0)] };
    this.plot = new uPlot(opts, data as uPlot.AlignedData, this.chartHost);
    this.plot.over.appendChild(this.cursorLine);
    this.setStep(this.step);
    this.plot.over.addEventListener('click', () => {
      const u = this.plot;
      if (!u || u.cursor.left === undefined || u.cursor.left < 0) return;
      this.onSeek(Math.round(u.posToVal(u.cursor.left, 'x')));
    });
    const kinds = [...new Set(run.events.map((e) => e.kind))];
    this.markerLegend.replaceChildren(
      h('span', { text: 'markers:' }),
      ...kinds.map((k) => h('span', {}, h('span', { class: 'sw', style: `background:${EVENT_COLOURS[k]}` }), `${k} (${run.events.filter((e) => e.kind === k).length})`)),
    );
  }

  /**
   * A run that stalls repeats the same pass until the detector gives up (1000 passes): open
   * zoomed on what happens before and at the stall, and say so; double-click shows the whole run.
   */
  private zoomPastStall(run: RunView, u: uPlot): void {
    const d = run.summary.deadlock;
    const first = d?.firstStalledStep;
    const n = run.stepCount;
    if (first === undefined || n - first < 100) {
      this.note.textContent = '';
      return;
    }
    const end = Math.min(n - 1, first + Math.max(20, Math.round(first * 0.25)));
    u.setScale('x', { min: 0, max: end });
    this.note.textContent = `Zoomed to passes 0–${end}: the ${n - 1 - first} stalled passes after pass ${first} (up to ${n - 1}) are alike and hidden; double-click the chart for the whole run.`;
  }

  private resize(): void {
    if (this.plot) this.plot.setSize({ width: Math.max(300, this.root.clientWidth - 28), height: 180 });
    this.setStep(this.step);
  }

  /** Moves a positioned line over the plot: no canvas redraw per step (cheap at 100k steps). */
  private setStep(step: number): void {
    this.step = step;
    this.chartHost.setAttribute('aria-valuenow', String(step));
    const u = this.plot;
    if (!u) return;
    const x = u.valToPos(step, 'x');
    this.cursorLine.hidden = !(x >= 0 && x <= u.over.clientWidth);
    this.cursorLine.style.transform = `translateX(${Math.round(x)}px)`;
  }

  private drawOverlay(u: uPlot): void {
    const run = this.run;
    if (!run) return;
    const ctx = u.ctx;
    const { top, height } = u.bbox;
    ctx.save();
    const dpr = devicePixelRatio || 1;
    for (const e of run.events) {
      const px = Math.round(u.valToPos(e.step, 'x', true));
      ctx.fillStyle = EVENT_COLOURS[e.kind];
      if (e.kind === 'deadlock') {
        ctx.fillRect(px - dpr, top, 2 * dpr, height);
      } else {
        const row = e.kind === 'admit' ? 0 : e.kind === 'finish' ? 1 : 2;
        ctx.fillRect(px, top + height - (row + 1) * 5 * dpr, dpr, 4 * dpr);
      }
    }
    ctx.restore();
  }
}
