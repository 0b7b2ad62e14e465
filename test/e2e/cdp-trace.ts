/** Chrome traces over CDP for the e2e tests that bound main-thread tasks (responsive, verdict-map). */
import type { CDPSession } from 'playwright-core';

/** The fields of a trace event the tests read. */
export interface TraceEvent {
  readonly name: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly tdur?: number;
  readonly args?: { name?: string; src_func?: string };
}

/** Stop the session's tracing (started with transferMode ReturnAsStream) and read all its events. */
export async function endTrace(cdp: CDPSession): Promise<TraceEvent[]> {
  const text = await new Promise<string>((resolve) => {
    cdp.on('Tracing.tracingComplete', async (e: { stream?: string }) => {
      let t = '';
      for (;;) {
        const r = (await cdp.send('IO.read', { handle: e.stream! })) as { data: string; eof: boolean };
        t += r.data;
        if (r.eof) break;
      }
      resolve(t);
    });
    void cdp.send('Tracing.end');
  });
  const j = JSON.parse(text);
  return Array.isArray(j) ? j : j.traceEvents;
}

/** Tasks run on renderer main threads (of the processes in `pids`, when given). */
export function mainThreadTasks(events: readonly TraceEvent[], pids?: ReadonlySet<number>): TraceEvent[] {
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && (!pids || pids.has(e.pid))).map((e) => `${e.pid}:${e.tid}`));
  return events.filter((e) => (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && mains.has(`${e.pid}:${e.tid}`));
}
