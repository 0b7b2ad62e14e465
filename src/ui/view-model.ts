/**
 * What the views render. The core adapter (core-adapter.ts) turns the planner's Plan and the
 * simulator's Trace into these shapes, so a view never imports the core and a change of a core API
 * is a change in one file.
 */

/** Slot state codes in FrameView.slotState (one byte per slot). */
export const SLOT_FREE = 0;
export const SLOT_RUNNING = 1;
export const SLOT_SUSPENDED = 2;
/** Committed and evictable: still owned, can be dropped on demand. */
export const SLOT_EVICTABLE = 3;

export type RequestState = 'waiting' | 'context' | 'decoding' | 'suspended' | 'finished';

export interface PoolGroupView {
  readonly index: number;
  readonly name: string;
  readonly slotCount: number;
  /** "window 128", "full", "ssm", per life cycle of the group. */
  readonly lifeCycleLabels: readonly string[];
  /** Life cycle ids of the group, same order as lifeCycleLabels. */
  readonly lifeCycleIds: readonly number[];
  /** Window and sinks per life cycle (same order), for the attention inspector. */
  readonly lifeCycles: readonly { readonly windowTokens: number | null; readonly sinkTokens: number; readonly ssm: boolean }[];
}

export interface RequestView {
  readonly id: number;
  readonly state: RequestState;
  readonly capacity: number;
  readonly history: number;
  /** Per pool group, per life cycle of that group: physical slot of each logical block, -1 = none. */
  readonly blockTables: readonly (readonly ArrayLike<number>[])[];
}

export interface FrameView {
  readonly step: number;
  /** Per pool group: owning request id per slot, -1 = free. */
  readonly slotOwner: readonly Int32Array[];
  /** Per pool group: SLOT_* code per slot. */
  readonly slotState: readonly Uint8Array[];
  /** Per pool group: logical block ordinal per slot (-1 = free). */
  readonly slotBlock: readonly Int32Array[];
  /** Per pool group: life cycle id per slot (-1 = free). */
  readonly slotLifeCycle: readonly Int32Array[];
  readonly requests: readonly RequestView[];
}

export type EventKind = 'admit' | 'finish' | 'suspend' | 'resume' | 'preempt' | 'stall' | 'deadlock';

export interface RunEvent {
  readonly step: number;
  readonly kind: EventKind;
  readonly requestId: number;
  readonly poolGroup: number;
}

export interface DeadlockView {
  readonly poolGroup: number;
  readonly poolName: string;
  readonly neededSlots: number;
  readonly freeSlots: number;
  readonly heldByRunning: number;
  readonly heldBySuspended: number;
  readonly suggestedMinSlots: number;
  /** 'allocation' or 'resume-gate': what failed in the last stalled pass. */
  readonly cause?: string;
  readonly message?: string;
  /** First pass without progress (the stall the detector then counts). */
  readonly firstStalledStep?: number;
  readonly stalledPasses?: number;
}

export interface SummaryView {
  readonly outcome: 'completed' | 'deadlock' | 'step-limit';
  readonly steps: number;
  readonly completedRequests: number;
  readonly totalRequests: number;
  readonly maxConcurrentDecodes: number;
  readonly peakUsedSlots: readonly number[];
  readonly slotCounts: readonly number[];
  readonly deadlock: DeadlockView | null;
}

export interface RunView {
  readonly poolGroups: readonly PoolGroupView[];
  readonly tokensPerBlock: number;
  /** Frames are 0 .. stepCount-1. */
  readonly stepCount: number;
  /** Per pool group, per step: slots held by running requests (and evictable ones). */
  readonly used: readonly ArrayLike<number>[];
  /** Per pool group, per step: slots held by suspended requests. */
  readonly held: readonly ArrayLike<number>[];
  readonly events: readonly RunEvent[];
  readonly summary: SummaryView;
  readonly story: string;
  frameAt(step: number): FrameView;
  /** JSON text of the whole trace (export). */
  toJson(): string;
}

/** One row of the plan table. */
export interface PlanRowView {
  readonly index: number;
  readonly name: string;
  readonly lifeCycles: string;
  readonly slotBytes: number;
  readonly minSlots: number;
  readonly slotCount: number;
  readonly bytes: number;
  readonly decodesBest: number | null;
  readonly decodesWorst: number | null;
}

export interface PlanView {
  readonly rows: readonly PlanRowView[];
  readonly findings: readonly string[];
  readonly ratioSource: string;
  readonly quotaBytes: number;
  readonly error: string | null;
  /** JSON text in the scenario-format output (export). */
  toJson(): string;
}
