import { describe, expect, it } from 'vitest';
import { fromPayload, toPayload } from '../../src/ui/bridge/payload.ts';
import { Cancelled, poolSize, WorkerPool } from '../../src/ui/bridge/pool.ts';
import { computeRun } from '../../src/ui/bridge/run.ts';
import { TASKS } from '../../src/ui/bridge/tasks.ts';
import { baseState } from '../../src/ui/state/codec.ts';

/** A worker stand-in: runs the registered task on a later macrotask, like a real worker would. */
class FakeWorker {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  static made: FakeWorker[] = [];
  constructor() {
    FakeWorker.made.push(this);
  }
  postMessage(msg: { id: number; kind: string; input: unknown }): void {
    setTimeout(() => {
      if (this.terminated) return;
      if (msg.kind === 'sleep') {
        this.onmessage?.({ data: { id: msg.id, progress: { phase: 'sleeping' } } } as MessageEvent);
        setTimeout(() => !this.terminated && this.onmessage?.({ data: { id: msg.id, ok: true, output: msg.input } } as MessageEvent), 20);
        return;
      }
      const r = TASKS[msg.kind](msg.input as never, () => undefined);
      this.onmessage?.({ data: { id: msg.id, ok: true, output: structuredClone(r.output) } } as MessageEvent);
    }, 1);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const pool = (n: number) => new WorkerPool(() => new FakeWorker() as unknown as Worker, n);

describe('worker pool', () => {
  it('runs tasks on N workers, reports progress, and a cancelled running task replaces its worker', async () => {
    FakeWorker.made = [];
    const p = pool(2);
    expect(p.size).toBe(2);
    const phases: string[] = [];
    const a = p.submit<number>('sleep', 1, { onProgress: (x) => phases.push(x.phase) });
    const b = p.submit<number>('sleep', 2);
    const c = p.submit<number>('sleep', 3); // queued: both workers are busy
    expect(p.queued).toBe(1);
    b.cancel();
    await expect(b.promise).rejects.toBeInstanceOf(Cancelled);
    expect(FakeWorker.made.length).toBe(3); // the cancelled task's worker was replaced
    expect(await a.promise).toBe(1);
    expect(await c.promise).toBe(3);
    expect(phases).toEqual(['sleeping']);
  });

  it('a cancelled queued task never starts', async () => {
    const p = pool(1);
    const a = p.submit<number>('sleep', 1);
    const b = p.submit<number>('sleep', 2);
    b.cancel();
    await expect(b.promise).rejects.toBeInstanceOf(Cancelled);
    expect(await a.promise).toBe(1);
    expect(p.queued).toBe(0);
  });

  it('a run crosses the worker boundary as data and gives the same frames (trace revived)', async () => {
    const params = { ...baseState('trtllm-15401'), mode: 'issue-fix' as const };
    const here = computeRun(params, null);
    const { payload } = toPayload(here);
    const there = fromPayload(structuredClone(payload));
    expect(there.run.summary).toEqual(here.run.summary);
    expect(there.planView.toJson()).toBe(here.planView.toJson());
    for (const step of [0, 17, 120, there.run.stepCount - 1, 3]) {
      const a = here.run.frameAt(step);
      const b = there.run.frameAt(step);
      expect([...b.slotOwner[1]]).toEqual([...a.slotOwner[1]]);
      expect(b.requests.map((r) => [r.id, r.history])).toEqual(a.requests.map((r) => [r.id, r.history]));
    }
    const viaPool = await pool(1).submit<{ ok: boolean }>('run', params).promise;
    expect(viaPool.ok).toBe(true);
  });
});

describe('poolSize', () => {
  it('one worker per core but one, at least 2 and at most 4; unknown core counts give 2', () => {
    expect([1, 2, 3, 4, 5, 8, 64].map(poolSize)).toEqual([2, 2, 2, 3, 4, 4, 4]);
    expect(poolSize(undefined)).toBe(2);
    expect(poolSize(0)).toBe(2);
  });
});
