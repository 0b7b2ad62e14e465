/**
 * The live run a lesson reads: the plan on screen, its diagnostics and the simulator's run of it,
 * at the pass on screen. Structural on purpose: the page builds it from its run view, the tests
 * from a simulator Trace (liveFromTrace), and a checker cannot tell the two apart.
 */
import { type DiagnosticsContext, diagnose, type PlanDiagnostics } from '../planner/diagnostics.ts';
import type { LifeCycle } from '../planner/lifecycle.ts';
import type { Plan } from '../planner/types.ts';
import type { Trace } from '../sim/trace.ts';
import type { Frame, SimSummary } from '../sim/types.ts';

export type LiveRequestState = 'waiting' | 'context' | 'decoding' | 'suspended' | 'finished';

export interface LiveRequest {
  readonly id: number;
  readonly state: LiveRequestState;
  /** Tokens with KV and no query this pass (the window is measured from here). */
  readonly history: number;
  /** Tokens that must have KV storage this pass. */
  readonly capacity: number;
  /** Per pool group, per life cycle of that group (in the group's order): slot of each block, -1 = none. */
  readonly blockTables: readonly (readonly ArrayLike<number>[])[];
}

export interface LiveDeadlock {
  readonly poolGroup: number;
  readonly poolName: string;
  readonly neededSlots: number;
  readonly freeSlots: number;
  readonly heldByRunning: number;
  readonly heldBySuspended: number;
  readonly suggestedMinSlots: number;
  readonly cause?: string;
  readonly message?: string;
  readonly engineNote?: string | null;
  readonly firstStalledStep?: number;
  readonly stalledPasses?: number;
}

export interface LiveSummary {
  readonly outcome: 'completed' | 'deadlock' | 'step-limit';
  readonly steps: number;
  readonly completedRequests: number;
  readonly totalRequests: number;
  readonly maxConcurrentDecodes: number;
  readonly peakUsedSlots: readonly number[];
  readonly slotCounts: readonly number[];
  readonly deadlock: LiveDeadlock | null;
}

export interface LiveRun {
  readonly plan: Plan;
  readonly diagnostics: PlanDiagnostics;
  readonly maxBatchSize: number;
  readonly maxSeqLen: number;
  readonly summary: LiveSummary;
  /** Passes in the run (frames 0 .. stepCount-1). */
  readonly stepCount: number;
  /** The pass on screen. */
  readonly step: number;
  /** The request the inspector shows (-1 = the first active one). */
  readonly request: number;
  /** Per pool group, per pass: slots held by running requests. */
  readonly used: readonly ArrayLike<number>[];
  /** Every request after pass `step` (clamped to the run). */
  requestsAt(step: number): readonly LiveRequest[];
}

export interface LiveContext extends DiagnosticsContext {
  readonly step: number;
  readonly request?: number;
}

/** The simulator's summary as the lessons and the page read it (one mapping for both). */
export function summaryOf(s: SimSummary): LiveSummary {
  const d = s.deadlock;
  return {
    outcome: s.outcome,
    steps: s.steps,
    completedRequests: s.completedRequests,
    totalRequests: s.requests,
    maxConcurrentDecodes: s.maxConcurrentDecodes,
    peakUsedSlots: s.peakUsedSlots,
    slotCounts: s.slotCounts,
    deadlock: d
      ? { poolGroup: d.poolGroup, poolName: d.poolName, neededSlots: d.neededSlots, freeSlots: d.freeSlots, heldByRunning: d.heldByRunning, heldBySuspended: d.heldBySuspended, suggestedMinSlots: d.suggestedMinSlots, cause: d.cause, message: d.message, engineNote: d.engineNote, firstStalledStep: d.firstStalledStep, stalledPasses: d.stalledPasses }
      : null,
  };
}

/** A frame's requests as the lessons and the page's inspector read them: block tables as slot lists. */
export function requestsOf(f: Frame): LiveRequest[] {
  return f.requests.map((r) => ({ id: r.id, state: r.state, history: r.history, capacity: r.capacity, blockTables: r.blockTables.map((g) => g.map((t) => t.slots)) }));
}

/** A LiveRun from the planner's plan and the simulator's trace of it (tests, the CLI). */
export function liveFromTrace(plan: Plan, trace: Trace, ctx: LiveContext): LiveRun {
  // Requests and block tables only: a cursor of its own, so no slot array is copied per pass asked.
  const cursor = trace.frameCursor();
  return {
    plan,
    diagnostics: diagnose(plan, ctx),
    maxBatchSize: ctx.maxBatchSize,
    maxSeqLen: ctx.maxSeqLen,
    summary: summaryOf(trace.summary),
    stepCount: Math.max(1, trace.steps),
    step: Math.max(0, Math.min(trace.steps - 1, ctx.step)),
    request: ctx.request ?? -1,
    used: trace.columns.map((c) => c.used),
    requestsAt: (step) => requestsOf(cursor.frameAt(step)),
  };
}

/** The same run seen at another pass (a lesson's seek, or a reveal). */
export function atStep(live: LiveRun, step: number): LiveRun {
  return { ...live, step: Math.max(0, Math.min(live.stepCount - 1, Math.floor(step))) };
}

/** The inspected request at the pass on screen: the chosen one, else the first that holds blocks. */
export function inspectedRequest(live: LiveRun): LiveRequest | null {
  const reqs = live.requestsAt(live.step);
  if (live.request >= 0) return reqs.find((r) => r.id === live.request) ?? null;
  return reqs.find((r) => r.state === 'decoding' || r.state === 'context') ?? reqs.find((r) => heldTotal(r) > 0) ?? null;
}

/** Blocks a request holds (table entries that name a slot) in one life cycle of one pool group. */
export function heldIn(r: LiveRequest, pg: number, lcIndex = 0): number {
  const t = r.blockTables[pg]?.[lcIndex];
  if (!t) return 0;
  let n = 0;
  for (let i = 0; i < t.length; i++) if (t[i] >= 0) n++;
  return n;
}

/** Blocks a request holds in every pool group and life cycle together. */
export function heldTotal(r: LiveRequest): number {
  let n = 0;
  r.blockTables.forEach((g, pg) => g.forEach((_, i) => (n += heldIn(r, pg, i))));
  return n;
}

/** The life cycle at position `lcIndex` of pool group `pg`. */
export function lifeCycleAt(plan: Plan, pg: number, lcIndex = 0): LifeCycle {
  return plan.lifeCycles[plan.poolGroups[pg].lifeCycleIds[lcIndex]];
}

/** The first pool group one of whose life cycles matches, or -1. */
export function poolGroupWhere(plan: Plan, pred: (lc: LifeCycle) => boolean): number {
  return plan.poolGroups.findIndex((g) => g.lifeCycleIds.some((id) => pred(plan.lifeCycles[id])));
}

/** The first pass (>= from) at which pred holds for the run, or -1: bounded by the run's length. */
export function firstPass(live: LiveRun, pred: (reqs: readonly LiveRequest[], step: number) => boolean, from = 0): number {
  for (let k = Math.max(0, from); k < live.stepCount; k++) if (pred(live.requestsAt(k), k)) return k;
  return -1;
}

export const poolNames = (plan: Plan): string[] => plan.poolGroups.map((g) => g.name);
