/**
 * Per-life-cycle block managers (vLLM's single_type_kv_cache_manager.py in spirit): which blocks of
 * a request each kind of layer needs, and which fell out of its window. They use the planner's
 * stale-range function, so sizing and simulation cannot disagree.
 *
 * A windowed life cycle (w = 4, tpb = 4) as a request decodes, history h, capacity c = h + 1:
 *
 *   h = 5: |blk0|blk1|        window [2, 5]  -> blk0, blk1 live (the straddle: 2 blocks)
 *   h = 7: |----|blk1|        window [4, 7]  -> blk0 stale: freed at commit
 *   h = 8: |----|blk1|blk2|   window [5, 8]  -> resize allocates blk2 only
 *
 * resize allocates [max(staleEnd(h), oldBlocks), newBlocks): blocks that are stale already are
 * never allocated. commit(h') frees held blocks in the stale range of h'; sink blocks lie below the
 * stale range's start and so are never freed. Recurrent state (ssm) takes one slot per request.
 * Slots are per life cycle: a pool group with k life cycles gives each of them its own blocks.
 */
import type { LifeCycle } from '../planner/lifecycle.ts';
import { divUp, floorDiv } from '../planner/pymath.ts';
import type { BlockPool } from './block-pool.ts';

/** One request's KV cache over every life cycle of the plan. */
export class KvCache {
  /** Owning request (caches are reused after a request closes: see SimState). */
  request: number;
  capacity = 0;
  history = 0;
  /** Per life cycle index: slot id per block ordinal (-1 = not held). */
  readonly tables: Int32Array[];
  /** Per life cycle index: first ordinal that may still be held above the sinks (scan start). */
  readonly lo: number[];
  /** Per life cycle index: blocks spanned so far = divUp(capacity) (ssm: 0 or 1). */
  readonly hi: number[];
  /** Per life cycle index: slots held. */
  readonly held: number[];
  /** Per pool group: slots held (sum over that group's life cycles). */
  readonly heldPerPool: number[];
  /**
   * Fast paths (most decode passes neither enter a new block nor leave one behind):
   * a resize to at most `fastTo` blocks allocates nothing, and a commit to a history below
   * `nextFreeH` frees nothing. Both are recomputed whenever the slow path runs.
   */
  fastTo = 0;
  nextFreeH = 0;
  /** Slots held over every pool group (kept with heldPerPool). */
  total = 0;

  constructor(request: number, lifeCycles: number, poolGroups: number) {
    this.request = request;
    this.tables = Array.from({ length: lifeCycles }, () => new Int32Array(4).fill(-1));
    this.lo = new Array(lifeCycles).fill(0);
    this.hi = new Array(lifeCycles).fill(0);
    this.held = new Array(lifeCycles).fill(0);
    this.heldPerPool = new Array(poolGroups).fill(0);
  }

  totalHeld(): number {
    return this.total;
  }

  /** Back to a closed cache without releasing into any pool (its run is over; the pools are scrubbed). */
  reset(): void {
    for (let i = 0; i < this.tables.length; i++) {
      this.tables[i].fill(-1, 0, Math.min(this.hi[i], this.tables[i].length));
      this.lo[i] = 0;
      this.hi[i] = 0;
      this.held[i] = 0;
    }
    this.heldPerPool.fill(0);
    this.capacity = 0;
    this.history = 0;
    this.fastTo = 0;
    this.nextFreeH = 0;
    this.total = 0;
  }
}

/** Why a resize could not be served: the first short pool group and every short one. */
export interface AllocFailure {
  readonly poolGroup: number;
  readonly needed: number;
  readonly free: number;
  readonly exhausted: readonly number[];
}

/**
 * staleRange(lc, h, tpb) as two numbers, without allocating (the pass loop calls it per request
 * and life cycle); a test checks it against staleRange itself.
 */
export function staleStart(lc: LifeCycle & { kind: 'attn' }, h: number, tpb: number): number {
  return Math.min(divUp(h, tpb), lc.sinkBlocks);
}

export function staleEnd(lc: LifeCycle & { kind: 'attn' }, h: number, tpb: number): number {
  const start = Math.min(divUp(h, tpb), lc.sinkBlocks);
  if (lc.windowTokens === null) return start;
  // floor division: the numerator is negative for short histories; max() clamps it.
  return Math.max(start, floorDiv(h + 1 - lc.windowTokens, tpb));
}

