/**
 * `kvpool sweep`: a grid over two knobs of a configuration (as `kvpool check` takes it); each cell
 * gets the verdict (a fixed search budget per cell) and, for the chosen workload, the most
 * concurrent decodes and tokens per pass. Cells run in parallel on worker threads, with progress on
 * stderr; --csv prints the grid as rows, --json as an object.
 */
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { NAMED_SCENARIOS, scenarioConfig } from '../sim/index.ts';
import type { RequestSpec } from '../sim/types.ts';
import { parseTrace, resolveWorkload } from '../sim/workload.ts';
import { type CellResult, evaluateCell, SWEEP_KNOBS, type SweepCell, sweepCells } from '../verdict/sweep.ts';
import { commandArgs, type FlagSpec, flagBool, flagInt, flagString, type ParsedArgs } from './args.ts';
import { CHECK_FLAGS, subjectFromArgs } from './check.ts';
import type { Io } from './io.ts';
import { sweepAxes } from './sweep-axis.ts';

export const SWEEP_FLAGS: FlagSpec[] = [
  ...CHECK_FLAGS.filter((f) => !['time-budget', 'no-fixes', 'json', 'help'].includes(f.name)),
  { name: 'x', type: 'string', value: 'KNOB=A,B,..|A:B:N', help: `first axis (columns): ${SWEEP_KNOBS.join(', ')}` },
  { name: 'y', type: 'string', value: 'KNOB=A,B,..|A:B:N', help: 'second axis (rows)' },
  { name: 'requests', type: 'string', value: 'N', help: 'workload: N identical requests at pass 0 (default: the named scenario\'s workload, else 64)' },
  { name: 'prompt-len', type: 'string', value: 'N', help: 'workload prompt tokens (default 1024)' },
  { name: 'output-len', type: 'string', value: 'N', help: 'workload output tokens (default 256)' },
  { name: 'trace', type: 'string', value: 'FILE', help: 'workload from JSON or CSV (arrival, prompt, output)' },
  { name: 'cell-budget', type: 'string', value: 'N', help: 'request-passes the verdict search may simulate per cell (default 2000000)' },
  { name: 'workers', type: 'string', value: 'N', help: 'worker threads (default: CPUs, at least 1; 0 = in this thread)' },
  { name: 'csv', type: 'bool', help: 'print the grid as CSV rows' },
  { name: 'json', type: 'bool', help: 'print the grid as JSON' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

function workloadFromArgs(args: ParsedArgs, io: Io): RequestSpec[] {
  const trace = flagString(args, 'trace');
  if (trace !== undefined) return parseTrace(io.readText(trace, '--trace'));
  const scenario = flagString(args, 'scenario');
  const typed = ['requests', 'prompt-len', 'output-len'].some((f) => args.flags.has(f));
  if (!typed && scenario !== undefined && NAMED_SCENARIOS.some((s) => s.name === scenario)) return resolveWorkload(scenarioConfig(scenario).config.workload);
  const n = flagInt(args, 'requests', 1) ?? 64;
  const prompt = flagInt(args, 'prompt-len', 1) ?? 1024;
  const output = flagInt(args, 'output-len', 1) ?? 256;
  return Array.from({ length: n }, () => ({ arrival: 0, prompt, output }));
}

/** Worker threads that evaluate cells; started once (each thread loads the TypeScript core). */
export class CellPool {
  private readonly workers: Worker[];

  constructor(size: number) {
    const url = new URL('./sweep-worker.mjs', import.meta.url);
    this.workers = Array.from({ length: size }, () => new Worker(url));
  }

  /** Resolves once every thread has loaded the core and answered (so timings exclude start-up). */
  ready(): Promise<void> {
    return this.threadCpu().then(() => undefined);
  }

  /** Each thread's CPU seconds so far (null where the platform does not say); call between runs. */
  threadCpu(): Promise<(number | null)[]> {
    return Promise.all(
      this.workers.map(
        (w) =>
          new Promise<number | null>((resolve, reject) => {
            w.once('error', reject);
            w.once('message', (m: { cpu?: number | null }) => {
              w.off('error', reject);
              resolve(m.cpu ?? null);
            });
            w.postMessage({ id: -1, ping: true });
          }),
      ),
    );
  }

  run(cells: readonly SweepCell[], workload: readonly RequestSpec[], workUnits: number, progress: (done: number) => void): Promise<CellResult[]> {
    const results: CellResult[] = new Array(cells.length);
    let next = 0;
    let done = 0;
    return Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= cells.length) {
                w.removeAllListeners('message');
                return resolve();
              }
              const id = next++;
              w.postMessage({ id, subject: cells[id].subject, workload, workUnits });
            };
            w.on('message', (m: { id: number; result?: CellResult; error?: string }) => {
              if (m.error !== undefined) return reject(new Error(`cell ${m.id}: ${m.error}`));
              results[m.id] = m.result!;
              progress(++done);
              send();
            });
            send();
          }),
      ),
    ).then(() => results);
  }

  close(): Promise<unknown> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Evaluate the cells on `workers` threads (0: here), reporting progress as they finish. */
