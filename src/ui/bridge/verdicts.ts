/**
 * Verdicts made in the worker pool (task `verdict`), one per configuration of the page: asked for
 * when the Verdict view is on screen or the run deadlocks (the explainer's fix), cached by the
 * run key, and a newer configuration cancels the older request.
 */
import type { VerdictModel } from '../model.ts';
import { runKey } from '../state/codec.ts';
import type { UiState } from '../state/params.ts';
import { Cancelled, type Progress, type TaskHandle, type WorkerPool } from './pool.ts';

const IDLE = { verdict: null, reason: '', subject: '', argument: '', frees: '', conditions: [], groups: [], counterexample: null, findings: [], fixes: [], fixNote: '' } as const;

export interface VerdictSource {
  verdict(s: UiState): VerdictModel;
}

export const NO_VERDICTS: VerdictSource = { verdict: () => ({ ...IDLE, state: 'error', message: 'The verdict needs Web Workers, which this page does not have.' }) };

export class Verdicts implements VerdictSource {
  private readonly cache = new Map<string, VerdictModel>();
  private flight: { key: string; handle: TaskHandle<VerdictModel>; started: number; phase: string; model: VerdictModel } | null = null;

  constructor(
    private readonly pool: WorkerPool,
    private readonly onChange: () => void,
    private readonly now: () => number,
  ) {}

  verdict(s: UiState): VerdictModel {
    const key = runKey(s);
    const hit = this.cache.get(key);
    if (hit) return hit;
    if (this.flight?.key === key) return this.flight.model;
    this.flight?.handle.cancel();
    const onProgress = (p: Progress) => {
      if (this.flight?.key === key) this.flight.phase = p.phase;
    };
    const handle = this.pool.submit<VerdictModel>('verdict', s, { onProgress });
    const model: VerdictModel = { ...IDLE, state: 'running', message: 'Checking this configuration in a worker: certificate, counterexample search, fixes…' };
    const flight = { key, handle, started: this.now(), phase: 'queued', model };
    this.flight = flight;
    handle.promise.then(
      (m) => this.settle(flight, m),
      (e) => {
        if (!(e instanceof Cancelled)) this.settle(flight, { ...IDLE, state: 'error', message: `The verdict failed: ${e instanceof Error ? e.message : String(e)}` });
      },
    );
    return model;
  }

  private settle(flight: NonNullable<Verdicts['flight']>, m: VerdictModel): void {
    if (this.cache.size >= 6) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(flight.key, { ...m, message: m.message || `Checked in ${((this.now() - flight.started) / 1000).toFixed(1)} s.` });
    if (this.flight === flight) this.flight = null;
    setTimeout(this.onChange, 0);
  }
}
