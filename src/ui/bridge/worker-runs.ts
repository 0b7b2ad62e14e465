/**
 * Runs made in the worker pool. The page asks for the run of its parameters on every render; an
 * answer that is not there yet is null (the page keeps the last run on screen, dimmed, with a
 * progress line), and asking for other parameters cancels the older request of the same channel
 * (a newer request cancels an older one). The live run and Compare's run are separate channels.
 */
import { runKey } from '../state/codec.ts';
import type { UiState } from '../state/params.ts';
import { fromPayload } from './payload.ts';
import { Cancelled, type Progress, type TaskHandle, type WorkerPool } from './pool.ts';
import { RunCache, type RunOutcome } from './runs.ts';
import type { RunTaskOutput } from './tasks.ts';

interface InFlight {
  readonly key: string;
  readonly handle: TaskHandle<RunTaskOutput>;
  readonly started: number;
  phase: string;
}

export class WorkerRuns {
  readonly pool: WorkerPool;
  private readonly cache = new RunCache(6);
  private readonly channels = new Map<string, InFlight>();
  private readonly onChange: () => void;
  private readonly now: () => number;
  private ticker = 0;

  constructor(pool: WorkerPool, onChange: () => void, now: () => number) {
    this.pool = pool;
    this.onChange = onChange;
    this.now = now;
  }

  run(params: UiState, channel = 'live'): RunOutcome | null {
    const key = runKey(params);
    const hit = this.cache.get(key);
    const cur = this.channels.get(channel);
    if (hit) {
      if (cur && cur.key !== key) this.stop(channel);
      return hit;
    }
    if (cur?.key === key) return null;
    if (cur) this.stop(channel);
    this.start(channel, key, params);
    return null;
  }

  /** The progress line of the live run in words: what it does and for how long it has. */
  progress(): string {
    const f = this.channels.get('live');
    if (!f) return '';
    const s = ((this.now() - f.started) / 1000).toFixed(1);
    return `Running in a worker (${f.phase}) for ${s} s; the page stays usable, and changing a setting cancels this run.`;
  }

  private start(channel: string, key: string, params: UiState): void {
    const onProgress = (p: Progress) => {
      const f = this.channels.get(channel);
      if (f?.key === key) f.phase = p.phase;
    };
    const handle = this.pool.submit<RunTaskOutput>('run', params, { onProgress });
    const flight: InFlight = { key, handle, started: this.now(), phase: 'queued' };
    this.channels.set(channel, flight);
    this.tick();
    handle.promise.then(
      (out) => {
        performance.mark('kvpool:run-received');
        const ms = this.now() - flight.started;
        const o: RunOutcome = out.ok ? { key, result: fromPayload(out.payload), error: null, ms } : { key, result: null, error: out.error, ms };
        this.cache.set(o);
        performance.mark('kvpool:run-revived');
        this.settle(channel, flight);
      },
      (e) => {
        if (e instanceof Cancelled) return;
        this.cache.set({ key, result: null, error: { message: `Internal error: ${e instanceof Error ? e.message : String(e)}`, field: null }, ms: 0 });
        this.settle(channel, flight);
      },
    );
  }

  /** The page renders the new run in a task of its own (receiving and reviving it is one). */
  private settle(channel: string, flight: InFlight): void {
    if (this.channels.get(channel) === flight) this.channels.delete(channel);
    setTimeout(this.onChange, 0);
  }

  private stop(channel: string): void {
    this.channels.get(channel)?.handle.cancel();
    this.channels.delete(channel);
  }

  /** While a live run is in flight, the progress line is refreshed a few times a second. */
  private tick(): void {
    if (this.ticker) return;
    this.ticker = window.setInterval(() => {
      if (!this.channels.has('live')) {
        clearInterval(this.ticker);
        this.ticker = 0;
        return;
      }
      this.onChange();
    }, 250);
  }
}
