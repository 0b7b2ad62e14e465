/** An append-only Int32 column that doubles its storage: traces store millions of small ints. */
export class Growable {
  private data: Int32Array;
  length = 0;

  constructor(initial = 64) {
    this.data = new Int32Array(initial);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  get(i: number): number {
    return this.data[i];
  }

  /** A copy trimmed to the length (safe to keep after further pushes). */
  view(): Int32Array {
    return this.data.slice(0, this.length);
  }

  /** Bytes of storage held (for memory accounting). */
  get bytes(): number {
    return this.data.byteLength;
  }
}
