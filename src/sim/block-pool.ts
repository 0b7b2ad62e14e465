/**
 * One pool group's slots: mechanism only (vLLM's block_pool.py in spirit). It knows which slots are
 * free and who owns each used slot; it does not know windows, requests' lengths or policies.
 *
 *   slot:        0    1    2    3    4    5
 *   owner:       8    8    0    4    0   10      (request + 1; 0 = free; life cycle and block alike)
 *   freeStack:  [2, 4]   fresh = 6   (LIFO over released slots; below them, never-used slots in order)
 *
 * A fresh pool hands out 0, 1, 2, ... (readable small traces); a released slot is reused first,
 * deterministically. Never-used slots are a counter, not a stack, so building a pool costs nothing
 * per slot: the verdict's searches build hundreds of pools with 200k-slot groups.
 * Slot state (running / suspended) follows the owner's state, so suspending a request flips counts
 * in bulk (`markSuspended`) instead of touching every slot; frames derive the per-slot state
 * from the trace's ownership deltas (the sink), which carry the life cycle and block ordinal.
 * Check-then-commit: `canAllocate(n)` first, then `allocate`, which returns null instead of throwing.
 *
 * Runs that end before the next one starts (the verdict's replays, a sweep's cells) can take their
 * slot arrays from a `PoolArena` instead: allocating and zeroing four arrays of 200k+ slots per run
 * was most of a sweep cell's cost, and its garbage kept V8's collector threads busy on the other core.
 */

/** Receives every ownership change, so a trace can replay them (see trace.ts). */
export interface DeltaSink {
  alloc(poolGroup: number, slot: number, request: number, lifeCycle: number, block: number): void;
  free(poolGroup: number, slot: number): void;
}

export class BlockPool {
  readonly index: number;
  readonly total: number;
  /** Owning request, life cycle and block ordinal + 1 per slot (0 = free): zero-initialised, so no per-slot setup. */
  private readonly owner: Int32Array;
  private readonly ownerLc: Int32Array;
  private readonly ownerBlock: Int32Array;
  /** Released slots (LIFO); slots at and above `fresh` were never handed out. */
  private readonly freeStack: Int32Array;
  private freeTop = 0;
  private fresh = 0;
  /** Slots held by suspended requests (the rest of the used slots are held by running ones). */
  heldSuspended = 0;
  private readonly sink: DeltaSink | null;
  private readonly storage: SlotStorage;

  /** `storage`: zeroed arrays of at least `total` slots to use instead of new ones (a PoolArena's). */
  constructor(index: number, total: number, sink: DeltaSink | null = null, storage: SlotStorage | null = null) {
    this.index = index;
    this.total = total;
    const st = storage ?? newStorage(total);
    this.storage = st;
    if (st.owner.length < total) throw new Error(`pool ${index}: storage for ${st.owner.length} slots, ${total} needed`);
    // The arrays themselves (an arena's may be longer; slots at and above `total` are never
    // touched): four subarray views a pool, thousands of pools a sweep, were a tenth of its garbage.
    this.owner = st.owner;
    this.ownerLc = st.ownerLc;
    this.ownerBlock = st.ownerBlock;
    this.freeStack = st.freeStack;
    this.sink = sink;
  }

  /**
   * Zero the slots this pool ever handed out (those below `fresh`; the rest were never written) and
   * give back the whole backing storage: the pool must not be used afterwards.
   */
  scrub(): SlotStorage {
    this.owner.fill(0, 0, this.fresh);
    this.ownerLc.fill(0, 0, this.fresh);
    this.ownerBlock.fill(0, 0, this.fresh);
    return this.storage;
  }

  /** Who holds a slot: request, life cycle and block ordinal (-1 each when free). */
  ownerOf(slot: number): { request: number; lifeCycle: number; block: number } {
    return { request: this.owner[slot] - 1, lifeCycle: this.ownerLc[slot] - 1, block: this.ownerBlock[slot] - 1 };
  }

  /** Every slot's owning request and block ordinal (-1 = free), as new arrays (tests, snapshots). */
  owners(): { requests: number[]; blocks: number[] } {
    return { requests: Array.from(this.owner.subarray(0, this.total), (x) => x - 1), blocks: Array.from(this.ownerBlock.subarray(0, this.total), (x) => x - 1) };
  }

