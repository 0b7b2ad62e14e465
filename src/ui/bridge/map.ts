/**
 * The Map view's sweep: a grid over two knobs of the page's configuration, one worker task per
 * cell (task `mapCell`), at most one cell per worker in flight so the page's own runs never wait
 * behind the whole grid. Each cell is the verdict (a fixed search budget: a cell is a value) and
 * the page's workload run under that configuration, plus the URL values that load it.
 */
import type { Subject } from '../../verdict/subject.ts';
import { applyKnob, axisValues, evaluateCell, SWEEP_KNOBS } from '../../verdict/sweep.ts';
import type { MapAxisInput, MapAxisView, MapCellView, MapModel } from '../model.ts';
import { runKey } from '../state/codec.ts';
import type { UiState } from '../state/params.ts';
import { Cancelled, type TaskHandle, type WorkerPool } from './pool.ts';
import { pageWorkload } from './run.ts';
import { patchFor, subjectOf, subjectProblem } from './verdict.ts';

export const MAP_CELL_WORK_UNITS = 2_000_000;
const GiB = 2 ** 30;


export interface CellInput {
  readonly state: UiState;
  readonly x: { readonly knob: string; readonly value: number };
  readonly y: { readonly knob: string; readonly value: number };
}

export interface CellOutput {
  readonly cell: MapCellView;
  readonly apply: Record<string, string> | null;
}

let memo: { key: string; base: ReturnType<typeof subjectOf>; workload: ReturnType<typeof pageWorkload> } | null = null;

/** One cell (in a worker). Pure apart from a one-entry memo of the page's subject and workload. */
export function cellTask(input: CellInput): CellOutput {
  const key = JSON.stringify(input.state);
  if (memo?.key !== key) memo = { key, base: subjectOf(input.state), workload: pageWorkload(input.state) };
  const base = memo.base;
  if (typeof base === 'string') throw new Error(base);
  // Both knobs are applied through the sweep's own applyKnob (evaluateCell re-plans the subject).
  const subject = sweepSubject(base, input);
  const r = evaluateCell(subject, memo.workload, MAP_CELL_WORK_UNITS);
  return { cell: { verdict: r.verdict, maxConcurrentDecodes: r.maxConcurrentDecodes, tokensPerStep: r.tokensPerStep, outcome: r.outcome }, apply: patchFor(base, subject) };
}

/** The cell's subject: x then y applied as sweepCells applies them to a whole grid. */
function sweepSubject(base: Subject, c: CellInput): Subject {
  return applyKnob(applyKnob(base, c.x.knob, c.x.value), c.y.knob, c.y.value);
}

/** An axis from the controls (quota in GiB) as core values (quota in bytes). */
export function axisOf(a: MapAxisInput): MapAxisView {
  if (!SWEEP_KNOBS.includes(a.knob as never) && !/^pool-ratio-\d+$/.test(a.knob)) throw new Error(`map axis ${a.knob}: one of ${SWEEP_KNOBS.join(', ')}`);
  const scale = a.knob === 'quota' ? GiB : 1;
  return { knob: a.knob, values: axisValues(a.knob, `${a.from * scale}:${a.to * scale}:${a.count}`, Number) };
}

/** The page's value of a knob (to mark its cell on the grid). */
function knobValue(s: UiState, knob: string): number | null {
  const m = /^pool-ratio-(\d+)$/.exec(knob);
  if (m) {
    const total = s.poolRatio.reduce((a, x) => a + x, 0);
    return total > 0 && Number(m[1]) < s.poolRatio.length ? s.poolRatio[Number(m[1])] / total : null;
  }
  const v: Record<string, number> = { 'max-batch-size': s.maxBatchSize, quota: Math.round(s.quotaGiB * GiB), 'max-seq-len': s.maxSeqLen, 'max-num-tokens': s.maxNumTokens || 8192, 'tokens-per-block': s.tokensPerBlock, 'max-util-for-resume': s.maxUtilForResume };
  return v[knob] ?? null;
}

function nearest(values: readonly number[], v: number | null): number | null {
  if (v === null || values.length === 0) return null;
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - v) < Math.abs(values[best] - v)) best = i;
  const span = Math.abs(values[values.length - 1] - values[0]) / Math.max(1, values.length - 1);
  return Math.abs(values[best] - v) <= span ? best : null;
}

/** The axes the controls start from: the #15401 map (quota x maxBatchSize, 20 x 20), else around the page's values. */
export function suggestedAxes(s: UiState): { x: MapAxisInput; y: MapAxisInput } {
  if (s.scenario === 'trtllm-15401' && !s.config) return { x: { knob: 'quota', from: 20, to: 400, count: 20 }, y: { knob: 'max-batch-size', from: 4, to: 80, count: 20 } };
  const q = s.quotaGiB;
  return { x: { knob: 'quota', from: Number((q / 4).toPrecision(3)), to: Number((q * 4).toPrecision(3)), count: 20 }, y: { knob: 'max-batch-size', from: 1, to: Math.max(2, s.maxBatchSize * 2), count: Math.min(20, Math.max(2, s.maxBatchSize * 2)) } };
}

