/**
 * A small pool of Web Workers for the core's heavy work (runs, imports, sweeps): N workers, a
 * queue, progress messages and cancellation. A queued task that is cancelled never starts; a
 * running one is stopped by terminating its worker (the core is synchronous inside it), and a
 * fresh worker takes its place. The Map view's sweeps submit many tasks and cancel them together.
 *
 *   const pool = new WorkerPool(() => new Worker(url, { type: 'module' }), 2);
 *   const t = pool.submit('run', input, { onProgress: (p) => show(p) });
 *   t.promise.then(...); t.cancel();
 *
 * Worker protocol (bridge/worker.ts): in {id, kind, input}; out {id, progress} | {id, ok, output}
 * | {id, ok: false, error}.
 */

export interface Progress {
  readonly phase: string;
  readonly done?: number;
  readonly total?: number;
}

export interface TaskHandle<T> {
  readonly promise: Promise<T>;
  cancel(): void;
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

interface Job {
  readonly id: number;
  readonly kind: string;
  readonly input: unknown;
  readonly transfer: Transferable[];
  readonly onProgress?: (p: Progress) => void;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

/**
 * Workers in the page's pool: one per core but one (the page's own thread keeps a core), at least
 * 2 (a run never waits behind a Map cell) and at most 4 (each worker is an isolate of its own,
 * compiling the core once: tens of MB and a fraction of a CPU second apiece).
 */
export function poolSize(cores: number | undefined): number {
  return Math.max(2, Math.min(4, (cores && cores > 0 ? cores : 2) - 1));
}

export class WorkerPool {
  private readonly make: () => Worker;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;

  constructor(make: () => Worker, size = 2) {
    this.make = make;
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Tasks waiting for a worker (not counting running ones). */
  get queued(): number {
    return this.queue.length;
  }

  submit<T>(kind: string, input: unknown, opts: { onProgress?: (p: Progress) => void; transfer?: Transferable[] } = {}): TaskHandle<T> {
    let job!: Job;
    const promise = new Promise<T>((resolve, reject) => {
      job = { id: this.nextId++, kind, input, transfer: opts.transfer ?? [], onProgress: opts.onProgress, resolve: resolve as (v: unknown) => void, reject };
    });
    this.queue.push(job);
    this.pump();
    return { promise, cancel: () => this.cancel(job) };
  }

  /** Stop every task (queued and running). */
  cancelAll(): void {
    for (const j of [...this.queue]) this.cancel(j);
    for (const s of this.slots) if (s.job) this.cancel(s.job);
  }

  terminate(): void {
    this.cancelAll();
    for (const s of this.slots) s.worker.terminate();
  }

  private spawn(): Slot {
    const slot: Slot = { worker: this.make(), job: null };
    slot.worker.onmessage = (e: MessageEvent) => this.onMessage(slot, e.data);
    slot.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.finish(slot, (j) => j.reject(new Error(`worker failed: ${e.message}`)));
    };
    return slot;
  }

  private onMessage(slot: Slot, msg: { id: number; progress?: Progress; ok?: boolean; output?: unknown; error?: string }): void {
    const job = slot.job;
    if (!job || msg.id !== job.id) return;
    if (msg.progress) {
      job.onProgress?.(msg.progress);
      return;
    }
    this.finish(slot, (j) => (msg.ok ? j.resolve(msg.output) : j.reject(new Error(msg.error ?? 'task failed'))));
  }

  private finish(slot: Slot, settle: (j: Job) => void): void {
    const job = slot.job;
    slot.job = null;
    if (job) settle(job);
    this.pump();
  }

  private cancel(job: Job): void {
    const q = this.queue.indexOf(job);
    if (q >= 0) {
      this.queue.splice(q, 1);
      job.reject(new Cancelled());
      return;
    }
    const i = this.slots.findIndex((s) => s.job === job);
    if (i < 0) return; // already settled
    this.slots[i].worker.terminate();
    this.slots[i] = this.spawn();
    job.reject(new Cancelled());
    this.pump();
  }

  private pump(): void {
    for (const s of this.slots) {
      if (s.job || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      s.job = job;
      s.worker.postMessage({ id: job.id, kind: job.kind, input: job.input }, job.transfer);
    }
  }
}