export async function runCells(cells: readonly SweepCell[], workload: readonly RequestSpec[], workUnits: number, workers: number, progress: (done: number) => void): Promise<CellResult[]> {
  if (workers === 0) {
    return cells.map((c, i) => {
      const r = evaluateCell(c.subject, workload, workUnits);
      progress(i + 1);
      return r;
    });
  }
  const pool = new CellPool(Math.min(workers, cells.length));
  try {
    return await pool.run(cells, workload, workUnits, progress);
  } finally {
    await pool.close();
  }
}

const LETTER: Record<string, string> = { safe: 'S', unsafe: 'U', unknown: '?', refused: 'x' };

export async function sweepCommand(argv: string[], io: Io): Promise<number> {
  const args = commandArgs('sweep', argv, SWEEP_FLAGS, { usage: 'sweep --x KNOB=VALUES --y KNOB=VALUES [flags]', summary: 'The verdict, max concurrent decodes and tokens per pass over a grid of two knobs, computed on worker threads.' }, io);
  if (!args) return 0;
  const base = subjectFromArgs(args);
  const { x, y } = sweepAxes(args, base);
  const cells = sweepCells(base, x, y);
  const workload = workloadFromArgs(args, io);
  const workUnits = flagInt(args, 'cell-budget', 1) ?? 2_000_000;
  const workers = flagInt(args, 'workers', 0) ?? Math.max(1, cpus().length);
  const t0 = Date.now();
  let shown = -1;
  const results = await runCells(cells, workload, workUnits, workers, (done) => {
    const pct = Math.floor((100 * done) / cells.length);
    if (pct >= shown + 10 || done === cells.length) {
      shown = pct;
      io.err(`sweep: ${done}/${cells.length} cells (${pct}%)`);
    }
  });
  const seconds = (Date.now() - t0) / 1000;
  io.err(`sweep: ${cells.length} cells in ${seconds.toFixed(2)} s on ${workers === 0 ? 'the main thread' : `${Math.min(workers, cells.length)} worker thread(s)`}`);
  const rows = cells.map((c, i) => ({ [x.knob]: c.x, [y.knob]: c.y, ...results[i] }));
  if (flagBool(args, 'csv')) {
    io.out([`${x.knob},${y.knob},verdict,max_concurrent_decodes,tokens_per_step,outcome,slot_counts`, ...cells.map((c, i) => `${c.x},${c.y},${results[i].verdict},${results[i].maxConcurrentDecodes},${results[i].tokensPerStep.toFixed(2)},${results[i].outcome},${results[i].slotCounts.join(' ')}`)].join('\n'));
  } else if (flagBool(args, 'json')) {
    io.out(JSON.stringify({ x, y, workloadRequests: workload.length, cellBudget: workUnits, seconds, cells: rows }));
  } else {
    const lines = [`verdict (S safe, U unsafe, ? unknown, x refused) / max concurrent decodes; rows ${y.knob}, columns ${x.knob}`];
    const cell = (r: CellResult) => `${LETTER[r.verdict]} ${r.maxConcurrentDecodes}`;
    // Every column is as wide as its widest label or cell, plus a space: wide values never run together.
    const width = Math.max(...x.values.map((v) => axisLabel(x.knob, v).length), ...results.map((r) => cell(r).length)) + 1;
    const rowWidth = Math.max(14, ...y.values.map((v) => axisLabel(y.knob, v).length));
    lines.push(`${''.padStart(rowWidth)}${x.values.map((v) => axisLabel(x.knob, v).padStart(width)).join('')}`);
    y.values.forEach((yv, yi) => {
      const row = x.values.map((_, xi) => cell(results[yi * x.values.length + xi]).padStart(width));
      lines.push(`${axisLabel(y.knob, yv).padStart(rowWidth)}${row.join('')}`);
    });
    io.out(lines.join('\n'));
  }
  return 0;
}

/** An axis value as the flag takes it: quotas in GiB when whole (else bytes), the rest as given. */
function axisLabel(knob: string, v: number): string {
  if (knob === 'quota') return Number.isInteger(v / 2 ** 30) ? `${v / 2 ** 30}GiB` : `${v}B`;
  return String(v);
}
