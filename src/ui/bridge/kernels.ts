/**
 * The inspector's kernel runs as derived, asynchronous values: one run per "Run attention kernel"
 * ticket, valid for the run, step, request and life cycle it was made for (another step shows
 * nothing until the kernel is run again).
 */
import type { FrameView, PageModel, RunView } from '../model.ts';
import type { AppState } from '../state/types.ts';
import { runKernel } from './kernel.ts';

type KernelState = PageModel['inspector']['kernel'];
const IDLE: KernelState = { state: 'idle', message: '', result: null };

export class Kernels {
  private handled = 0;
  private current: { key: string; run: RunView; value: KernelState } | null = null;
  private readonly onChange: () => void;

  constructor(onChange: () => void) {
    this.onChange = onChange;
  }

  kernel(s: AppState, run: RunView | null, frame: FrameView | null): KernelState {
    if (!run || !frame) return IDLE;
    const key = `${frame.step}|${s.params.request}|${s.params.inspectLc}`;
    if (s.kernelTicket > this.handled) {
      this.handled = s.kernelTicket;
      const entry = { key, run, value: { state: 'running', message: 'Running…', result: null } as KernelState };
      this.current = entry;
      void runKernel(run, frame, s.params.request, s.params.inspectLc).then((r) => {
        entry.value = typeof r === 'string' ? { state: 'error', message: r, result: null } : { state: 'done', message: '', result: r };
        if (this.current === entry) this.onChange();
      });
    }
    const c = this.current;
    return c && c.key === key && c.run === run ? c.value : IDLE;
  }
}
