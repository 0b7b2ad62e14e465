/**
 * One pool group's slots: mechanism only (vLLM's block_pool.py in spirit). It knows which slots are
 * free and who owns each used slot; it does not know windows, requests' lengths or policies.
 *
 *   slot:        0    1    2    3    4    5
 *   ownerReq:    7    7   -1    3   -1    9      (-1 = free)
 *   ownerBlock:  4    5   -1    0   -1    0      (block ordinal of the owner's sequence)
 *   freeStack:  [5->4, 2]  (LIFO: the most recently freed slot is reused first, deterministically)
 *
 * Slot state (running / suspended) follows the owner's state, so suspending a request flips counts
 * in bulk (`markSuspended`) instead of touching every slot; frames derive the per-slot state.
 * Check-then-commit: `canAllocate(n)` first, then `allocate`, which returns null instead of throwing.
 */

/** Receives every ownership change, so a trace can replay them (see trace.ts). */
export interface DeltaSink {
  alloc(poolGroup: number, slot: number, request: number, lifeCycle: number, block: number): void;
  free(poolGroup: number, slot: number): void;
}

export class BlockPool {
  readonly index: number;
  readonly total: number;
  readonly ownerReq: Int32Array;
  readonly ownerLc: Int32Array;
  readonly ownerBlock: Int32Array;
  private readonly freeStack: Int32Array;
  private freeTop: number;
  /** Slots held by suspended requests (the rest of the used slots are held by running ones). */
  heldSuspended = 0;
  private readonly sink: DeltaSink | null;

  constructor(index: number, total: number, sink: DeltaSink | null = null) {
    this.index = index;
    this.total = total;
    this.ownerReq = new Int32Array(total).fill(-1);
    this.ownerLc = new Int32Array(total).fill(-1);
    this.ownerBlock = new Int32Array(total).fill(-1);
    this.freeStack = new Int32Array(total);
    // Slot 0 on top: a fresh pool hands out 0, 1, 2, ... which keeps small traces readable.
    for (let i = 0; i < total; i++) this.freeStack[i] = total - 1 - i;
    this.freeTop = total;
    this.sink = sink;
  }

  get free(): number {
    return this.freeTop;
  }

  /** Slots held by running requests. */
  get used(): number {
    return this.total - this.freeTop - this.heldSuspended;
  }

  /** Fraction of slots not free (the resume gate compares this with maxUtilForResume). */
  get utilization(): number {
    return this.total === 0 ? 1 : (this.total - this.freeTop) / this.total;
  }

  canAllocate(n: number): boolean {
    return n <= this.freeTop;
  }

  /** Take a free slot for (request, life cycle, block ordinal); null when the pool is exhausted. */
  allocate(request: number, lifeCycle: number, block: number): number | null {
    if (this.freeTop === 0) return null;
    const slot = this.freeStack[--this.freeTop];
    this.ownerReq[slot] = request;
    this.ownerLc[slot] = lifeCycle;
    this.ownerBlock[slot] = block;
    this.sink?.alloc(this.index, slot, request, lifeCycle, block);
    return slot;
  }

  /** Return a slot; `suspended` says whether its owner was suspended (keeps the held count exact). */
  release(slot: number, suspended: boolean): void {
    if (this.ownerReq[slot] < 0) throw new Error(`pool ${this.index}: slot ${slot} released twice`);
    this.ownerReq[slot] = -1;
    this.ownerLc[slot] = -1;
    this.ownerBlock[slot] = -1;
    this.freeStack[this.freeTop++] = slot;
    if (suspended) this.heldSuspended--;
    this.sink?.free(this.index, slot);
  }

  /** A request holding n slots here was suspended (+n) or resumed (-n). */
  markSuspended(n: number): void {
    this.heldSuspended += n;
  }
}
