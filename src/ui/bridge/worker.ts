/**
 * The worker's entry: runs registered tasks (tasks.ts) and posts progress and results back. A
 * task that throws is reported as a failed task, never a silent hang.
 */
import { TASKS } from './tasks.ts';

interface Req {
  readonly id: number;
  readonly kind: string;
  readonly input: unknown;
}

const scope = self as unknown as { onmessage: ((e: MessageEvent<Req>) => void) | null; postMessage(msg: unknown, transfer?: Transferable[]): void };

scope.onmessage = (e) => {
  const { id, kind, input } = e.data;
  const task = TASKS[kind];
  if (!task) {
    scope.postMessage({ id, ok: false, error: `no task "${kind}"; known: ${Object.keys(TASKS).join(', ')}` });
    return;
  }
  try {
    const r = task(input as never, (progress) => scope.postMessage({ id, progress }));
    scope.postMessage({ id, ok: true, output: r.output }, r.transfer ?? []);
  } catch (err) {
    scope.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
