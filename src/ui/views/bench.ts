/**
 * Benchmark view (`?view=bench`): the decode-attention benchmark of `npm run bench:gpu` (same
 * cases and limits) on this browser's WebGPU adapter, run by the bridge (runBench intent). Shows
 * progress, a results table and a fraction-of-roofline chart; saves the export (rows and adapter
 * info) as a JSON file. Nothing is sent anywhere.
 */
import type { BenchModel, Dispatch, PageModel, ViewDef } from '../model.ts';
import { clear, h } from './dom.ts';

interface Row {
  case: string;
  path: string;
  lanes: number;
  batch: number;
  ms: number;
  rooflineMs: number;
  bound: string;
  fractionOfRoofline: number;
  ratioToCopy: number;
  speedupVsNaive: number;
  speedupVsPrevious: number;
  readLimitGbPerS: number;
  coldCompileMs: number;
  warmCompileMs: number;
}

const COLUMNS: Array<[string, (r: Row) => string]> = [
  ['case', (r) => r.case],
  ['path', (r) => (r.path === 'texture' ? `texture (${r.lanes} lanes)` : 'buffer')],
  ['batch', (r) => String(r.batch)],
  ['ms', (r) => r.ms.toFixed(1)],
  ['roofline ms', (r) => r.rooflineMs.toFixed(1)],
  ['bound', (r) => r.bound],
  ['of roofline', (r) => r.fractionOfRoofline.toFixed(2)],
  ['of copy', (r) => r.ratioToCopy.toFixed(2)],
  ['× naive', (r) => r.speedupVsNaive.toFixed(1)],
  ['× previous', (r) => r.speedupVsPrevious.toFixed(2)],
  ['read GB/s', (r) => r.readLimitGbPerS.toFixed(2)],
  ['cold / warm compile s', (r) => `${(r.coldCompileMs / 1000).toFixed(1)} / ${(r.warmCompileMs / 1000).toFixed(1)}`],
];

function elements() {
  return {
    root: h('section', { class: 'panel bench', id: 'bench', 'aria-label': 'Benchmark', 'data-state': 'idle' }),
    quick: h('button', { type: 'button', class: 'primary', id: 'bench-run-quick', text: 'Run quick set' }),
    full: h('button', { type: 'button', id: 'bench-run-full', text: 'Run full set (minutes)' }),
    exportButton: h('button', { type: 'button', id: 'bench-export', text: 'Export JSON', disabled: true }),
    progress: h('progress', { id: 'bench-progress', max: 1, value: 0 }),
    status: h('p', { id: 'bench-status', role: 'status', 'aria-live': 'polite', text: 'Not run yet.' }),
    table: h('table', { id: 'bench-table', class: 'bench-table' }),
    chart: h('canvas', { id: 'bench-chart', width: 640, height: 40, role: 'img', 'aria-label': 'Fraction of roofline per case and path' }),
    json: h('pre', { id: 'bench-json', hidden: true }),
  };
}

function drawChart(canvas: HTMLCanvasElement, rows: readonly Row[]): void {
  const bar = 16;
  canvas.height = Math.max(40, rows.length * (bar + 4) + 24);
  const g = canvas.getContext('2d');
  if (!g) return;
  const label = 200;
  const w = canvas.width - label - 40;
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.font = '12px sans-serif';
  g.textBaseline = 'middle';
  rows.forEach((r, i) => {
    const y = 4 + i * (bar + 4);
    g.fillStyle = '#555';
    g.fillText(`${r.case} ${r.path}`, 4, y + bar / 2);
    g.fillStyle = r.path === 'texture' ? '#2a7ab8' : '#b8862a';
    g.fillRect(label, y, Math.min(1, r.fractionOfRoofline) * w, bar);
    g.fillStyle = '#555';
    g.fillText(r.fractionOfRoofline.toFixed(2), label + Math.min(1, r.fractionOfRoofline) * w + 4, y + bar / 2);
  });
  const y = canvas.height - 14;
  g.fillText('0', label, y);
  g.fillText('1 = roofline', label + w - 60, y);
}

function fillTable(table: HTMLTableElement, rows: readonly Row[]): void {
  clear(table);
  table.append(h('thead', {}, h('tr', {}, ...COLUMNS.map(([name]) => h('th', { scope: 'col', text: name })))));
  table.append(h('tbody', {}, ...rows.map((r) => h('tr', { 'data-case': r.case, 'data-path': r.path }, ...COLUMNS.map(([, f]) => h('td', { text: f(r) }))))));
}

class BenchView implements ViewDef {
  readonly id = 'bench';
  readonly label = 'Benchmark';
  private e!: ReturnType<typeof elements>;
  private shown: BenchModel | null = null;

  mount(el: HTMLElement, dispatch: Dispatch): void {
    this.e = elements();
    this.e.root.append(
      h('h2', { text: 'Benchmark: decode attention on this GPU' }),
      h('p', {
        text: 'Runs the paged decode-attention kernels of npm run bench:gpu on your WebGPU adapter, next to its own limits (copy, read, FMA and exp throughput). Results stay in this page; export them as JSON to share.',
      }),
      h('div', { class: 'transport' }, this.e.quick, this.e.full, this.e.exportButton),
      this.e.progress,
      this.e.status,
      this.e.table,
      this.e.chart,
      this.e.json,
    );
    el.appendChild(this.e.root);
    this.e.quick.addEventListener('click', () => dispatch({ type: 'runBench', set: 'quick' }));
    this.e.full.addEventListener('click', () => dispatch({ type: 'runBench', set: 'full' }));
    this.e.exportButton.addEventListener('click', () => this.save());
  }

  render(m: PageModel): void {
    const b = m.bench;
    if (b === this.shown) return;
    this.shown = b;
    this.e.root.dataset.state = b.state;
    this.e.quick.disabled = this.e.full.disabled = b.state === 'running';
    this.e.exportButton.disabled = b.exportJson === null;
    this.e.progress.max = Math.max(1, b.total);
    this.e.progress.value = b.done;
    this.e.status.textContent = b.message;
    const rows = b.rows as unknown as Row[];
    fillTable(this.e.table, rows);
    drawChart(this.e.chart, rows);
    this.e.json.textContent = b.exportJson ?? '';
  }

  private save(): void {
    const b = this.shown;
    if (!b?.exportJson) return;
    const url = URL.createObjectURL(new Blob([b.exportJson], { type: 'application/json' }));
    h('a', { href: url, download: b.fileName }).click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}

export const benchView: ViewDef = new BenchView();