function setSlot(kv: KvCache, i: number, ordinal: number, slot: number): void {
  let t = kv.tables[i];
  if (ordinal >= t.length) {
    const grown = new Int32Array(Math.max(ordinal + 1, t.length * 2)).fill(-1);
    grown.set(t);
    kv.tables[i] = t = grown;
  }
  t[ordinal] = slot;
}

export class Managers {
  readonly lifeCycles: readonly LifeCycle[];
  readonly lcPool: readonly number[];
  readonly pools: readonly BlockPool[];
  readonly tpb: number;
  /** Requests holding at least one slot (kept as caches gain their first slot and lose their last). */
  holders = 0;
  /**
   * Per life cycle: 1 = its stale blocks are NOT freed at commit; they stay held as cached entries
   * until a policy evicts them with releaseBlock (SGLang's SWA radix cache). 0 for every engine else.
   */
  readonly retained: Uint8Array;
  private readonly needScratch: Int32Array;
  private readonly fromScratch: Int32Array;
  private readonly toScratch: Int32Array;
  private readonly failure = { poolGroup: 0, needed: 0, free: 0, exhausted: [0] };

  constructor(lifeCycles: readonly LifeCycle[], lcPool: readonly number[], pools: readonly BlockPool[], tokensPerBlock: number) {
    this.lifeCycles = lifeCycles;
    this.lcPool = lcPool;
    this.pools = pools;
    this.tpb = tokensPerBlock;
    this.retained = new Uint8Array(lifeCycles.length);
    this.needScratch = new Int32Array(pools.length);
    this.fromScratch = new Int32Array(lifeCycles.length);
    this.toScratch = new Int32Array(lifeCycles.length);
  }

  /**
   * For each life cycle, the ordinals [from, to) a resize would allocate, into the scratch arrays;
   * returns the new slots per pool group. resize() reuses the ranges, so the stale range is
   * computed once per life cycle and pass.
   */
  private plan(kv: KvCache, newCapacity: number, history: number, out: Int32Array): Int32Array {
    out.fill(0);
    const to = divUp(newCapacity, this.tpb);
    for (let i = 0; i < this.lifeCycles.length; i++) {
      const lc = this.lifeCycles[i];
      if (lc.kind === 'ssm') {
        this.fromScratch[i] = 0;
        this.toScratch[i] = kv.held[i] === 0 ? 1 : 0;
      } else {
        this.fromScratch[i] = Math.max(staleEnd(lc, history, this.tpb), kv.hi[i]);
        this.toScratch[i] = Math.max(this.fromScratch[i], to);
      }
      out[this.lcPool[i]] += this.toScratch[i] - this.fromScratch[i];
    }
    return out;
  }

  /** New slots per pool group that a resize would take (written into `out`). */
  need(kv: KvCache, newCapacity: number, history: number, out: Int32Array = this.needScratch): Int32Array {
    return this.plan(kv, newCapacity, history, out);
  }

  /**
   * resize(capacity) with the current history: check every pool group first, then allocate.
   * Returns null on success, or the failure (nothing allocated; the managers' own object, valid until the next resize).
   */
  resize(kv: KvCache, newCapacity: number, history: number): AllocFailure | null {
    if (newCapacity <= kv.fastTo * this.tpb) {
      // Every life cycle already spans the new capacity (and ssm holds its slot): nothing to allocate.
      if (newCapacity > kv.capacity) kv.capacity = newCapacity;
      kv.history = history;
      return null;
    }
    const need = this.plan(kv, newCapacity, history, this.needScratch);
    for (let pg = 0; pg < this.pools.length; pg++) if (!this.pools[pg].canAllocate(need[pg])) return this.failureOf(need, pg);
    for (let i = 0; i < this.lifeCycles.length; i++) this.grow(kv, i, this.fromScratch[i], this.toScratch[i]);
    kv.capacity = Math.max(kv.capacity, newCapacity);
    kv.history = history;
    kv.fastTo = this.fastToOf(kv);
    return null;
  }

  /**
   * The failure of a resize whose first short pool group is `first`, written into one object this
   * manager keeps: it is valid until the next resize, so a caller that keeps it copies it
   * (SimState does). A stalled run fails a resize every pass.
   */
  private failureOf(need: Int32Array, first: number): AllocFailure {
    const f = this.failure;
    // `first` is short by definition, so the list never empties (emptying an array drops its storage).
    let k = 0;
    for (let pg = first; pg < this.pools.length; pg++) if (!this.pools[pg].canAllocate(need[pg])) f.exhausted[k++] = pg;
    f.exhausted.length = k;
    f.poolGroup = first;
    f.needed = need[first];
    f.free = this.pools[first].free;
    return f;
  }

