/**
 * A double-ended queue for the schedulers' waiting lists: push at the back, push at the front (a
 * preempted request goes back to the head), pop from the front, each O(1) amortised. An array's
 * `shift` / `unshift` move every element, so a queue of n waiting requests cost O(n) per admission.
 *
 * A ring buffer whose capacity is a power of two; it doubles when full and never shrinks (a run's
 * queue is at most its request count, which the limits table bounds).
 *
 *   buf: |  .  | r7 | r8 | r9 |  .  |      head = 1, length = 3, mask = 4
 *                 ^front         ^back
 */
export class Deque<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private mask: number;
  length = 0;

  constructor(capacity = 16) {
    let n = 1;
    while (n < capacity) n *= 2;
    this.buf = new Array<T | undefined>(n);
    this.mask = n - 1;
  }

  /** Append at the back. */
  push(v: T): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length) & this.mask] = v;
    this.length++;
  }

  /** Append every element at the back, in order (no argument spread: a pass may bring 100,000 arrivals). */
  pushAll(items: readonly T[]): void {
    for (const v of items) this.push(v);
  }

  /** Insert at the front. */
  pushFront(v: T): void {
    if (this.length === this.buf.length) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = v;
    this.length++;
  }

  /** Remove and return the front element (undefined when empty). */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined; // let the request be collected
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return v;
  }

  /** The front element without removing it (undefined when empty). */
  peek(): T | undefined {
    return this.length === 0 ? undefined : this.buf[this.head];
  }

  /** The elements front to back (a copy; O(length), for tests and reports, not per-pass loops). */
  toArray(): T[] {
    const out = new Array<T>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.buf[(this.head + i) & this.mask] as T;
    return out;
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.buf.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.buf[(this.head + i) & this.mask];
    this.buf = next;
    this.head = 0;
    this.mask = next.length - 1;
  }
}
