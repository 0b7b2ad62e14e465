/**
 * The simulator's mutable state during a run and the operations every policy is built from:
 * resize (check-then-commit), schedule, suspend, resume, teardown. Policies decide *who*; this file
 * does the bookkeeping the same way for all of them. A pass is:
 *
 *   beginPass(k): commit the tokens of pass k-1 (history advances, stale blocks are freed,
 *                 finished requests close), then requests with arrival <= k join `active`.
 *   policy.schedule(state)        resizes and marks requests scheduled for pass k
 *   (the trace records the state here: what pass k's forward step runs with)
 */
import type { PoolLayout } from '../planner/types.ts';
import { type BlockPool, type DeltaSink, PoolArena } from './block-pool.ts';
import { type AllocFailure, KvCache, Managers } from './managers.ts';
import { blankRequest, initRequest, type SimRequest } from './request.ts';
import type { EventKind, RequestSpec } from './types.ts';

export type { SimRequest } from './request.ts';

export interface EventSink {
  event(step: number, kind: EventKind, request: number, poolGroup: number): void;
}

export interface PassFailure extends AllocFailure {
  readonly request: number;
  readonly cause: 'allocation' | 'resume-gate' | 'admission';
}

export class SimState {
  readonly plan: PoolLayout;
  readonly pools: BlockPool[];
  readonly managers: Managers;
  readonly requests: SimRequest[];
  /**
   * Arrived, not finished and admitted at least once (they hold or held KV), in arrival order.
   * Per-pass work walks these, never the whole arrival queue: a pass costs O(running), not
   * O(requests), however many requests wait.
   */
  running: SimRequest[] = [];
  /** Arrived and never admitted, in arrival order: queue[queueHead..]. Policies admit from its front. */
  private queue: SimRequest[] = [];
  private queueHead = 0;
  step = -1;
  private nextArrival = 0;
  finishedCount = 0;
  // Per-pass counters (reset by beginPass).
  tokens = 0;
  batch = 0;
  decodes = 0;
  freed = 0;
  mutations = 0;
  failure: PassFailure | null = null;
  /**
   * Requests scheduled this pass: scheduled[0..scheduledCount). A count over one array kept for the
   * whole run (emptying an array with length = 0 drops its storage, so every pass grew it anew).
   */
  private readonly scheduled: SimRequest[] = [];
  private scheduledCount = 0;
  /** Closed caches (everything released), reused by the next request that needs one: long runs allocate nothing per request. */
  private readonly spareKv: KvCache[];
  /** The arena's request objects this run did not need (given back with its own). */
  private readonly spareRequests: SimRequest[];
  /** Shape key of this run's caches in an arena (life cycles x pool groups). */
  private readonly cacheShape: string;
  finishedThisPass: SimRequest[] = [];
  arrivedThisPass: SimRequest[] = [];
  readonly draftTokens: number;
  private readonly events: EventSink;

  /** `arena`: where the pools' slot arrays come from (the caller recycles them when done), else new ones. */
  constructor(plan: PoolLayout, specs: readonly RequestSpec[], draftTokens: number, deltas: DeltaSink | null, events: EventSink, arena: PoolArena | null = null) {
    this.plan = plan;
    // Without an arena, an empty one: every pool gets new arrays.
    this.pools = (arena ?? new PoolArena()).pools(plan.slotCounts, deltas);
    this.cacheShape = `${plan.lifeCycles.length}x${plan.slotCounts.length}`;
    this.spareKv = arena ? arena.takeCaches<KvCache>(this.cacheShape) : [];
    // Built by push, not map (see planner/arrays.ts).
    const lcPool: number[] = [];
    for (const lc of plan.lifeCycles) lcPool.push(plan.lifeCyclePoolGroup[lc.id]);
    this.managers = new Managers(plan.lifeCycles, lcPool, this.pools, plan.tokensPerBlock);
    // Stable order by arrival, then by position in the workload.
    let sorted = true;
    for (let i = 1; i < specs.length && sorted; i++) sorted = specs[i - 1].arrival <= specs[i].arrival;
    const order = sorted ? specs : specs.map((s, i) => ({ s, i })).sort((a, b) => a.s.arrival - b.s.arrival || a.i - b.i).map(({ s }) => s);
    // Request objects come from the arena when there is one (a verdict search runs thousands of
    // short lists: their request objects were most of what a run allocated).
    const spare = arena ? arena.takeRequests<SimRequest>() : [];
    const requests: SimRequest[] = [];
    for (let id = 0; id < order.length; id++) requests.push(initRequest(spare.pop() ?? blankRequest(), id, order[id]));
    this.requests = requests;
    this.spareRequests = spare;
    this.draftTokens = draftTokens;
    this.events = events;
  }

  /** The engine's active_requests list (running, then the waiting queue), in arrival order. O(active): not for per-pass loops. */
  get active(): SimRequest[] {
    return this.queueHead === this.queue.length ? this.running : this.running.concat(this.queue.slice(this.queueHead));
  }

