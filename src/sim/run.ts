/**
 * The pass loop: begin pass (commit, arrivals), policy, record, progress detection.
 *
 * Progress: a pass is stalled when it schedules no token and frees no slot while requests are
 * active; `stallLimit` consecutive stalled passes (engine: 1000) make a deadlock. When a stalled
 * pass also changed nothing at all (no suspend/resume/admission/arrival), the next pass is provably
 * the same pass again (the scheduler is a function of the state), so the remaining stalled passes
 * are recorded as copies instead of being executed; the report says how many were executed.
 */
import { describeLimit, LIMITS } from '../limits.ts';
import { InputError } from '../model/errors.ts';
import { zeros } from '../planner/arrays.ts';
import type { PoolLayout } from '../planner/types.ts';
import type { PoolArena } from './block-pool.ts';
import { createPolicy } from './policies/index.ts';
import { type PassFailure, SimState, type SimState as State } from './state.ts';
import { Trace, TraceRecorder } from './trace.ts';
import type { DeadlockReport, EventKind, PolicyName, RequestSpec, SimConfig, SimSummary } from './types.ts';

export interface RunResult {
  readonly outcome: SimSummary['outcome'];
  readonly steps: number;
  readonly state: State;
  readonly rec: TraceRecorder | null;
  readonly stats: {
    maxConcurrentDecodes: number;
    maxConcurrentHolders: number;
    peakUsedSlots: number[];
    tokensScheduled: number;
    suspensions: number;
    preemptions: number;
    firstStalledStep: number;
    executedStalledPasses: number;
    stalledPasses: number;
    /** The failure of the first pass of the final stall: the cause (later passes only repeat it). */
    rootFailure: PassFailure | null;
    /** The policy's explanation of the final stall (asked at its first pass). */
    engineNote: string | null;
  };
}

export function layoutOf(plan: PoolLayout) {
  return {
    tokensPerBlock: plan.tokensPerBlock,
    poolNames: plan.poolGroups.map((g) => g.name),
    slotCounts: plan.slotCounts,
    lifeCycles: plan.lifeCycles,
    lifeCyclePoolGroup: plan.lifeCyclePoolGroup,
  };
}

/** Counts suspensions and preemptions, and forwards events to the trace (a class: one compiled `event` for every run). */
class StatsSink {
  private readonly stats: { suspensions: number; preemptions: number };
  private readonly rec: TraceRecorder | null;

  constructor(stats: { suspensions: number; preemptions: number }, rec: TraceRecorder | null) {
    this.stats = stats;
    this.rec = rec;
  }

  event(step: number, kind: EventKind, request: number, poolGroup: number): void {
    if (kind === 'suspend') this.stats.suspensions++;
    if (kind === 'preempt') this.stats.preemptions++;
    this.rec?.event(step, kind, request, poolGroup);
  }
}

/**
 * One run. `record` off is for re-runs that only need the outcome (floor bisection); `observe`
 * sees the live state after every executed pass (tests check invariants with it).
 */
/**
 * `overWork`: what a run past the work limit does. 'refuse' (runSimulation, the CLI and the page):
 * bad input naming the workload. 'stop': end as a step-limit run (the verdict's replays, which
 * report an unfinished replay as such, within their own time budget).
 * `arena`: the pools' slot arrays come from it; the caller gives them back (`arena.recycle(res.state.pools)`)
 * once it has read all it needs of the result, which is then no longer true of the run.
 */
export function execute(cfg: SimConfig, specs: readonly RequestSpec[], record: boolean, observe?: (s: State) => void, overWork: 'refuse' | 'stop' = 'refuse', arena: PoolArena | null = null): RunResult {
  const rec = record ? new TraceRecorder(layoutOf(cfg.plan), specs.length) : null;
  const stats = {
    maxConcurrentDecodes: 0,
    maxConcurrentHolders: 0,
    peakUsedSlots: zeros(cfg.plan.slotCounts.length), // not a map: see planner/arrays.ts
    tokensScheduled: 0,
    suspensions: 0,
    preemptions: 0,
    firstStalledStep: -1,
    executedStalledPasses: 0,
    stalledPasses: 0,
    rootFailure: null as PassFailure | null,
    engineNote: null as string | null,
  };
  const state = new SimState(cfg.plan, specs, cfg.draftTokens, rec, new StatsSink(stats, rec), arena);
  const policy = createPolicy(cfg.policy, cfg);
  let outcome: SimSummary['outcome'] = 'step-limit';
  let step = 0;
  let work = 0; // request-passes done: bounded by the limits table, whatever the workload says
  for (; step < cfg.maxSteps; step++) {
    state.beginPass(step);
    work += state.running.length + 1; // what a pass costs: the running requests (waiting ones are not walked)
    if (work > LIMITS.simWork.max && overWork === 'stop') break;
    if (work > LIMITS.simWork.max) throw new InputError('workload', `${specs.length} requests`, `a workload the simulator finishes within ${describeLimit('simWork')} request-passes (pass ${step} reached it): fewer or shorter requests, or a smaller max steps`);
    if (!state.done) policy.schedule(state);
    const stalled = !state.done && state.activeCount > 0 && state.tokens === 0 && state.freed === 0;
    let copies = 0;
    if (stalled) {
      if (stats.stalledPasses === 0) {
        stats.firstStalledStep = step;
        stats.executedStalledPasses = 0;
        stats.rootFailure = state.failure;
        stats.engineNote = policy.explainStall?.(state) ?? null;
        state.emit('stall', -1, state.failure?.poolGroup ?? -1);
      }
      stats.stalledPasses++;
      stats.executedStalledPasses++;
      copies = provablyRepeats(cfg, state, step, stats.stalledPasses);
    } else {
      stats.stalledPasses = 0;
    }
    const deadlock = stalled && stats.stalledPasses + copies >= cfg.stallLimit;
    if (deadlock && copies === 0) state.emit('deadlock', -1, stats.rootFailure?.poolGroup ?? -1);
    recordPass(state, rec, stats);
    observe?.(state);
    for (let j = 1; j <= copies; j++) copyPass(state, rec, j === copies ? (stats.rootFailure?.poolGroup ?? -1) : null);
    step += copies;
    stats.stalledPasses += copies;
    if (state.done || deadlock) {
      outcome = state.done ? 'completed' : 'deadlock';
      step++;
      break;
    }
  }
  return { outcome, steps: step, state, rec, stats };
}

