/**
 * Export / import: the plan in the engine scenario output format (as `kvpool plan --json`), the
 * trace in the simulator's JSON format plus the link of this run; importing a trace from this page
 * re-runs its settings and checks the result is identical, and a plan JSON is shown as a table.
 */
import type { DataModel, Dispatch, PageModel, PlanView, ViewDef } from '../model.ts';
import { download, h } from './dom.ts';
import { renderPlanTable } from './plan.ts';

/** The view's elements, made when it is mounted (the registry is imported where there is no DOM). */
function elements() {
  return {
    msg: h('p', { class: 'notice', id: 'data-msg', role: 'status' }),
    imported: h('div', { id: 'imported-plan' }),
  };
}

class ExportImportView implements ViewDef {
  private e!: ReturnType<typeof elements>;
  readonly id = 'data';
  readonly label = 'Export / import';
  private model: PageModel | null = null;
  private shownPlan: PlanView | null = null;
  private shown: DataModel | null = null;

  mount(el: HTMLElement, dispatch: Dispatch): void {
    this.e = elements();
    const exportPlan = h('button', { type: 'button', id: 'export-plan', text: 'Export plan JSON' });
    const exportTrace = h('button', { type: 'button', id: 'export-trace', text: 'Export trace JSON' });
    const file = h('input', { type: 'file', id: 'import-file', accept: '.json,application/json', 'aria-label': 'Import a plan or trace JSON' });
    exportPlan.addEventListener('click', () => {
      const plan = this.model?.plan;
      if (plan) download('plan.json', plan.toJson());
    });
    exportTrace.addEventListener('click', () => {
      const json = this.model?.data.traceJson();
      if (json) download('trace.json', json);
    });
    file.addEventListener('change', () => {
      const f = file.files?.[0];
      if (f) void f.text().then((text) => dispatch({ type: 'import', text, name: f.name }));
    });
    el.appendChild(
      h(
        'section',
        { class: 'panel', id: 'data' },
        h('h2', { text: 'Export and import' }),
        h('p', { class: 'notice', text: 'The plan exports in the engine scenario output format (as kvpool plan --json); the trace in the simulator\u2019s JSON format plus the link of this run. Importing a trace from this page re-runs its settings and checks the result is identical; a plan JSON is shown as a table.' }),
        h('div', { class: 'transport' }, exportPlan, exportTrace),
        h('h3', { text: 'Import a plan or trace JSON' }),
        file,
        this.e.msg,
        this.e.imported,
      ),
    );
  }

  render(m: PageModel): void {
    this.model = m;
    const d = m.data;
    if (d === this.shown) return;
    this.shown = d;
    this.e.msg.textContent = d.message;
    if (d.identical === null) this.e.msg.removeAttribute('data-identical');
    else this.e.msg.setAttribute('data-identical', String(d.identical));
    if (d.importedPlan !== this.shownPlan) {
      this.shownPlan = d.importedPlan;
      this.e.imported.replaceChildren(...(d.importedPlan ? [renderPlanTable(d.importedPlan)] : []));
    }
  }
}

export const dataView = new ExportImportView();
