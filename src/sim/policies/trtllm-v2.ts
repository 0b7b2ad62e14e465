/**
 * TensorRT-LLM KVCacheV2Scheduler (kvcache-v2-sizing.md §3), MAX_UTILIZATION, GPU-only tier.
 *
 *   phase 1 (generation): active requests in list order, up to maxBatchSize / maxNumTokens.
 *     suspended -> resume first (gate: every pool's utilization <= maxUtilForResume)
 *     resize(h + 1 + d); on failure the ladder:
 *       1. suspend started, active requests from the tail (never one scheduled this pass), retry
 *       2. recompute-pause on: tear a victim's KV down instead (it re-prefills later), retry
 *       3. otherwise self-suspend and STOP the phase
 *   phase 2 (context): pending context requests in list order, chunked by the token budget;
 *     on failure preempt one started request (no lower tier) and stop the phase.
 *
 * With no cache tier below the GPU a suspended request's pages stay where they are, so suspending
 * frees nothing: that is how a windowed pool at its floor deadlocks (spec §4).
 */
import type { SimRequest, SimState } from '../state.ts';
import type { Policy, PolicyOptions } from './policy.ts';

/** Tail-most started request that is not `self`, not scheduled this pass and (optionally) not suspended. */
function tailVictim(s: SimState, self: SimRequest, includeSuspended: boolean): SimRequest | null {
  for (let i = s.running.length - 1; i >= 0; i--) {
    const r = s.running[i];
    if (r === self || !r.kv || s.isScheduled(r)) continue;
    if (r.state === 'suspended' && !includeSuspended) continue;
    return r;
  }
  return null;
}

/**
 * A class, not a closure per run: V8 in Chromium compiles closures made afresh by each run one by
 * one (a sweep's worker compiled `generation` dozens of times), while prototype methods are
 * compiled once for every run of the thread.
 */
class TrtllmV2Scheduler implements Policy {
  private readonly o: PolicyOptions;
  /** A snapshot of the waiting queue's front, kept across passes (no array per pass). */
  private readonly front: SimRequest[] = [];

  constructor(o: PolicyOptions) {
    this.o = o;
  }

  schedule(s: SimState): void {
    this.generation(s);
    this.context(s);
  }

  private preempt(s: SimState, victim: SimRequest): void {
    if (this.o.recomputePause) s.teardown(victim);
    else s.suspend(victim);
  }

  /** try_allocate_generation: resume (gated) then resize. */
  private tryAllocate(s: SimState, r: SimRequest): boolean {
    // The gate only for a suspended request: a double passed to a call that is not inlined is boxed,
    // and this runs for every decode of every pass (in Chromium it was most of a sweep's garbage).
    if (r.state === 'suspended' && !s.tryResume(r, this.o.maxUtilForResume)) return false;
    return s.tryResize(r, s.decodeCapacity(r), r.kv!.history) === null;
  }

  private generation(s: SimState): void {
    const o = this.o;
    // Decoders hold KV, so they are all in `running` (which no step of this phase reorders).
    const running = s.running;
    for (let i = 0, n = running.length; i < n; i++) {
      const r = running[i];
      const isDecode = r.state === 'decoding' || (r.state === 'suspended' && r.resumeTo === 'decoding');
      if (!isDecode) continue;
      if (s.batch >= o.maxBatchSize || s.tokens + 1 + o.draftTokens > o.maxNumTokens) return;
      let ok = this.tryAllocate(s, r);
      while (!ok) {
        // 1. suspend from the tail (on a GPU-only tier this frees nothing, but it is the rule);
        const suspendable = tailVictim(s, r, false);
        if (suspendable) s.suspend(suspendable);
        else {
          // 2. then, with recompute-pause, tear victims down from the tail (suspended ones too).
          const victim = o.recomputePause ? tailVictim(s, r, true) : null;
          if (!victim) break;
          s.teardown(victim);
        }
        ok = this.tryAllocate(s, r);
      }
      if (!ok) {
        s.suspend(r);
        return;
      }
      s.scheduleDecode(r);
    }
  }

  /** One pending context request; false = stop the phase (limits reached, or a failure handled). */
  private contextOne(s: SimState, r: SimRequest): boolean {
    const o = this.o;
    const pending = r.state === 'waiting' || r.state === 'context' || (r.state === 'suspended' && r.resumeTo === 'context');
    if (!pending || s.isScheduled(r)) return true;
    if (s.batch >= o.maxBatchSize || s.tokens >= o.maxNumTokens) return false;
    const chunk = Math.min(r.target - r.pos, o.maxNumTokens - s.tokens);
    const ok = (r.state !== 'suspended' || s.tryResume(r, o.maxUtilForResume)) && s.tryResize(r, r.pos + chunk, r.pos) === null;
    if (!ok) {
      const victim = tailVictim(s, r, false);
      if (victim) this.preempt(s, victim);
      return false;
    }
    s.scheduleContext(r, chunk);
    return true;
  }

  private context(s: SimState): void {
    // Pending contexts in arrival order: started ones (running) before the waiting queue. Admitting
    // appends to running, so walk only the requests that were running when the phase began; the
    // phase admits at most maxBatchSize, so a slice of the queue's front is all it can reach.
    const running = s.running;
    for (let i = 0, n = running.length; i < n; i++) if (!this.contextOne(s, running[i])) return;
    // A snapshot of the queue's front (admitting shifts the queue), in an array kept across passes.
    const front = this.front;
    const k = s.queuedInto(this.o.maxBatchSize + 1, front);
    for (let i = 0; i < k; i++) if (!this.contextOne(s, front[i])) return;
  }
}

export function trtllmV2Policy(o: PolicyOptions): Policy {
  return new TrtllmV2Scheduler(o);
}
