/**
 * TensorRT-LLM GUARANTEED_NO_EVICT (peers.md §3): a request is admitted only if the worst case of
 * its whole life fits next to the worst cases already reserved, so a started request never waits.
 *
 * Worst blocks of one request in one life cycle (a bound, from the straddle rule of peers.md §8):
 *   full attention:  divUp(maxCapacity, tpb)
 *   window w:        min(divUp(maxCapacity, tpb), sinkBlocks + divUp(w - 1 + chunk, tpb) + 1)
 *   ssm:             1
 * where chunk is the largest number of tokens it computes in one pass (prefill chunk or 1 + draft).
 */
import type { LifeCycle } from '../../planner/lifecycle.ts';
import { divUp } from '../../planner/pymath.ts';
import { Deque } from '../deque.ts';
import type { SimRequest, SimState } from '../state.ts';
import type { Policy, PolicyOptions } from './policy.ts';

export function worstBlocks(lc: LifeCycle, prompt: number, output: number, tpb: number, maxNumTokens: number, draft: number): number {
  if (lc.kind === 'ssm') return 1;
  const maxCapacity = Math.max(prompt, prompt + output - 1 + draft);
  const full = divUp(maxCapacity, tpb);
  if (lc.windowTokens === null) return full;
  const chunk = Math.max(Math.min(prompt, maxNumTokens), 1 + draft);
  return Math.min(full, lc.sinkBlocks + divUp(lc.windowTokens - 1 + chunk, tpb) + 1);
}

/** A class, not closures made per run: V8 compiles fresh closures one by one (see trtllm-v2.ts). */
class NoEvictScheduler implements Policy {
  private readonly o: PolicyOptions;
  private running: SimRequest[] = [];
  private readonly waiting = new Deque<SimRequest>();
  private readonly reservation = new Map<SimRequest, number[]>();
  private reserved: number[] | null = null;

  constructor(o: PolicyOptions) {
    this.o = o;
  }

  private needOf(s: SimState, r: SimRequest): number[] {
    const need = new Array(s.pools.length).fill(0);
    for (const lc of s.plan.lifeCycles) need[s.plan.lifeCyclePoolGroup[lc.id]] += worstBlocks(lc, r.prompt, r.output, s.plan.tokensPerBlock, this.o.maxNumTokens, this.o.draftTokens);
    return need;
  }

  private stepOf(s: SimState, r: SimRequest): boolean {
    if (r.state === 'decoding') {
      if (s.tryResize(r, s.decodeCapacity(r), r.kv!.history) !== null) return false;
      s.scheduleDecode(r);
      return true;
    }
    const chunk = Math.min(r.target - r.pos, this.o.maxNumTokens - s.tokens);
    if (chunk <= 0 || s.tryResize(r, r.pos + chunk, r.pos) !== null) return false;
    s.scheduleContext(r, chunk);
    return true;
  }

  schedule(s: SimState): void {
    const o = this.o;
    this.reserved ??= new Array(s.pools.length).fill(0);
    const res = this.reserved;
    for (const r of this.running) {
      if (r.state !== 'finished') continue;
      const held = this.reservation.get(r)!;
      for (let pg = 0; pg < held.length; pg++) res[pg] -= held[pg];
      this.reservation.delete(r);
    }
    this.running = this.running.filter((r) => r.state !== 'finished');
    const running = this.running;
    const waiting = this.waiting;
    waiting.pushAll(s.arrivedThisPass);
    for (const r of running) {
      const cost = r.state === 'decoding' ? 1 + o.draftTokens : 1;
      if (s.tokens + cost > o.maxNumTokens) break;
      // Cannot fail while the reservation bound holds; if it does, the run stalls visibly.
      if (!this.stepOf(s, r)) return;
    }
    while (waiting.length > 0 && running.length < o.maxBatchSize && s.tokens < o.maxNumTokens) {
      const r = waiting.peek()!;
      const need = this.needOf(s, r);
      const fits = need.every((n, pg) => res[pg] + n <= s.pools[pg].total);
      if (!fits) {
        const pg = need.findIndex((n, p) => res[p] + n > s.pools[p].total);
        const p = s.pools[pg];
        s.failure ??= { poolGroup: pg, needed: need[pg], free: p.total - res[pg], exhausted: [pg], request: r.id, cause: 'allocation' };
        return;
      }
      if (!this.stepOf(s, r)) return;
      waiting.shift();
      running.push(r);
      this.reservation.set(r, need);
      for (let pg = 0; pg < need.length; pg++) res[pg] += need[pg];
    }
  }
}

export function noEvictPolicy(o: PolicyOptions): Policy {
  return new NoEvictScheduler(o);
}
