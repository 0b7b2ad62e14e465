/**
 * The attention backend of the inspector: one paged decode batch built from the frame's block
 * tables (attention.ts), run on the WGSL kernel when WebGPU is there (the CPU backend otherwise),
 * compared with the CPU reference, plus the head-0 weights computed by the kernel itself.
 */
import { maxScaledError } from '../../attn/reference.ts';
import type { AttentionBackend } from '../../gpu/backend.ts';
import type { FrameView, KernelResultView, RunView } from '../model.ts';
import { attentionWeights, buildBatch, DEMO_SHAPE, type InspectorBatch, probeWeights, weightProbe } from './attention.ts';

/** f32 kernel vs f64 reference, scaled by the output's largest magnitude (GPU tests' measure). */
export const TOLERANCE = 1e-4;

let backendPromise: Promise<AttentionBackend> | null = null;
function backend(): Promise<AttentionBackend> {
  backendPromise ??= import('../../gpu/backend.ts').then(async (m) => (await m.createAttentionBackend('auto')) ?? new m.CpuAttentionBackend());
  return backendPromise;
}

/** The request the inspector shows: the asked one if active at this step, else the first active. */
function selected(frame: FrameView, want: number) {
  const active = frame.requests.filter((r) => r.state !== 'waiting' && r.state !== 'finished');
  return active.find((r) => r.id === want) ?? active[0] ?? null;
}

export function parseLc(v: string, run: RunView): { g: number; i: number } | null {
  const [g, i] = (v || firstLc(run)).split(':').map(Number);
  return Number.isInteger(g) && Number.isInteger(i) && run.poolGroups[g]?.lifeCycles[i] ? { g, i } : null;
}

function firstLc(run: RunView): string {
  for (const g of run.poolGroups) {
    const i = g.lifeCycles.findIndex((lc) => !lc.ssm);
    if (i >= 0) return `${g.index}:${i}`;
  }
  return '';
}

/**
 * Head-0 attention weights of the selected request computed by the kernel itself (one-hot V
 * probe, see weightProbe), checked against the CPU weights; the CPU weights when the window is
 * too wide for one head dim.
 */
async function kernelWeights(be: AttentionBackend, run: RunView, f: FrameView, at: { g: number; i: number }, id: number, batch: InspectorBatch): Promise<{ line: string; weights: Float64Array }> {
  const g = run.poolGroups[at.g];
  const probe = weightProbe(f, g, at.i, g.lifeCycles[at.i], id, run.tokensPerBlock, 1 + f.step);
  if (!probe) {
    return { weights: attentionWeights(batch.input, 0, 0), line: 'Attention weights (bars): CPU reference; the attended span is wider than one head dim (512), so the kernel probe does not apply.' };
  }
  const out = await be.run(probe.input);
  const w = probeWeights(probe, out.output);
  const ref = attentionWeights(probe.input, 0, 0);
  let diff = 0;
  for (let j = 0; j < w.length; j++) diff = Math.max(diff, Math.abs(w[j] - ref[j]));
  return {
    weights: w,
    line: `Attention weights (bars) of request ${id}, computed by the ${be.name === 'gpu' ? 'WGSL kernel' : 'CPU backend'} with one-hot V rows over ${probe.positions.length} attended tokens: largest difference to the CPU weights ${diff.toExponential(2)}.`,
  };
}

/** Run the kernel for the inspector's request and life cycle; a failure is a message, not a throw. */
export async function runKernel(run: RunView, f: FrameView, want: number, lcValue: string): Promise<KernelResultView | string> {
  const sel = selected(f, want);
  const at = parseLc(lcValue, run);
  if (!sel || !at) return 'Nothing to run at this step.';
  const g = run.poolGroups[at.g];
  let batch: InspectorBatch | null;
  try {
    batch = buildBatch(f, g, at.i, g.lifeCycles[at.i], sel.id, run.tokensPerBlock, 1 + f.step);
  } catch (e) {
    return `Cannot build kernel input: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!batch) return `Request ${sel.id} holds no blocks in ${g.name} at this step.`;
  try {
    const be = await backend();
    const { CpuAttentionBackend } = await import('../../gpu/backend.ts');
    const notice = be.name === 'gpu' ? `WebGPU adapter: ${be.adapter}.` : 'WebGPU is not available in this browser: the CPU backend (f64 reference) serves, so the comparison below is CPU against CPU.';
    const t0 = performance.now();
    const gpu = await be.run(batch.input);
    const t1 = performance.now();
    const cpu = await new CpuAttentionBackend().run(batch.input);
    const err = maxScaledError(gpu.output, cpu.output);
    const { line, weights } = await kernelWeights(be, run, f, at, sel.id, batch);
    const pages = gpu.pagesRead[0];
    const ok = err <= TOLERANCE;
    const phys = batch.physical;
    return {
      backend: be.name,
      notice,
      maxDiff: err,
      ok,
      tolerance: TOLERANCE,
      lines: [
        `${be.name.toUpperCase()} vs CPU reference: largest difference ${err.toExponential(2)} (scaled by the output's largest magnitude; tolerance ${TOLERANCE}) — ${ok ? 'within tolerance' : 'OUT OF TOLERANCE'}.`,
        `batch ${batch.requestIds.length} sequence(s) [requests ${batch.requestIds.slice(0, 16).join(', ')}${batch.requestIds.length > 16 ? ', …' : ''}], ${DEMO_SHAPE.numQoHeads} query heads / ${DEMO_SHAPE.numKvHeads} KV head × ${DEMO_SHAPE.headDim} dims, pool buffer of ${phys.length} slot(s); ${(t1 - t0).toFixed(1)} ms on ${be.name}, ${gpu.kernel}.`,
        `request ${sel.id} read logical pages [${pages.logical.join(', ')}] = physical slots [${pages.slots.map((s) => phys[s]).join(', ')}] (context ${batch.contextLens[0]} tokens).`,
      ],
      weightsLine: line,
      pages: pages.logical,
      weights,
    };
  } catch (e) {
    return `Kernel failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}