  /** The most blocks a resize can span without allocating: the least span over attention life cycles (0 while an ssm slot is missing). */
  private fastToOf(kv: KvCache): number {
    let m = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.lifeCycles.length; i++) {
      if (this.lifeCycles[i].kind === 'ssm') {
        if (kv.held[i] === 0) return 0;
      } else if (kv.hi[i] < m) m = kv.hi[i];
    }
    return m;
  }

  /** The least history at which a commit frees a block or moves a scan start (see commit). */
  private nextFreeOf(kv: KvCache): number {
    let m = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.lifeCycles.length; i++) {
      const lc = this.lifeCycles[i];
      if (lc.kind === 'ssm' || lc.windowTokens === null || this.retained[i]) continue;
      const lo = kv.lo[i];
      // staleEnd(h) > lo first when the sinks' start passes lo, or when the window's end does.
      if (lc.sinkBlocks > lo) m = Math.min(m, lo * this.tpb + 1);
      m = Math.min(m, (lo + 1) * this.tpb + lc.windowTokens - 1);
    }
    return m;
  }

  /** Allocate ordinals [from, to) of life cycle i (ssm: its one slot when to > from). */
  private grow(kv: KvCache, i: number, from: number, to: number): void {
    const lc = this.lifeCycles[i];
    const pool = this.pools[this.lcPool[i]];
    for (let b = from; b < to; b++) setSlot(kv, i, b, pool.allocate(kv.request, lc.id, b)!);
    if (to > from) {
      if (kv.total === 0) this.holders++;
      kv.held[i] += to - from;
      kv.heldPerPool[pool.index] += to - from;
      kv.total += to - from;
    }
    if (to > kv.hi[i]) kv.hi[i] = to;
  }

  /** commit: history advanced to `history`; free every held block that became stale. */
  commit(kv: KvCache, history: number, suspended: boolean): number {
    kv.history = history;
    // Below nextFreeH every windowed life cycle's stale end is still at or below its scan start: nothing to free.
    if (history < kv.nextFreeH) return 0;
    let freed = 0;
    for (let i = 0; i < this.lifeCycles.length; i++) {
      const lc = this.lifeCycles[i];
      if (lc.kind === 'ssm' || lc.windowTokens === null || this.retained[i]) continue;
      const end = staleEnd(lc, history, this.tpb);
      const a = Math.max(kv.lo[i], staleStart(lc, history, this.tpb));
      const b = Math.min(kv.hi[i], end);
      const pool = this.pools[this.lcPool[i]];
      const t = kv.tables[i];
      for (let o = a; o < b; o++) {
        if (t[o] < 0) continue;
        pool.release(t[o], suspended);
        t[o] = -1;
        freed++;
        kv.held[i]--;
        kv.heldPerPool[pool.index]--;
        kv.total--;
      }
      if (end > kv.lo[i]) kv.lo[i] = end;
    }
    if (freed > 0 && kv.total === 0) this.holders--;
    kv.nextFreeH = this.nextFreeOf(kv);
    return freed;
  }

  /** Evict one held block (ordinal) of life cycle i; false if it is not held. */
  releaseBlock(kv: KvCache, i: number, ordinal: number, suspended: boolean): boolean {
    const t = kv.tables[i];
    if (ordinal >= t.length || t[ordinal] < 0) return false;
    const pool = this.pools[this.lcPool[i]];
    pool.release(t[ordinal], suspended);
    t[ordinal] = -1;
    kv.held[i]--;
    kv.heldPerPool[pool.index]--;
    kv.total--;
    if (kv.total === 0) this.holders--;
    return true;
  }

  /** Close (finish, teardown): release every slot the request holds. */
  releaseAll(kv: KvCache, suspended: boolean): number {
    let freed = 0;
    for (let i = 0; i < this.lifeCycles.length; i++) {
      const pool = this.pools[this.lcPool[i]];
      const t = kv.tables[i];
      for (let o = 0; o < kv.hi[i] && kv.held[i] > 0; o++) {
        if (t[o] < 0) continue;
        pool.release(t[o], suspended);
        t[o] = -1;
        kv.held[i]--;
        freed++;
      }
      kv.hi[i] = 0;
      kv.lo[i] = 0;
    }
    if (kv.total > 0) this.holders--;
    kv.total = 0;
    kv.heldPerPool.fill(0);
    kv.capacity = 0;
    kv.history = 0;
    kv.fastTo = 0;
    kv.nextFreeH = 0;
    return freed;
  }
}