function recordPass(s: State, rec: TraceRecorder | null, stats: RunResult['stats']): void {
  stats.tokensScheduled += s.tokens;
  if (s.decodes > stats.maxConcurrentDecodes) stats.maxConcurrentDecodes = s.decodes;
  const holders = s.holders();
  if (holders > stats.maxConcurrentHolders) stats.maxConcurrentHolders = holders;
  for (const p of s.pools) {
    const inUse = p.total - p.free;
    if (inUse > stats.peakUsedSlots[p.index]) stats.peakUsedSlots[p.index] = inUse;
  }
  if (!rec) return;
  const step = s.step;
  for (const r of s.running) {
    const decoding = r.scheduledStep === step && r.scheduledKind === 'decode';
    // Decoding in consecutive passes: history and capacity each grew by one, which the rate-1
    // segment of the previous pass already predicts (recording it would change nothing).
    if (decoding && r.recordedDecodeStep === step - 1 && r.state === 'decoding') {
      r.recordedDecodeStep = step;
      continue;
    }
    rec.request(r.id, step, r.state, r.kv?.history ?? 0, r.kv?.capacity ?? 0, decoding ? 1 : 0);
    r.recordedDecodeStep = decoding && r.state === 'decoding' ? step : -2;
  }
  // A request still in the waiting queue records one segment, when it arrives; later passes would
  // only repeat it (waiting, no KV), so they are not walked.
  for (const r of s.arrivedThisPass) if (r.queued) rec.request(r.id, s.step, 'waiting', 0, 0, 0);
  for (const r of s.finishedThisPass) rec.request(r.id, s.step, 'finished', 0, 0, 0);
  rec.endStep(s.step, s.pools, s.decodes, s.tokens);
}

/**
 * How many of the next passes provably repeat this stalled one: all the remaining ones up to the
 * stall limit when this pass changed nothing and no arrival falls in between, else 0.
 */
function provablyRepeats(cfg: SimConfig, s: State, step: number, stalledPasses: number): number {
  if (s.mutations !== 0 || stalledPasses >= cfg.stallLimit) return 0;
  const remaining = cfg.stallLimit - stalledPasses;
  const next = s.nextArrivalStep;
  if ((next !== null && next <= step + remaining) || step + remaining >= cfg.maxSteps) return 0;
  return remaining;
}

/** A pass identical to the previous one (nothing to replay, every request predicted unchanged). */
function copyPass(s: State, rec: TraceRecorder | null, deadlockPool: number | null): void {
  s.step++;
  if (deadlockPool !== null) s.emit('deadlock', -1, deadlockPool);
  rec?.endStep(s.step, s.pools, 0, 0);
}

/**
 * Slots the requests holding pool group pg would need there to take their next step (what they
 * hold plus what their next resize would add): e.g. 16 straddling decodes need 32 of 16 slots.
 */
function demandOfHolders(s: State, pg: number, maxNumTokens: number): number {
  let demand = 0;
  for (const r of s.running) {
    const kv = r.kv;
    if (!kv || kv.heldPerPool[pg] === 0) continue;
    const decoding = r.state === 'decoding' || (r.state === 'suspended' && r.resumeTo === 'decoding');
    const capacity = decoding ? kv.history + 1 + s.draftTokens : r.pos + Math.min(r.target - r.pos, maxNumTokens);
    demand += kv.heldPerPool[pg] + s.managers.need(kv, capacity, kv.history)[pg];
  }
  return demand;
}

