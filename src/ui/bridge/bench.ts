/**
 * The Benchmark view's runs: the GPU benchmark of `npm run bench:gpu` (src/gpu/bench/) on this
 * browser's adapter, once per ticket, with progress. The export stays in the page (the view saves
 * it as a file); nothing is sent anywhere. The GPU code loads only when a run starts.
 */
import type { PageModel } from '../model.ts';
import type { AppState } from '../state/types.ts';

type BenchModel = PageModel['bench'];

const IDLE: BenchModel = { state: 'idle', message: 'Not run yet.', done: 0, total: 0, rows: [], exportJson: null, fileName: '' };

export class Benches {
  private handled = 0;
  private value: BenchModel = IDLE;
  private readonly onChange: () => void;

  constructor(onChange: () => void) {
    this.onChange = onChange;
  }

  bench(s: AppState): BenchModel {
    if (s.benchTicket > this.handled && this.value.state !== 'running') {
      this.handled = s.benchTicket;
      this.set({ ...IDLE, state: 'running', message: 'Starting WebGPU…' });
      void this.run(s.benchSet);
    }
    return this.value;
  }

  private set(v: BenchModel): void {
    this.value = v;
    queueMicrotask(this.onChange);
  }

  private async run(set: 'quick' | 'full'): Promise<void> {
    try {
      const [{ acquireGpu }, session] = await Promise.all([import('../../gpu/device.ts'), import('../../gpu/bench/session.ts')]);
      const ctx = await acquireGpu();
      if (!ctx) throw new Error('this browser has no WebGPU adapter');
      const adapter = session.adapterLine(ctx);
      const result = await session.runBenchSession(ctx, session.casesFor(ctx, set), {
        reps: set === 'quick' ? 2 : 5,
        targetMs: set === 'quick' ? 100 : 300,
        onProgress: (done, total, label, rows) => {
          const message = done < total ? `${adapter}: case ${done + 1} of ${total} (${label})…` : `${adapter}: ${total} cases done.`;
          this.set({ ...this.value, state: 'running', message, done, total, rows: rows.map((r) => ({ ...r })) });
        },
      });
      const fileName = `kvpool-bench-${result.startedAt.replace(/[:.]/g, '-')}.json`;
      this.set({ ...this.value, state: 'done', exportJson: JSON.stringify(result, null, 2), fileName });
    } catch (err) {
      this.set({ ...this.value, state: 'error', message: `Benchmark failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
}