  /** Number of arrived, unfinished requests. */
  get activeCount(): number {
    return this.running.length + this.queue.length - this.queueHead;
  }

  /** The first `n` requests of the waiting queue (never admitted), in arrival order. */
  queued(n: number): SimRequest[] {
    return this.queue.slice(this.queueHead, this.queueHead + n);
  }

  /** queued(n) copied into `out` (a policy's own array, reused pass after pass); returns how many. */
  queuedInto(n: number, out: SimRequest[]): number {
    const k = Math.max(0, Math.min(n, this.queue.length - this.queueHead));
    for (let i = 0; i < k; i++) out[i] = this.queue[this.queueHead + i];
    return k;
  }

  /** r leaves the waiting queue for `running`, at its arrival position (ids are in arrival order). */
  private admit(r: SimRequest): void {
    if (!r.queued) return;
    r.queued = false;
    if (this.queue[this.queueHead] === r) this.queueHead++;
    else this.queue.splice(this.queue.indexOf(r, this.queueHead), 1);
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    const run = this.running;
    if (run.length === 0 || run[run.length - 1].id < r.id) run.push(r);
    else {
      let lo = 0;
      let hi = run.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (run[mid].id < r.id) lo = mid + 1;
        else hi = mid;
      }
      run.splice(lo, 0, r);
    }
  }

  get done(): boolean {
    return this.finishedCount === this.requests.length;
  }

  /** Arrival pass of the next request that has not arrived yet, or null. */
  get nextArrivalStep(): number | null {
    return this.nextArrival < this.requests.length ? this.requests[this.nextArrival].arrival : null;
  }

  emit(kind: EventKind, request: number, poolGroup = -1): void {
    this.events.event(this.step, kind, request, poolGroup);
  }

  beginPass(step: number): void {
    this.step = step;
    this.tokens = 0;
    this.batch = 0;
    this.decodes = 0;
    this.freed = 0;
    this.mutations = 0;
    this.failure = null;
    // Fresh arrays only when the old ones were used: policies may keep a reference to last pass's.
    if (this.finishedThisPass.length > 0) this.finishedThisPass = [];
    if (this.arrivedThisPass.length > 0) this.arrivedThisPass = [];
    // Committing schedules nothing, so the list can be walked and emptied in place.
    const n = this.scheduledCount;
    this.scheduledCount = 0;
    for (let i = 0; i < n; i++) this.commit(this.scheduled[i]);
    if (this.finishedThisPass.length > 0) {
      // In place: a new array a pass was most of what a long run allocated per pass.
      const run = this.running;
      let k = 0;
      for (let i = 0; i < run.length; i++) if (run[i].state !== 'finished') run[k++] = run[i];
      run.length = k;
    }
    while (this.nextArrival < this.requests.length && this.requests[this.nextArrival].arrival <= step) {
      const r = this.requests[this.nextArrival++];
      r.queued = true;
      this.queue.push(r);
      this.arrivedThisPass.push(r);
      this.mutations++;
    }
  }

  /** Apply the tokens a request computed in the previous pass. */
  private commit(r: SimRequest): void {
    const kv = r.kv;
    if (!kv || r.state === 'suspended' || r.state === 'finished') return;
    if (r.scheduledKind === 'context') {
      r.pos += r.scheduledTokens;
      this.freed += this.managers.commit(kv, kv.history + r.scheduledTokens, false);
      // The last prefill chunk produces the next output token.
      if (r.pos >= r.target) {
        r.generated++;
        r.state = 'decoding';
      }
    } else {
      this.freed += this.managers.commit(kv, kv.history + 1, false);
      r.generated++;
    }
    if (r.generated >= r.output) this.finish(r);
  }

  private finish(r: SimRequest): void {
    if (r.kv) {
      this.freed += this.managers.releaseAll(r.kv, false);
      this.spareKv.push(r.kv);
    }
    r.kv = null;
    r.state = 'finished';
    this.finishedCount++;
    this.finishedThisPass.push(r);
    this.emit('finish', r.id);
  }

  /**
   * Give the run's storage back to the arena it came from, once nothing of the run is read any
   * more: the pools' slot arrays and every request cache (reset, open ones included).
   */
  recycleInto(arena: PoolArena): void {
    arena.recycle(this.pools);
    for (const r of this.requests) {
      if (!r.kv) continue;
      r.kv.reset();
      this.spareKv.push(r.kv);
      r.kv = null;
    }
    arena.giveCaches(this.cacheShape, this.spareKv);
    for (const r of this.requests) this.spareRequests.push(r);
    arena.giveRequests(this.spareRequests);
  }

  isScheduled(r: SimRequest): boolean {
    return r.scheduledStep === this.step;
  }

  /** Capacity a decode of r needs this pass: h + 1 + draft. */
  decodeCapacity(r: SimRequest): number {
    return (r.kv?.history ?? 0) + 1 + this.draftTokens;
  }

  /** Grow r's cache (creating it on first use); null on success, the failure otherwise. */
  tryResize(r: SimRequest, capacity: number, history: number): AllocFailure | null {
    // A request without a cache tries on the spare one it would take (a failed resize changes
    // nothing), so a request refused pass after pass costs no cache and no array growth.
    const kv = r.kv ?? this.spare(r.id);
    const f = this.managers.resize(kv, capacity, history);
    if (!f && !r.kv) r.kv = this.spareKv.pop() as KvCache;
    if (f) {
      if (r.kv && r.kv.totalHeld() === 0 && r.kv.capacity === 0) {
        this.spareKv.push(r.kv);
        r.kv = null;
      }
      // Keep the pass's first allocation failure; it outranks a resume-gate refusal.
      // f is the managers' own scratch (valid until the next resize): a kept failure is a copy.
      if (!this.failure || this.failure.cause === 'resume-gate') this.failure = { poolGroup: f.poolGroup, needed: f.needed, free: f.free, exhausted: f.exhausted.slice(), request: r.id, cause: 'allocation' };
      return f;
    }
    this.admit(r);
    return null;
  }

  /** The closed cache the next request to need one takes (the last spare; a new one if none). */
  private spare(request: number): KvCache {
    if (this.spareKv.length === 0) this.spareKv.push(new KvCache(request, this.plan.lifeCycles.length, this.pools.length));
    const kv = this.spareKv[this.spareKv.length - 1];
    kv.request = request;
    return kv;
  }

  scheduleDecode(r: SimRequest): void {
    this.mark(r, 1 + this.draftTokens, 'decode');
    this.decodes++;
  }

  scheduleContext(r: SimRequest, chunk: number): void {
    if (r.state === 'waiting') this.emit('admit', r.id);
    this.admit(r);
    if (r.state !== 'context') this.mutations++;
    r.state = 'context';
    this.mark(r, chunk, 'context');
  }

  private mark(r: SimRequest, tokens: number, kind: 'context' | 'decode'): void {
    r.scheduledStep = this.step;
    r.scheduledTokens = tokens;
    r.scheduledKind = kind;
    this.tokens += tokens;
    this.batch++;
    this.scheduled[this.scheduledCount++] = r;
  }

  maxUtilization(): { value: number; poolGroup: number } {
    let value = -1;
    let poolGroup = 0;
    for (const p of this.pools) {
      if (p.utilization > value) {
        value = p.utilization;
        poolGroup = p.index;
      }
    }
    return { value, poolGroup };
  }

  /** Pages stay where they are (GPU-only tier): only their accounting moves to "suspended". */
  suspend(r: SimRequest): void {
    if (r.state === 'suspended' || r.state === 'finished' || r.state === 'waiting') return;
    r.resumeTo = r.state === 'decoding' ? 'decoding' : 'context';
    r.state = 'suspended';
    if (r.kv) for (let pg = 0; pg < this.pools.length; pg++) this.pools[pg].markSuspended(r.kv.heldPerPool[pg]);
    this.mutations++;
    this.emit('suspend', r.id);
  }

  /** The resume gate: every pool's utilization must be <= maxUtil. Returns false (no change) if not. */
  tryResume(r: SimRequest, maxUtil: number): boolean {
    if (r.state !== 'suspended') return true;
    const u = this.maxUtilization();
    if (u.value > maxUtil) {
      const p = this.pools[u.poolGroup];
      this.failure ??= {
        poolGroup: u.poolGroup,
        needed: p.total - p.free - Math.floor(maxUtil * p.total),
        free: p.free,
        exhausted: [u.poolGroup],
        request: r.id,
        cause: 'resume-gate',
      };
      return false;
    }
    r.state = r.resumeTo;
    if (r.kv) for (let pg = 0; pg < this.pools.length; pg++) this.pools[pg].markSuspended(-r.kv.heldPerPool[pg]);
    this.mutations++;
    this.emit('resume', r.id);
    return true;
  }

  /** Recompute preemption: free everything; the request re-prefills prompt + generated tokens. */
  teardown(r: SimRequest): void {
    if (r.kv) {
      this.freed += this.managers.releaseAll(r.kv, r.state === 'suspended');
      this.spareKv.push(r.kv);
    }
    r.kv = null;
    r.state = 'waiting';
    r.pos = 0;
    r.target = r.prompt + r.generated;
    if (r.scheduledStep === this.step) {
      // Un-schedule (only vLLM's policy tears down a request it scheduled earlier in the same pass).
      const i = this.scheduled.indexOf(r);
      if (i >= 0 && i < this.scheduledCount) this.scheduled.copyWithin(i, i + 1, this.scheduledCount--);
      this.tokens -= r.scheduledTokens;
      this.batch--;
      if (r.scheduledKind === 'decode') this.decodes--;
      r.scheduledStep = -1;
    }
    this.mutations++;
    this.emit('preempt', r.id);
  }

  /** Requests currently holding at least one slot. */
  holders(): number {
    return this.managers.holders;
  }
}