/** Who holds the pool group's slots at the end of a run, by state. */
export function holdersOf(s: State, pg: number) {
  let heldByRunning = 0;
  let heldBySuspended = 0;
  let slotsHeldByRunning = 0;
  let slotsHeldBySuspended = 0;
  for (const r of s.running) {
    const n = r.kv?.heldPerPool[pg] ?? 0;
    if (n === 0) continue;
    if (r.state === 'suspended') {
      heldBySuspended++;
      slotsHeldBySuspended += n;
    } else {
      heldByRunning++;
      slotsHeldByRunning += n;
    }
  }
  return { heldByRunning, heldBySuspended, slotsHeldByRunning, slotsHeldBySuspended };
}

export interface FloorSuggestion {
  readonly slots: number;
  readonly by: 'bisect' | 'analytic';
  /** The slot counts of every pool group in the run that backs the suggestion. */
  readonly slotCounts: readonly number[];
}

/** The failure a deadlock is blamed on: the first of the final stall (the cause), else the last. */
function blamed(res: RunResult) {
  return res.stats.rootFailure ?? res.state.failure;
}

/** The pool group a deadlock report names (the least free one if no failure was recorded). */
export function deadlockPoolGroup(res: RunResult): number {
  const s = res.state;
  return blamed(res)?.poolGroup ?? s.pools.reduce((best, p) => (p.free < s.pools[best].free ? p.index : best), 0);
}

export function deadlockReport(cfg: SimConfig, res: RunResult, suggestion: FloorSuggestion): DeadlockReport {
  const s = res.state;
  const f = blamed(res) ?? {
    poolGroup: deadlockPoolGroup(res),
    needed: 0,
    free: 0,
    exhausted: [],
    request: -1,
    cause: 'allocation' as const,
  };
  const pg = f.poolGroup;
  const name = cfg.plan.poolGroups[pg]?.name ?? `pool ${pg}`;
  const h = holdersOf(s, pg);
  const demand = demandOfHolders(s, pg, cfg.maxNumTokens);
  const total = cfg.plan.slotCounts[pg];
  const what = f.cause === 'admission' ? `${f.needed} block(s) at the admission gate with ${f.free} free` : f.cause === 'resume-gate' ? `the resume gate (utilization above ${cfg.maxUtilForResume})` : `${f.needed} slot(s) with ${f.free} free`;
  return {
    poolGroup: pg,
    poolName: name,
    exhaustedPoolGroups: f.exhausted.length > 0 ? [...f.exhausted] : [pg],
    request: f.request,
    neededSlots: f.needed,
    freeSlots: f.free,
    ...h,
    demandOfHolders: demand,
    suggestedMinSlots: suggestion.slots,
    suggestedBy: suggestion.by,
    suggestedSlotCounts: [...suggestion.slotCounts],
    cause: f.cause,
    engineNote: res.stats.engineNote,
    firstStalledStep: res.stats.firstStalledStep,
    executedStalledPasses: res.stats.executedStalledPasses,
    stalledPasses: res.stats.stalledPasses,
    message:
      `deadlock: pool group ${pg} (${name}) exhausted: request ${f.request} needed ${what}; ` +
      `${h.slotsHeldByRunning} slots held by ${h.heldByRunning} running and ${h.slotsHeldBySuspended} by ${h.heldBySuspended} suspended requests, ` +
      `which need ${demand} of the ${total} slots for their next step; ` +
      `no progress for ${res.stats.stalledPasses} passes since pass ${res.stats.firstStalledStep}; ` +
      `${suggestion.by === 'bisect' ? 'smallest slot count found to avoid it' : 'a floor that covers it'}: ${suggestion.slots}` +
      (suggestion.slotCounts.some((n, i) => i !== pg && n !== cfg.plan.slotCounts[i]) ? ` (with slot counts [${suggestion.slotCounts.join(', ')}])` : '') +
      (res.stats.engineNote ? `. ${res.stats.engineNote}` : ''),
  };
}

export function summarize(cfg: SimConfig, res: RunResult, requests: number, deadlock: DeadlockReport | null): SimSummary {
  return {
    outcome: res.outcome,
    policy: cfg.policy as PolicyName,
    steps: res.steps,
    requests,
    completedRequests: res.state.finishedCount,
    maxConcurrentDecodes: res.stats.maxConcurrentDecodes,
    maxConcurrentHolders: res.stats.maxConcurrentHolders,
    slotCounts: [...cfg.plan.slotCounts],
    poolNames: cfg.plan.poolGroups.map((g) => g.name),
    peakUsedSlots: res.stats.peakUsedSlots,
    tokensScheduled: res.stats.tokensScheduled,
    suspensions: res.stats.suspensions,
    preemptions: res.stats.preemptions,
    deadlock,
  };
}

export function toTrace(summary: SimSummary, res: RunResult): Trace {
  const reqs = res.state.requests;
  const specs: RequestSpec[] = [];
  for (const r of reqs) specs.push({ arrival: r.arrival, prompt: r.prompt, output: r.output });
  return new Trace(summary, res.rec!, specs);
}
