/**
 * The run for a state: plan + simulation, memoised by the run key (a run is a value: the same
 * parameters give the same trace). A failure is a value too: the message and the field it names.
 */
import { InputError } from '../../model/errors.ts';
import { runKey } from '../state/codec.ts';
import { PARAMS, type UiState } from '../state/params.ts';
import { type CustomModel, uiFieldOf } from './plan.ts';
import { computeRun, type RunResult } from './run.ts';

export interface RunError {
  readonly message: string;
  /** URL key of the field the core named, 'config' for the pasted config, or null. */
  readonly field: string | null;
}

export interface RunOutcome {
  readonly key: string;
  readonly result: RunResult | null;
  readonly error: RunError | null;
  readonly ms: number;
}

export function urlKeyOf(coreField: string, custom: boolean): string | null {
  const f = uiFieldOf(coreField);
  if (f === 'config') return 'cfg';
  if (f === null) return custom ? 'cfg' : null;
  return PARAMS.find((p) => p.key === f)?.url ?? null;
}

export function toRunError(e: unknown, custom: boolean): RunError {
  if (e instanceof InputError) return { message: e.message, field: urlKeyOf(e.field, custom) };
  return { message: `Internal error: ${e instanceof Error ? e.message : String(e)}`, field: null };
}

/** Plan and simulate now (the caller decides where: the worker, or a test). */
export function runNow(params: UiState, custom: CustomModel | null, now: () => number = () => 0): RunOutcome {
  const key = runKey(params);
  const t0 = now();
  try {
    const result = computeRun(params, custom);
    return { key, result, error: null, ms: now() - t0 };
  } catch (e) {
    return { key, result: null, error: toRunError(e, custom !== null), ms: now() - t0 };
  }
}

/** Keeps the last few runs by key (the live one and the Compare view's). */
export class RunCache {
  private readonly entries = new Map<string, RunOutcome>();
  private readonly max: number;

  constructor(max = 4) {
    this.max = max;
  }

  get(key: string): RunOutcome | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(o: RunOutcome): void {
    this.entries.set(o.key, o);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** Runs made on the calling thread (tests, and the page until the worker answers). */
export class SyncRuns {
  private readonly cache = new RunCache();
  private readonly customOf: (b64: string) => CustomModel | null;
  private readonly now: () => number;

  constructor(customOf: (b64: string) => CustomModel | null, now: () => number) {
    this.customOf = customOf;
    this.now = now;
  }

  run(params: UiState, _channel = 'live'): RunOutcome {
    const key = runKey(params);
    let o = this.cache.get(key);
    if (!o) {
      o = runNow(params, this.customOf(params.config), this.now);
      this.cache.set(o);
    }
    return o;
  }

  progress(): string {
    return '';
  }
}
