/**
 * Runs `kvpool` inputs in a child process (test/fuzz/child.mjs) that is killed when an input takes
 * longer than its time-out, so a hang is a reported failure, never a stuck test run. The child's
 * V8 heap is capped at 1 GiB (a runaway input crashes it instead of the machine), and every reply
 * carries the input's CPU time and the child's peak resident memory.
 *
 * Time bounds are asserted on CPU time (CPU_LIMIT_MS): on a shared machine (load 15 on 2 cores
 * while six of us work) wall time is several times the CPU time an input costs. The wall-clock
 * kill (KILL_AFTER_MS) only catches hangs.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface CliInput {
  readonly argv: readonly string[];
  /** Instead of argv: a page link's query string, parsed as the page does. */
  readonly url?: string;
  /** In-memory files the argv may name (e.g. {"s.json": "..."}). */
  readonly files?: Readonly<Record<string, string>>;
}

export type CliResult =
  | { kind: 'done'; code: number | 'threw'; out: string; err: string; ms: number; cpuMs: number; rss: number; maxRss: number }
  | { kind: 'hang'; ms: number }
  | { kind: 'crash'; signal: string | null; exitCode: number | null; ms: number };

const CHILD = fileURLToPath(new URL('child.mjs', import.meta.url));
export const HEAP_MB = 1024;
/** Most CPU time one input may take. */
export const CPU_LIMIT_MS = 10_000;
/** Wall time after which an input counts as a hang and its child is killed. */
export const KILL_AFTER_MS = 60_000;

export class CliRunner {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private next = 0;
  /** Peak resident memory over every child this runner started. */
  peakRss = 0;
  restarts = 0;

  private start(): Promise<void> {
    const child = fork(CHILD, [], { execArgv: [`--max-old-space-size=${HEAP_MB}`], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    child.stderr?.resume(); // a V8 out-of-memory report goes here; drain it
    this.child = child;
    this.ready = new Promise((res, rej) => {
      const onMsg = (m: { ready?: boolean }) => {
        if (m?.ready) {
          child.off('message', onMsg);
          res();
        }
      };
      child.on('message', onMsg);
      child.once('exit', (code) => rej(new Error(`fuzz child exited before it was ready (${code})`)));
    });
    return this.ready;
  }

  async run(input: CliInput, timeoutMs: number): Promise<CliResult> {
    if (!this.child) await this.start();
    else await this.ready;
    const child = this.child as ChildProcess;
    const id = this.next++;
    const t0 = performance.now();
    return new Promise<CliResult>((res) => {
      const finish = (r: CliResult) => {
        clearTimeout(timer);
        child.off('message', onMsg);
        child.off('exit', onExit);
        res(r);
      };
      const onMsg = (m: Extract<CliResult, { kind: 'done' }> & { id: number }) => {
        if (m.id !== id) return;
        this.peakRss = Math.max(this.peakRss, m.maxRss);
        const { id: _id, ...rest } = m;
        finish({ ...(rest as object), kind: 'done' } as CliResult);
      };
      const onExit = (exitCode: number | null, signal: string | null) => {
        this.child = null;
        this.restarts++;
        finish({ kind: 'crash', signal, exitCode, ms: performance.now() - t0 });
      };
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        child.kill('SIGKILL');
        this.child = null;
        this.restarts++;
        finish({ kind: 'hang', ms: performance.now() - t0 });
      }, timeoutMs);
      child.on('message', onMsg);
      child.once('exit', onExit);
      child.send({ id, argv: input.argv, files: input.files ?? {}, url: input.url });
    });
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}

/** The lines of stderr that are not warnings. */
export function errorLines(err: string): string[] {
  return err.split('\n').filter((l) => l !== '' && !l.startsWith('WARNING:'));
}
