/** One sweep worker: evaluates cells (pure core calls) as the main thread sends them. */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { RequestSpec } from '../sim/types.ts';
import type { Subject } from '../verdict/subject.ts';
import { evaluateCell } from '../verdict/sweep.ts';

interface Job {
  readonly id: number;
  readonly subject: Subject;
  readonly workload: readonly RequestSpec[];
  readonly workUnits: number;
}

/**
 * CPU seconds this thread has used (user + system), from Linux's /proc/thread-self; null elsewhere.
 * The benchmark compares it with the process's CPU: what V8's collector threads add beside a cell thread.
 */
function threadCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

parentPort?.on('message', (job: Job & { ping?: boolean }) => {
  if (job.ping) {
    parentPort?.postMessage({ id: job.id, pong: true, cpu: threadCpuSeconds() });
    return;
  }
  try {
    parentPort?.postMessage({ id: job.id, result: evaluateCell(job.subject, job.workload, job.workUnits) });
  } catch (e) {
    parentPort?.postMessage({ id: job.id, error: (e as Error).message });
  }
});
