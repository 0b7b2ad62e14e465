/**
 * A run crosses from the worker to the page as data: the plan, the plan view's fields (with its
 * JSON text), the trace's storage and the story. Typed-array buffers are transferred, not copied,
 * so receiving even a long trace costs the page almost nothing. On the page the trace gets its
 * classes back (revive) and becomes the same RunView a run on the page would give.
 */

import type { Plan } from '../../planner/types.ts';
import { Growable } from '../../sim/growable.ts';
import { Trace, TraceRecorder } from '../../sim/trace.ts';
import type { PlanRowView, PlanView } from '../model.ts';
import type { RunResult } from './run.ts';
import { traceToRunView } from './run.ts';

export interface PlanViewData {
  readonly rows: readonly PlanRowView[];
  readonly findings: readonly string[];
  readonly ratioSource: string;
  readonly quotaBytes: number;
  readonly error: string | null;
  readonly json: string;
}

export interface RunPayload {
  readonly plan: Plan;
  readonly planView: PlanViewData;
  readonly trace: Trace;
  readonly story: string;
  /** The engine that sized and scheduled the run (the summary names it). */
  readonly engine: { readonly engine: string; readonly engineHasModes: boolean } | null;
}

export function toPayload(r: RunResult): { payload: RunPayload; transfer: Transferable[] } {
  const { toJson, ...fields } = r.planView;
  const payload: RunPayload = { plan: r.plan, planView: { ...fields, json: toJson() }, trace: r.trace, story: r.run.story, engine: r.run.summary.engine ? { engine: r.run.summary.engine, engineHasModes: r.run.summary.engineHasModes === true } : null };
  return { payload, transfer: buffersOf(r.trace) };
}

/** Every distinct ArrayBuffer under a value (typed arrays only; plain arrays are cloned). */
export function buffersOf(root: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x);
  };
  walk(root);
  return [...out];
}

const isGrowable = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 2 && (v as { data?: unknown }).data instanceof Int32Array && typeof (v as { length?: unknown }).length === 'number';

/** Give a structured-cloned trace its classes back (Trace, TraceRecorder, Growable columns). */
export function reviveTrace(t: Trace): Trace {
  Object.setPrototypeOf(t, Trace.prototype);
  const rec = t.rec as unknown as Record<string, unknown>;
  Object.setPrototypeOf(rec, TraceRecorder.prototype);
  for (const v of Object.values(rec)) {
    if (isGrowable(v)) Object.setPrototypeOf(v, Growable.prototype);
    else if (Array.isArray(v)) for (const x of v) if (isGrowable(x)) Object.setPrototypeOf(x, Growable.prototype);
  }
  return t;
}

export function fromPayload(p: RunPayload): RunResult {
  const trace = reviveTrace(p.trace);
  const { json, ...fields } = p.planView;
  const planView: PlanView = { ...fields, toJson: () => json };
  return { plan: p.plan, planView, trace, run: traceToRunView(trace, p.plan, p.story, p.engine) };
}
