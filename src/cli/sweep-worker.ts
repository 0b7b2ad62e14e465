/** One sweep worker: evaluates cells (pure core calls) as the main thread sends them. */
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

parentPort?.on('message', (job: Job & { ping?: boolean }) => {
  if (job.ping) {
    parentPort?.postMessage({ id: job.id, pong: true });
    return;
  }
  try {
    parentPort?.postMessage({ id: job.id, result: evaluateCell(job.subject, job.workload, job.workUnits) });
  } catch (e) {
    parentPort?.postMessage({ id: job.id, error: (e as Error).message });
  }
});