  get free(): number {
    return this.freeTop + this.total - this.fresh;
  }

  /** Slots held by running requests. */
  get used(): number {
    return this.total - this.free - this.heldSuspended;
  }

  /** Fraction of slots not free (the resume gate compares this with maxUtilForResume). */
  get utilization(): number {
    return this.total === 0 ? 1 : (this.total - this.free) / this.total;
  }

  canAllocate(n: number): boolean {
    return n <= this.free;
  }

  /** Take a free slot for (request, life cycle, block ordinal); null when the pool is exhausted. */
  allocate(request: number, lifeCycle: number, block: number): number | null {
    let slot: number;
    if (this.freeTop > 0) slot = this.freeStack[--this.freeTop];
    else if (this.fresh < this.total) slot = this.fresh++;
    else return null;
    this.owner[slot] = request + 1;
    this.ownerLc[slot] = lifeCycle + 1;
    this.ownerBlock[slot] = block + 1;
    this.sink?.alloc(this.index, slot, request, lifeCycle, block);
    return slot;
  }

  /** Return a slot; `suspended` says whether its owner was suspended (keeps the held count exact). */
  release(slot: number, suspended: boolean): void {
    if (this.owner[slot] === 0) throw new Error(`pool ${this.index}: slot ${slot} released twice`);
    this.owner[slot] = 0;
    this.ownerLc[slot] = 0;
    this.ownerBlock[slot] = 0;
    this.freeStack[this.freeTop++] = slot;
    if (suspended) this.heldSuspended--;
    this.sink?.free(this.index, slot);
  }

  /** A request holding n slots here was suspended (+n) or resumed (-n). */
  markSuspended(n: number): void {
    this.heldSuspended += n;
  }
}

/** A pool's slot arrays (owner, life cycle and block ordinal + 1, free stack), each of the same length. */
export interface SlotStorage {
  readonly owner: Int32Array;
  readonly ownerLc: Int32Array;
  readonly ownerBlock: Int32Array;
  readonly freeStack: Int32Array;
}

function newStorage(total: number): SlotStorage {
  return { owner: new Int32Array(total), ownerLc: new Int32Array(total), ownerBlock: new Int32Array(total), freeStack: new Int32Array(total) };
}

/**
 * Slot storage kept between runs, one set per pool-group index, grown to the largest pool seen.
 * `pools` hands a run its pools (a set in use by a run not yet given back is never handed out
 * twice: that run gets new arrays); `recycle` takes the pools of a finished run back, zeroing only
 * the slots it used. A run whose result is read after its pools were recycled would read nothing
 * true, so only callers that are done with a run's state recycle it.
 */
export class PoolArena {
  private readonly spare: (SlotStorage | null)[] = [];

  /** The pools of a run (built by push, not map: see planner/arrays.ts). */
  pools(slotCounts: readonly number[], sink: DeltaSink | null): BlockPool[] {
    const out: BlockPool[] = [];
    for (let pg = 0; pg < slotCounts.length; pg++) {
      const n = slotCounts[pg];
      const st = this.spare[pg] ?? null;
      const fits = st !== null && st.owner.length >= n;
      if (fits) this.spare[pg] = null;
      out.push(new BlockPool(pg, n, sink, fits ? st : null));
    }
    return out;
  }

  /** Closed runs' request caches by shape (life cycles x pool groups), already reset: the next run's requests take them. */
  private readonly caches = new Map<string, unknown[]>();

  takeCaches<T>(shape: string): T[] {
    const list = (this.caches.get(shape) ?? []) as T[];
    this.caches.delete(shape);
    return list;
  }

  giveCaches(shape: string, list: unknown[]): void {
    const have = this.caches.get(shape);
    if (!have || have.length < list.length) this.caches.set(shape, list);
  }

  /** Request objects of closed runs (the next run rewrites every field). */
  private requests: unknown[] = [];

  takeRequests<T>(): T[] {
    const list = this.requests as T[];
    this.requests = [];
    return list;
  }

  giveRequests(list: unknown[]): void {
    if (list.length > this.requests.length) this.requests = list;
  }

  recycle(pools: readonly BlockPool[]): void {
    for (const p of pools) {
      const st = p.scrub();
      const have = this.spare[p.index];
      if (!have || have.owner.length < st.owner.length) this.spare[p.index] = st;
    }
  }
}