interface Sweep {
  readonly key: string;
  readonly x: MapAxisView;
  readonly y: MapAxisView;
  readonly cells: (MapCellView | null)[];
  readonly apply: (Record<string, string> | null)[];
  readonly handles: Set<TaskHandle<CellOutput>>;
  readonly started: number;
  next: number;
  done: number;
  state: MapModel['state'];
  message: string;
}

export class Maps {
  private sweep: Sweep | null = null;
  private version = 0;
  private memo: { version: number; key: string; model: MapModel } | null = null;
  private timer = 0;

  constructor(
    private readonly pool: WorkerPool | null,
    private readonly onChange: () => void,
    private readonly now: () => number,
  ) {}

  start(s: UiState, xIn: MapAxisInput, yIn: MapAxisInput): void {
    this.cancel();
    let x: MapAxisView;
    let y: MapAxisView;
    try {
      x = axisOf(xIn);
      y = axisOf(yIn);
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
      return;
    }
    // Checked without planning (the main thread never plans): the cells plan in the workers.
    const why = this.pool ? subjectProblem(s) : 'the map needs Web Workers, which this browser does not offer';
    if (why !== null || !this.pool) {
      this.fail(`The map cannot be drawn: ${why}.`);
      return;
    }
    const total = x.values.length * y.values.length;
    this.sweep = { key: runKey(s), x, y, cells: new Array(total).fill(null), apply: new Array(total).fill(null), handles: new Set(), started: this.now(), next: 0, done: 0, state: 'running', message: '' };
    for (let i = 0; i < this.pool.size; i++) this.submitNext(s);
    this.changed(true);
  }

  cancel(): void {
    const sw = this.sweep;
    if (sw?.state !== 'running') return;
    for (const h of sw.handles) h.cancel();
    sw.handles.clear();
    sw.state = 'cancelled';
    sw.message = `Cancelled after ${sw.done} of ${sw.cells.length} cells.`;
    this.changed(true);
  }

  private fail(message: string): void {
    this.sweep = { key: '', x: { knob: '', values: [] }, y: { knob: '', values: [] }, cells: [], apply: [], handles: new Set(), started: 0, next: 0, done: 0, state: 'error', message };
    this.changed(true);
  }

  private submitNext(s: UiState): void {
    const sw = this.sweep!;
    if (sw.next >= sw.cells.length || !this.pool) return;
    const i = sw.next++;
    const xi = i % sw.x.values.length;
    const yi = Math.floor(i / sw.x.values.length);
    const input: CellInput = { state: s, x: { knob: sw.x.knob, value: sw.x.values[xi] }, y: { knob: sw.y.knob, value: sw.y.values[yi] } };
    const h = this.pool.submit<CellOutput>('mapCell', input);
    sw.handles.add(h);
    h.promise.then(
      (out) => {
        if (this.sweep !== sw || sw.state !== 'running') return;
        sw.handles.delete(h);
        sw.cells[i] = out.cell;
        sw.apply[i] = out.apply;
        this.settle(sw, s);
      },
      (e) => {
        if (e instanceof Cancelled || this.sweep !== sw || sw.state !== 'running') return;
        sw.handles.delete(h);
        sw.cells[i] = { verdict: 'refused', maxConcurrentDecodes: 0, tokensPerStep: 0, outcome: `error: ${e instanceof Error ? e.message : String(e)}` };
        this.settle(sw, s);
      },
    );
  }

  private settle(sw: Sweep, s: UiState): void {
    sw.done++;
    if (sw.done === sw.cells.length) {
      sw.state = 'done';
      sw.message = `${sw.done} cells in ${((this.now() - sw.started) / 1000).toFixed(1)} s on ${this.pool?.size ?? 0} workers.`;
      performance.mark('kvpool:map-done');
      this.changed(true);
      return;
    }
    this.submitNext(s);
    this.changed(false);
  }

  /** Results arrive many per second: the page redraws at most every 100 ms while a sweep runs. */
  private changed(now: boolean): void {
    this.version++;
    if (now) {
      clearTimeout(this.timer);
      this.timer = 0;
      setTimeout(this.onChange, 0);
      return;
    }
    if (this.timer) return;
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      this.onChange();
    }, 100);
  }

  model(s: UiState): MapModel {
    const key = runKey(s);
    if (this.memo && this.memo.version === this.version && this.memo.key === key) return this.memo.model;
    const sw = this.sweep;
    const suggested = suggestedAxes(s);
    const xi = sw ? nearest(sw.x.values, knobValue(s, sw.x.knob)) : null;
    const yi = sw ? nearest(sw.y.values, knobValue(s, sw.y.knob)) : null;
    const model: MapModel = {
      state: sw?.state ?? 'idle',
      message: sw?.message ?? '',
      knobs: [...SWEEP_KNOBS.filter((k) => k !== 'pool-ratio-N'), ...s.poolRatio.map((_, i) => `pool-ratio-${i}`)],
      suggested,
      x: sw && sw.state !== 'error' ? sw.x : null,
      y: sw && sw.state !== 'error' ? sw.y : null,
      cells: sw ? [...sw.cells] : [],
      done: sw?.done ?? 0,
      total: sw?.cells.length ?? 0,
      current: xi !== null && yi !== null ? { xi, yi } : null,
      loadCell: (i) => sw?.apply[i] ?? null,
    };
    this.memo = { version: this.version, key, model };
    return model;
  }
}
