/**
 * What the workers can do: one entry per task kind (a registry, like the views). A task takes
 * its input and a progress callback and returns its output plus the buffers to transfer. Another
 * helper's task (a sweep cell of the Map view) is one file plus one line here.
 */

import type { UiState } from '../state/params.ts';
import { customConfig } from './custom.ts';
import { type CellInput, cellTask } from './map.ts';
import { type RunPayload, toPayload } from './payload.ts';
import type { Progress } from './pool.ts';
import { computeRun } from './run.ts';
import { type RunError, toRunError } from './runs.ts';
import { verdictFor } from './verdict.ts';

export interface TaskResult {
  readonly output: unknown;
  readonly transfer?: Transferable[];
}

export type Task = (input: never, progress: (p: Progress) => void) => TaskResult;

export type RunTaskOutput = { readonly ok: true; readonly payload: RunPayload } | { readonly ok: false; readonly error: RunError };

/** Plan and simulate one parameter set (the page's live run, Compare's second run). */
function runTask(params: UiState, progress: (p: Progress) => void): TaskResult {
  progress({ phase: 'planning and simulating' });
  const cfg = customConfig(params.config);
  try {
    const { payload, transfer } = toPayload(computeRun(params, cfg.custom));
    return { output: { ok: true, payload } satisfies RunTaskOutput, transfer };
  } catch (e) {
    return { output: { ok: false, error: toRunError(e, cfg.custom !== null) } satisfies RunTaskOutput };
  }
}

/** The verdict of the page's configuration (the Verdict view, the explainer's fix). */
function verdictTask(params: UiState, progress: (p: Progress) => void): TaskResult {
  progress({ phase: 'checking' });
  return { output: verdictFor(params) };
}

export const TASKS: Readonly<Record<string, Task>> = {
  run: runTask as Task,
  verdict: verdictTask as Task,
  mapCell: ((input: CellInput) => ({ output: cellTask(input) })) as Task,
};
