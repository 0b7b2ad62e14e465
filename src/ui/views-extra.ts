/**
 * The secondary tabs: compare (two constraint modes or policies side by side on the same model and
 * workload), export/import, and the attention inspector (inspector.ts). Each is computed lazily,
 * only while its tab is open.
 */
import { InputError } from '../model/errors.ts';
import type { App } from './app.ts';
import { download, fmtInt, h } from './dom.ts';
import { isPlan, isTrace, parseJsonFile, planJsonRows, playgroundQuery, traceJsonToRunView, withPlayground } from './import.ts';
import { Inspector } from './inspector.ts';
import { renderPlanTable } from './plan-view.ts';
import { computeRun } from './sim-adapter.ts';
import { MODES, POLICIES, serializeUrlState, type UiState } from './url-state.ts';
import type { FrameView, PlanView, RunView } from './view-model.ts';

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

function summaryCard(title: string, run: RunView, maxSteps: number): HTMLElement {
  const s = run.summary;
  const outcome = s.outcome === 'deadlock' && s.deadlock ? `deadlock in ${s.deadlock.poolName}` : s.outcome;
  return h(
    'div',
    { class: `panel status ${s.outcome === 'completed' ? 'ok' : 'bad'}`, 'data-outcome': s.outcome },
    h('h3', { text: title }),
    h('p', { text: `${outcome}: ${s.completedRequests}/${s.totalRequests} requests done in ${fmtInt(s.steps)} steps; max ${s.maxConcurrentDecodes} concurrent decodes.` }),
    h('p', { class: 'mono', text: `slots [${s.slotCounts.join(', ')}], peak used [${s.peakUsedSlots.join(', ')}]` }),
    pressureChart(run, maxSteps),
  );
}

export class ViewsExtra {
  private readonly app: App;
  private readonly inspector: Inspector;
  private compareKey = '';

  constructor(app: App) {
    this.app = app;
    this.inspector = new Inspector(app);
    app.shell.tabs.get('inspector')!.panel.appendChild(this.inspector.root);
    this.buildData();
  }

  setRun(): void {
    this.compareKey = '';
    this.inspector.setRun();
  }

  setStep(frame: FrameView): void {
    const view = this.app.state.view;
    if (view === 'compare') this.renderCompare();
    if (view === 'inspector') this.inspector.setFrame(frame);
  }

  private renderCompare(): void {
    const st = this.app.state;
    const key = JSON.stringify([this.app.lastRunKeyPublic(), st.compareMode, st.comparePolicy]);
    if (key === this.compareKey) return;
    this.compareKey = key;
    const panel = this.app.shell.tabs.get('compare')!.panel;
    const pick = (label: string, id: string, values: readonly string[], value: string, on: (v: string) => void) => {
      const sel = h('select', { id, 'aria-label': label });
      for (const v of values) sel.appendChild(h('option', { value: v, text: v }));
      sel.value = value;
      sel.addEventListener('change', () => on(sel.value));
      return h('label', { class: 'notice' }, `${label} `, sel);
    };
    const controls = h(
      'div',
      { class: 'transport' },
      pick('Right side: constraint mode', 'cmp-mode', MODES, st.compareMode, (v) => this.app.patch({ compareMode: v as UiState['compareMode'] })),
      pick('policy', 'cmp-policy', POLICIES, st.comparePolicy, (v) => this.app.patch({ comparePolicy: v as UiState['comparePolicy'] })),
    );
    const left = this.app.run;
    let rightRun: RunView | null = null;
    let error = '';
    try {
      rightRun = computeRun({ ...st, mode: st.compareMode, policy: st.comparePolicy }, this.app.custom).run;
    } catch (e) {
      error = e instanceof InputError ? e.message : String(e);
    }
    const maxSteps = Math.max(left?.stepCount ?? 1, rightRun?.stepCount ?? 1);
    const right = rightRun ? summaryCard(`${st.compareMode} · ${st.comparePolicy}`, rightRun, maxSteps) : h('div', { class: 'panel status bad', text: error });
    panel.replaceChildren(
      h('section', { class: 'panel', id: 'compare' }, h('h2', { text: 'Compare two constraint modes or policies on the same model and workload' }), controls, h('div', { class: 'compare-grid' }, left ? summaryCard(`${st.mode} · ${st.policy}`, left, maxSteps) : h('div', { text: 'no run' }), right)),
    );
  }

