/**
 * Public value types of the simulator: configuration in, summary and frames out. Everything here is
 * plain data so a trace can be stored, compared and sent to a worker.
 */
import type { PoolLayout } from '../planner/types.ts';
import type { EngineSimOptions } from './policies/engine-options.ts';

/** One request of a workload: it arrives at `arrival` (a scheduler pass), prefills `prompt` tokens
 * and produces `output` tokens (the first one by the last prefill chunk, the rest by decodes). */
export interface RequestSpec {
  readonly arrival: number;
  readonly prompt: number;
  readonly output: number;
}

export type LengthDist =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  /** Log-normal with the given median and sigma (of the underlying normal), clamped to [min, max]. */
  | { readonly kind: 'lognormal'; readonly median: number; readonly sigma: number; readonly min: number; readonly max: number };

export interface WorkloadSpec {
  readonly requests: number;
  readonly prompt: LengthDist;
  readonly output: LengthDist;
  /** null = all requests arrive at pass 0; otherwise a Poisson process with this many arrivals per pass. */
  readonly arrivalRate: number | null;
  readonly seed: number;
}

export type Workload = { readonly kind: 'spec'; readonly spec: WorkloadSpec } | { readonly kind: 'list'; readonly requests: readonly RequestSpec[] };

export type PolicyName = 'trtllm-v2' | 'vllm-recompute' | 'no-evict' | 'vllm-v1' | 'sglang';
export const POLICY_NAMES: readonly PolicyName[] = ['trtllm-v2', 'vllm-recompute', 'no-evict', 'vllm-v1', 'sglang'];

export interface SimConfig {
  readonly plan: PoolLayout;
  readonly policy: PolicyName;
  readonly workload: Workload | readonly RequestSpec[];
  readonly maxBatchSize: number;
  /** Per-pass token budget (decode tokens + context chunk tokens). */
  readonly maxNumTokens: number;
  /** trtllm-v2 resume gate: a suspended request resumes only if every pool's utilization <= this. */
  readonly maxUtilForResume: number;
  /** trtllm-v2: tear a victim's KV down (it re-prefills later) when suspending frees nothing. */
  readonly recomputePause: boolean;
  /** Consecutive stalled passes before the run is declared deadlocked (engine: 1000). */
  readonly stallLimit: number;
  readonly maxSteps: number;
  /** Speculative draft tokens per decode (capacity h+1+d). */
  readonly draftTokens: number;
  /** Seed for generated workloads (overrides workload.spec.seed when the workload is a spec). */
  readonly seed?: number;
  /** How deadlock reports compute suggestedMinSlots: re-run with a larger pool ('bisect') or formula only. */
  readonly suggestFloor?: 'bisect' | 'analytic';
  /** Options of the engine-faithful policies (vllm-v1 admission gate, sglang eviction). */
  readonly enginePolicy?: EngineSimOptions;
}

export type RequestState = 'waiting' | 'context' | 'decoding' | 'suspended' | 'finished';
export const REQUEST_STATES: readonly RequestState[] = ['waiting', 'context', 'decoding', 'suspended', 'finished'];

export type EventKind = 'admit' | 'finish' | 'suspend' | 'resume' | 'preempt' | 'stall' | 'deadlock';
export const EVENT_KINDS: readonly EventKind[] = ['admit', 'finish', 'suspend', 'resume', 'preempt', 'stall', 'deadlock'];

export interface SimEvent {
  readonly step: number;
  readonly kind: EventKind;
  /** Request id, or -1 for run-level events (stall, deadlock). */
  readonly request: number;
  /** Pool group involved (allocation failures, deadlock), or -1. */
  readonly poolGroup: number;
}

export interface DeadlockReport {
  /** The exhausted pool group the stalled request needed (first failing one in plan order). */
  readonly poolGroup: number;
  readonly poolName: string;
  /** Every pool group that had too few free slots for the failing allocation. */
  readonly exhaustedPoolGroups: readonly number[];
  /** Request whose allocation failed in the last pass. */
  readonly request: number;
  readonly neededSlots: number;
  readonly freeSlots: number;
  /** Requests holding slots of that pool group, by state, and the slots they hold. */
  readonly heldByRunning: number;
  readonly heldBySuspended: number;
  readonly slotsHeldByRunning: number;
  readonly slotsHeldBySuspended: number;
  /** Slots those holders need in this pool group for their next step (held + next resize). */
  readonly demandOfHolders: number;
  /** Smallest slot count for that pool group found to avoid the deadlock (see suggestedBy). */
  readonly suggestedMinSlots: number;
  readonly suggestedBy: 'bisect' | 'analytic';
  /** Every pool group's slots in the run backing the suggestion (other exhausted pools raised too). */
  readonly suggestedSlotCounts: readonly number[];
  /** Why the pass failed: an allocation, or the resume gate (utilization above maxUtilForResume). */
  readonly cause: 'allocation' | 'resume-gate' | 'admission';
  /** The engine policy's own account of the stall (its log symptom and cause), or null. */
  readonly engineNote: string | null;
  readonly firstStalledStep: number;
  /** Stalled passes actually executed; the rest were provably identical and are recorded as copies. */
  readonly executedStalledPasses: number;
  readonly stalledPasses: number;
  readonly message: string;
}

export interface SimSummary {
  readonly outcome: 'completed' | 'deadlock' | 'step-limit';
  readonly policy: PolicyName;
  readonly steps: number;
  readonly requests: number;
  readonly completedRequests: number;
  /** Most decode tokens scheduled in one pass. */
  readonly maxConcurrentDecodes: number;
  /** Most requests holding any slot at once. */
  readonly maxConcurrentHolders: number;
  readonly slotCounts: readonly number[];
  readonly poolNames: readonly string[];
  readonly peakUsedSlots: readonly number[];
  readonly tokensScheduled: number;
  readonly suspensions: number;
  readonly preemptions: number;
  readonly deadlock: DeadlockReport | null;
}

export interface PoolFrame {
  readonly poolGroup: number;
  readonly name: string;
  readonly total: number;
  readonly used: number;
  readonly heldSuspended: number;
  readonly free: number;
  /** Per slot: owning request id or -1 (free). */
  readonly ownerRequest: Int32Array;
  /** Per slot: owning life cycle id or -1. */
  readonly ownerLifeCycle: Int32Array;
  /** Per slot: block ordinal within the owner's sequence or -1. */
  readonly ownerBlock: Int32Array;
  /** Per slot: 0 free, 1 held by a running request, 2 held by a suspended one, 3 committed-evictable. */
  readonly slotState: Uint8Array;
}

export const SLOT_FREE = 0;
export const SLOT_RUNNING = 1;
export const SLOT_SUSPENDED = 2;
export const SLOT_EVICTABLE = 3;

export interface LifeCycleTable {
  readonly lifeCycleId: number;
  /** Index = block ordinal, value = physical slot id, -1 = not held (stale, or not yet allocated). */
  readonly slots: Int32Array;
}

export interface RequestFrame {
  readonly id: number;
  readonly arrival: number;
  readonly prompt: number;
  readonly output: number;
  readonly state: RequestState;
  /** Tokens with KV and no query this pass (the window is measured from here). */
  readonly history: number;
  /** Tokens that must have KV storage this pass (history + tokens scheduled now). */
  readonly capacity: number;
  /** Per pool group: one table per life cycle of that group. */
  readonly blockTables: readonly (readonly LifeCycleTable[])[];
}

export interface Frame {
  readonly step: number;
  readonly pools: readonly PoolFrame[];
  readonly requests: readonly RequestFrame[];
  readonly events: readonly SimEvent[];
}
