/**
 * SGLang's scheduler over its two pools, FULL (pool group 0) and SWA (pool group 1), with the least
 * of its SWA radix cache that shows #29662 (peers.md §2):
 *
 *   - a request takes slots in both pools; admission needs room for its first chunk in both;
 *   - SWA blocks that leave a request's window are NOT freed: they stay in the radix cache as
 *     evictable SWA entries (the node keeps its FULL part, which the running request holds);
 *     evicting the SWA part leaves a tombstone;
 *   - when an allocation fails the scheduler evicts, then retracts the newest running request
 *     (its KV freed, it re-prefills later), then gives up for this pass.
 *
 * Eviction (the option):
 *   full-lru    as shipped: walk the FULL component's LRU. Only unlocked FULL entries are there
 *               (running requests lock theirs), and SWA is freed only on the nodes evicted, so the
 *               out-of-window SWA entries are never visited: "KV cache is full" with the SWA pool
 *               full of evictable tokens. The bottleneck pool is not the one being evicted.
 *   bottleneck  fixed: when the SWA pool is the short one, evict out-of-window SWA entries
 *               (oldest first) until the allocation fits.
 *
 *   SWA blocks of one request, window W, history h:
 *     |tomb|tomb|evct|evct|live|live|     evct = out of window, still cached (held, evictable)
 */
import { staleRange } from '../../planner/lifecycle.ts';
import { Deque } from '../deque.ts';
import type { SimRequest, SimState } from '../state.ts';
import type { SglangEviction } from './engine-options.ts';
import type { Policy, PolicyOptions } from './policy.ts';

const FULL = 0;
const SWA = 1;

/** SWA entries out of the window but still cached (held, evictable), over the given requests. */
function evictableSwa(s: SimState, rs: readonly SimRequest[], each?: (r: SimRequest, lcIndex: number, ordinal: number) => boolean): number {
  let n = 0;
  s.plan.lifeCycles.forEach((lc, i) => {
    if (lc.kind !== 'attn' || lc.windowTokens === null || s.plan.lifeCyclePoolGroup[lc.id] !== SWA) return;
    for (const r of rs) {
      const kv = r.kv;
      if (!kv) continue;
      const end = Math.min(staleRange(lc, kv.history, s.plan.tokensPerBlock).end, kv.hi[i]);
      for (let o = 0; o < end; o++) {
        if (kv.tables[i][o] < 0) continue;
        if (each && !each(r, i, o)) return;
        n++;
      }
    }
  });
  return n;
}

/** A class, not closures made per run: V8 compiles fresh closures one by one (see trtllm-v2.ts). */
class SglangScheduler implements Policy {
  private readonly o: PolicyOptions;
  private readonly eviction: SglangEviction;
  private running: SimRequest[] = [];
  private readonly waiting = new Deque<SimRequest>();
  private last: { request: SimRequest; pool: number; needed: number; free: number } | null = null;

  constructor(o: PolicyOptions) {
    this.o = o;
    this.eviction = o.enginePolicy?.sglangEviction ?? 'full-lru';
  }

  /** Free SWA entries until `want` slots are free in the SWA pool; returns how many were evicted. */
  private evictSwa(s: SimState, want: number): number {
    let evicted = 0;
    evictableSwa(s, this.running, (r, i, ord) => {
      if (s.pools[SWA].free >= want) return false;
      if (s.managers.releaseBlock(r.kv!, i, ord, false)) evicted++;
      return true;
    });
    s.freed += evicted;
    return evicted;
  }

  private chunkOf(s: SimState, r: SimRequest): number {
    return Math.min(r.target - r.pos, this.o.maxNumTokens - s.tokens);
  }

  private resize(s: SimState, r: SimRequest) {
    if (r.state === 'decoding') return s.tryResize(r, s.decodeCapacity(r), r.kv!.history);
    const chunk = this.chunkOf(s, r);
    return chunk > 0 ? s.tryResize(r, r.pos + chunk, r.pos) : { poolGroup: FULL, needed: 0, free: 0, exhausted: [] };
  }

  /** Allocate r's step: evict (per the option), retract the newest others, else fail. */
  private allocate(s: SimState, r: SimRequest, mayRetract: boolean): boolean {
    const running = this.running;
    for (;;) {
      const f = this.resize(s, r);
      if (f === null) return true;
      this.last = { request: r, pool: f.poolGroup, needed: f.needed, free: f.free };
      // full-lru: the FULL LRU holds only unlocked entries; running requests lock all of theirs.
      // bottleneck: an SWA shortfall is met from the SWA entries (a FULL one cannot be).
      if (this.eviction === 'bottleneck' && f.poolGroup === SWA && this.evictSwa(s, f.needed) > 0) continue;
      const victim = mayRetract ? running[running.length - 1] : undefined;
      if (!victim || victim === r) return false;
      running.pop();
      s.teardown(victim);
      this.waiting.pushFront(victim);
    }
  }

  schedule(s: SimState): void {
    const o = this.o;
    s.plan.lifeCycles.forEach((lc, i) => {
      if (s.plan.lifeCyclePoolGroup[lc.id] === SWA) s.managers.retained[i] = 1;
    });
    this.running = this.running.filter((r) => r.state !== 'finished');
    const running = this.running;
    const waiting = this.waiting;
    waiting.pushAll(s.arrivedThisPass);
    this.last = null;
    for (let i = 0; i < running.length; i++) {
      const r = running[i];
      if (s.tokens + (r.state === 'decoding' ? 1 + o.draftTokens : 1) > o.maxNumTokens) break;
      if (!this.allocate(s, r, true)) break;
      if (r.state === 'decoding') s.scheduleDecode(r);
      else s.scheduleContext(r, this.chunkOf(s, r));
    }
    while (waiting.length > 0 && running.length < o.maxBatchSize && s.tokens < o.maxNumTokens) {
      const r = waiting.peek()!;
      if (!this.allocate(s, r, false)) break;
      waiting.shift();
      running.push(r);
      s.scheduleContext(r, this.chunkOf(s, r));
    }
  }

  explainStall(s: SimState): string | null {
    const last = this.last;
    if (!last) return null;
    if (s.pools.length < 2) return null;
    const short = last.pool === SWA ? 'SWA' : 'FULL';
    const evictable = evictableSwa(s, this.running);
    const swa = s.pools[SWA];
    return (
      `SGLang: "KV cache is full": request ${last.request.id} needs ${last.needed} ${short} page(s) with ${last.free} free; ` +
      `the SWA pool holds ${evictable} evictable out-of-window page(s) of its ${swa.total} (${swa.free} free) while eviction walks the ${this.eviction === 'full-lru' ? 'FULL component\u2019s LRU (0 unlocked entries)' : 'SWA entries'}: ` +
      `the bottleneck pool (${short}) is not the one being evicted (SGLang #29662)`
    );
  }
}

export function sglangPolicy(o: PolicyOptions): Policy {
  return new SglangScheduler(o);
}