  private buildData(): void {
    const panel = this.app.shell.tabs.get('data')!.panel;
    const msg = h('p', { class: 'notice', id: 'data-msg', role: 'status' });
    const imported = h('div', { id: 'imported-plan' });
    const exportPlan = h('button', { type: 'button', id: 'export-plan', text: 'Export plan JSON' });
    const exportTrace = h('button', { type: 'button', id: 'export-trace', text: 'Export trace JSON' });
    const file = h('input', { type: 'file', id: 'import-file', accept: '.json,application/json', 'aria-label': 'Import a plan or trace JSON' });
    exportPlan.addEventListener('click', () => {
      if (this.app.result) download('plan.json', this.app.result.planView.toJson());
    });
    exportTrace.addEventListener('click', () => {
      if (this.app.run) download('trace.json', withPlayground(this.app.run.toJson(), serializeUrlState({ ...this.app.state, view: 'pools' })));
    });
    file.addEventListener('change', () => {
      const f = file.files?.[0];
      if (!f) return;
      void f.text().then((text) => this.importText(text, f.name, msg, imported));
    });
    panel.appendChild(
      h(
        'section',
        { class: 'panel', id: 'data' },
        h('h2', { text: 'Export and import' }),
        h('p', { class: 'notice', text: 'The plan exports in the engine scenario output format (as kvpool plan --json); the trace in the simulator\u2019s JSON format plus the link of this run. Importing a trace from this page re-runs its settings and checks the result is identical; a plan JSON is shown as a table.' }),
        h('div', { class: 'transport' }, exportPlan, exportTrace),
        h('h3', { text: 'Import a plan or trace JSON' }),
        file,
        msg,
        imported,
      ),
    );
  }

  /** Import (also used by tests through the page): returns the message shown. */
  async importText(text: string, name: string, msg: HTMLElement, imported: HTMLElement): Promise<void> {
    try {
      const o = parseJsonFile(text, name);
      if (isTrace(o)) {
        const query = playgroundQuery(o);
        if (query === null) {
          const run = traceJsonToRunView(o);
          this.app.showImportedRun(run);
          msg.textContent = `Imported ${name}: ${run.stepCount} steps (timeline and summary only: the file has no settings).`;
          return;
        }
        await this.app.restoreFromQuery(query);
        this.app.setView('data'); // stay here so the result of the import is visible
        const now = this.app.run ? JSON.stringify(JSON.parse(this.app.run.toJson()).summary) : '';
        const same = now === JSON.stringify(o.summary);
        msg.textContent = same
          ? `Imported ${name}: re-ran its settings; the summary is identical (a run is a value).`
          : `Imported ${name}: re-ran its settings, but the summary differs from the file (made by another version of the simulator?).`;
        msg.setAttribute('data-identical', String(same));
        return;
      }
      if (isPlan(o)) {
        const rows = planJsonRows(o);
        const view: PlanView = {
          rows,
          findings: [],
          ratioSource: String(o.ratio_source ?? 'unknown'),
          quotaBytes: Number(o.effective_quota_bytes ?? 0),
          error: isObjError(o.error),
          toJson: () => text,
        };
        imported.replaceChildren(renderPlanTable(view));
        msg.textContent = `Imported plan ${name}: ${rows.length} pool group(s).`;
        return;
      }
      throw new InputError(name, 'JSON', 'a trace (format "kvpool-trace") or a plan (pool_groups, slot_counts) exported by the playground or kvpool');
    } catch (e) {
      msg.textContent = e instanceof InputError ? e.message : `${name}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
}

function isObjError(e: unknown): string | null {
  return e && typeof e === 'object' && 'message' in e ? String((e as { message: unknown }).message) : null;
}
