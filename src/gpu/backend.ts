/**
 * The attention backend the UI and the CLI call: the GPU one when WebGPU is there, the CPU twin
 * (the f64 reference) otherwise. Same interface, same inputs, same outputs; tests compare them.
 */
import { type AttentionFrame, frameToKernelInput } from '../attn/frame.ts';
import { type PagedDecodeInput, type PagesRead, pagesRead, validatePagedDecodeInput } from '../attn/inputs.ts';
import { referencePagedDecode } from '../attn/reference.ts';
import { describeKernel, type GpuRunOptions, type KernelPath, runDecode } from './attention.ts';
import { acquireGpu, type GpuAdapterInfo, type GpuContext } from './device.ts';

export interface AttentionResult {
  /** [batch][numQoHeads][headDim] */
  readonly output: Float32Array;
  /** For the UI: which pages each sequence read (pages outside the window are absent). */
  readonly pagesRead: PagesRead[];
  /** Which kernel path ran ('cpu' for the CPU twin) and, on the texture path, lanes per key. */
  readonly path: KernelPath | 'cpu';
  readonly lanes: number;
  /** One line naming the path, for the page and the CLI. */
  readonly kernel: string;
}

export interface AttentionBackend {
  readonly name: 'gpu' | 'cpu';
  readonly adapterInfo: GpuAdapterInfo | null;
  /** One-line description of where the computation ran. */
  readonly adapter: string;
  run(input: PagedDecodeInput, opts?: GpuRunOptions): Promise<AttentionResult>;
}

export class CpuAttentionBackend implements AttentionBackend {
  readonly name = 'cpu' as const;
  readonly adapterInfo = null;
  readonly adapter = 'cpu reference (f64 accumulation)';

  async run(input: PagedDecodeInput): Promise<AttentionResult> {
    validatePagedDecodeInput(input);
    return { output: referencePagedDecode(input, false), pagesRead: pagesRead(input), path: 'cpu', lanes: 0, kernel: describeKernel({ path: 'cpu', lanes: 0 }) };
  }
}

export class GpuAttentionBackend implements AttentionBackend {
  readonly name = 'gpu' as const;
  readonly adapterInfo: GpuAdapterInfo;
  readonly adapter: string;

  constructor(readonly ctx: GpuContext) {
    this.adapterInfo = ctx.adapterInfo;
    const i = ctx.adapterInfo;
    this.adapter = [i.vendor, i.architecture, i.description].filter(Boolean).join(' / ') || 'unknown adapter';
  }

  async run(input: PagedDecodeInput, opts: GpuRunOptions = {}): Promise<AttentionResult> {
    const run = await runDecode(this.ctx, input, opts);
    if (this.ctx.uncaptured.length > 0) throw new Error(`uncaptured GPU error: ${this.ctx.uncaptured[0]}`);
    return { output: run.output, pagesRead: pagesRead(input), path: run.path, lanes: run.lanes, kernel: describeKernel(run) };
  }
}

/** 'auto' falls back to the CPU twin when no adapter appears; 'gpu' returns null then. */
export async function createAttentionBackend(prefer: 'gpu' | 'cpu' | 'auto' = 'auto'): Promise<AttentionBackend | null> {
  if (prefer === 'cpu') return new CpuAttentionBackend();
  const ctx = await acquireGpu().catch(() => null);
  if (ctx) return new GpuAttentionBackend(ctx);
  return prefer === 'auto' ? new CpuAttentionBackend() : null;
}

/**
 * The UI's entry point: one decode attention step over a simulator frame (block tables, context
 * lengths, window) with synthetic K/V, on whichever backend is given. Returns the kernel input
 * too, so a caller can show it or compare against the CPU twin.
 */
export async function runFrame(
  backend: AttentionBackend,
  frame: AttentionFrame,
  opts?: GpuRunOptions,
): Promise<AttentionResult & { input: PagedDecodeInput }> {
  const input = frameToKernelInput(frame);
  return { ...(await backend.run(input, opts)), input };
}
