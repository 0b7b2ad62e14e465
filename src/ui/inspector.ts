/**
 * Attention inspector: pick a request at the current step; see its block table per pool group
 * (logical block -> physical slot), the token axis with the live window and sinks, the pages the
 * kernel read, and attention computed by the WGSL kernel on the pool buffers (synthetic K/V in the
 * real layout) next to the CPU reference, with the largest difference. Without WebGPU the CPU
 * backend serves, with a visible notice.
 */
import { maxScaledError } from '../attn/reference.ts';
import type { AttentionBackend } from '../gpu/backend.ts';
import type { App } from './app.ts';
import { cssColor } from './colors.ts';
import { h } from './dom.ts';
import { attentionWeights, buildBatch, DEMO_SHAPE, type InspectorBatch, probeWeights, weightProbe } from './inspector-model.ts';
import type { FrameView, RequestView } from './view-model.ts';

/** f32 kernel vs f64 reference, scaled by the output's largest magnitude (GPU tests' measure). */
export const TOLERANCE = 1e-4;

let backendPromise: Promise<AttentionBackend> | null = null;
function backend(): Promise<AttentionBackend> {
  backendPromise ??= import('../gpu/backend.ts').then(async (m) => (await m.createAttentionBackend('auto')) ?? new m.CpuAttentionBackend());
  return backendPromise;
}

function tableText(t: ArrayLike<number>): string {
  const held: string[] = [];
  let stale = 0;
  for (let b = 0; b < t.length; b++) {
    if (t[b] < 0) stale++;
    else held.push(`${b}→${t[b]}`);
  }
  const shown = held.length > 24 ? [...held.slice(0, 12), `… ${held.length - 24} more …`, ...held.slice(-12)] : held;
  return `${shown.join('  ') || '(none held)'}${stale ? `   [${stale} block${stale === 1 ? '' : 's'} not held: stale or not yet allocated]` : ''}`;
}

export class Inspector {
  readonly root = h('section', { class: 'panel inspector', id: 'inspector', 'aria-label': 'Attention inspector' });
  private readonly app: App;
  private frame: FrameView | null = null;
  private readonly reqSelect = h('select', { id: 'insp-request', 'aria-label': 'Request' });
  private readonly lcSelect = h('select', { id: 'insp-lc', 'aria-label': 'Pool group and life cycle' });
  private readonly runButton = h('button', { type: 'button', class: 'primary', id: 'insp-run', text: 'Run attention kernel' });
  private readonly tables = h('div', { id: 'insp-tables' });
  private readonly axis = h('canvas', { class: 'axis', id: 'insp-axis', height: 56, role: 'img', 'aria-label': 'Token axis' });
  private readonly axisNote = h('p', { class: 'notice', id: 'insp-axis-note' });
  private readonly result = h('div', { id: 'insp-result', role: 'status', 'aria-live': 'polite' });
  private readonly notice = h('p', { class: 'notice', id: 'insp-backend' });
  private weights: Float64Array | null = null;

  constructor(app: App) {
    this.app = app;
    this.root.append(
      h('h2', { text: 'Attention inspector' }),
      h('div', { class: 'transport' }, h('label', { for: 'insp-request', text: 'Request' }), this.reqSelect, h('label', { for: 'insp-lc', text: 'Pool / life cycle' }), this.lcSelect, this.runButton),
      h('h3', { text: 'Block table per pool group (logical block → physical slot)' }),
      this.tables,
      h('h3', { text: 'Token axis' }),
      this.axis,
      this.axisNote,
      h('h3', { text: 'Kernel' }),
      this.notice,
      this.result,
    );
    this.reqSelect.addEventListener('change', () => this.app.patch({ request: Number(this.reqSelect.value) }));
    this.lcSelect.addEventListener('change', () => this.app.patch({ inspectLc: this.lcSelect.value }));
    this.runButton.addEventListener('click', () => void this.runKernel());
  }

  setRun(): void {
    this.frame = null;
    this.result.textContent = '';
    this.weights = null;
    const run = this.app.run;
    this.lcSelect.replaceChildren();
    if (!run) return;
    for (const g of run.poolGroups) {
      g.lifeCycles.forEach((lc, i) => {
        if (lc.ssm) return;
        this.lcSelect.appendChild(h('option', { value: `${g.index}:${i}`, text: `${g.name} · ${g.lifeCycleLabels[i]}` }));
      });
    }
    this.syncLc();
  }

  /** Show the URL's pool/life cycle when this run has it (else the first). */
  private syncLc(): void {
    const want = this.app.state.inspectLc;
    if (want && [...this.lcSelect.options].some((o) => o.value === want)) this.lcSelect.value = want;
  }

  setFrame(frame: FrameView): void {
    if (this.lcSelect.value !== this.app.state.inspectLc && this.app.state.inspectLc) {
      this.syncLc();
      this.frame = null;
    }
    // A new frame object arrives on every render; only a new step (or run) resets the results.
    if (this.frame && frame.step === this.frame.step) return;
    this.frame = frame;
    this.weights = null;
    this.result.textContent = '';
    this.renderFrame();
  }

  private selected(): RequestView | null {
    const f = this.frame;
    if (!f) return null;
    const active = f.requests.filter((r) => r.state !== 'waiting' && r.state !== 'finished');
    const want = this.app.state.request;
    return active.find((r) => r.id === want) ?? active[0] ?? null;
  }

  private renderFrame(): void {
    const f = this.frame;
    const run = this.app.run;
    if (!f || !run) return;
    const active = f.requests.filter((r) => r.state !== 'waiting' && r.state !== 'finished');
    const sel = this.selected();
    this.reqSelect.replaceChildren(...active.map((r) => h('option', { value: r.id, text: `request ${r.id} (${r.state}, history ${r.history})` })));
    if (sel) this.reqSelect.value = String(sel.id);
    this.tables.replaceChildren();
    if (!sel) {
      this.tables.textContent = 'No request holds slots at this step.';
      this.drawAxis(null);
      return;
    }
    for (const g of run.poolGroups) {
      g.lifeCycleLabels.forEach((label, i) => {
        const t = sel.blockTables[g.index]?.[i];
        this.tables.appendChild(h('p', { class: 'mono' }, h('strong', { text: `${g.name} ${label}: ` }), t ? tableText(t) : '(no table)'));
      });
    }
    this.drawAxis(sel);
  }

  private currentLc(): { g: number; i: number } | null {
    const [g, i] = this.lcSelect.value.split(':').map(Number);
    return Number.isInteger(g) && Number.isInteger(i) ? { g, i } : null;
  }

  /** Token axis: blocks, window, sinks, pages read (after a kernel run) and weights of head 0. */
  private drawAxis(sel: RequestView | null, batch?: InspectorBatch, pages?: number[]): void {
    const c = this.axis;
    const width = Math.max(200, Math.floor(c.getBoundingClientRect().width) || 600);
    if (c.width !== width) c.width = width;
    const ctx = c.getContext('2d');
    const run = this.app.run;
    const at = this.currentLc();
    if (!ctx || !run || !sel || !at) return;
    const g = run.poolGroups[at.g];
    const lc = g.lifeCycles[at.i];
    const tpb = run.tokensPerBlock;
    const len = sel.history + 1;
    const scale = width / len;
    const fg = getComputedStyle(this.root).color;
    ctx.clearRect(0, 0, width, c.height);
    ctx.fillStyle = 'rgba(128,128,128,0.15)';
    ctx.fillRect(0, 18, width, 20);
    const lo = lc.windowTokens === null ? 0 : Math.max(0, len - lc.windowTokens);
    ctx.fillStyle = cssColor(sel.id);
    ctx.fillRect(lo * scale, 18, Math.max(2, (len - lo) * scale), 20);
    if (lc.sinkTokens > 0) {
      ctx.fillStyle = '#7c3aed';
      ctx.fillRect(0, 18, Math.max(2, Math.min(lc.sinkTokens, len) * scale), 20);
    }
    ctx.fillStyle = fg;
    for (let b = 0; b * tpb < len; b++) ctx.fillRect(Math.round(b * tpb * scale), 14, 1, 28);
    if (pages) {
      ctx.fillStyle = '#16a34a';
      for (const p of pages) ctx.fillRect(p * tpb * scale, 42, Math.max(2, Math.min(tpb, len - p * tpb) * scale), 5);
    }
    const w = this.weights;
    if (w && batch) {
      let max = 0;
      for (let j = 0; j < w.length; j++) max = Math.max(max, w[j]);
      ctx.fillStyle = fg;
      for (let j = 0; j < w.length; j++) if (w[j] > 0) ctx.fillRect(j * scale, 14 - (w[j] / max) * 13, Math.max(1, scale), (w[j] / max) * 13);
    }
    const win = lc.windowTokens === null ? 'full attention (no window)' : `window ${lc.windowTokens} tokens: [${lo}, ${len - 1}]`;
    this.axisNote.textContent = `Tokens 0..${len - 1} of request ${sel.id}; ${win}${lc.sinkTokens ? `; sinks [0, ${lc.sinkTokens})` : ''}; block boundaries every ${tpb} tokens.${pages ? ` Green: the ${pages.length} page(s) the kernel read. Bars above: attention weights of query head 0.` : ''}`;
  }

  /**
   * Head-0 attention weights of the selected request computed by the kernel itself (one-hot V
   * probe, see weightProbe), checked against the CPU weights; the CPU weights when the window is
   * too wide for one head dim.
   */
  private async kernelWeights(be: AttentionBackend, f: FrameView, at: { g: number; i: number }, id: number, batch: InspectorBatch): Promise<string> {
    const run = this.app.run!;
    const g = run.poolGroups[at.g];
    const probe = weightProbe(f, g, at.i, g.lifeCycles[at.i], id, run.tokensPerBlock, 1 + f.step);
    if (!probe) {
      this.weights = attentionWeights(batch.input, 0, 0);
      return 'Attention weights (bars): CPU reference; the attended span is wider than one head dim (512), so the kernel probe does not apply.';
    }
    const out = await be.run(probe.input);
    const w = probeWeights(probe, out.output);
    const ref = attentionWeights(probe.input, 0, 0);
    let diff = 0;
    for (let j = 0; j < w.length; j++) diff = Math.max(diff, Math.abs(w[j] - ref[j]));
    this.weights = w;
    return `Attention weights (bars) of request ${id}, computed by the ${be.name === 'gpu' ? 'WGSL kernel' : 'CPU backend'} with one-hot V rows over ${probe.positions.length} attended tokens: largest difference to the CPU weights ${diff.toExponential(2)}.`;
  }

  private async runKernel(): Promise<void> {
    const f = this.frame;
    const run = this.app.run;
    const sel = this.selected();
    const at = this.currentLc();
    if (!f || !run || !sel || !at) {
      this.result.textContent = 'Nothing to run at this step.';
      return;
    }
    const g = run.poolGroups[at.g];
    let batch: InspectorBatch | null;
    try {
      batch = buildBatch(f, g, at.i, g.lifeCycles[at.i], sel.id, run.tokensPerBlock, 1 + f.step);
    } catch (e) {
      this.result.textContent = `Cannot build kernel input: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    if (!batch) {
      this.result.textContent = `Request ${sel.id} holds no blocks in ${g.name} at this step.`;
      return;
    }
    this.runButton.disabled = true;
    this.result.textContent = 'Running…';
    try {
      const be = await backend();
      const { CpuAttentionBackend } = await import('../gpu/backend.ts');
      this.notice.textContent = be.name === 'gpu' ? `WebGPU adapter: ${be.adapter}.` : 'WebGPU is not available in this browser: the CPU backend (f64 reference) serves, so the comparison below is CPU against CPU.';
      const t0 = performance.now();
      const gpu = await be.run(batch.input);
      const t1 = performance.now();
      const cpu = await new CpuAttentionBackend().run(batch.input);
      const err = maxScaledError(gpu.output, cpu.output);
      const weightsLine = await this.kernelWeights(be, f, at, sel.id, batch);
      const pages = gpu.pagesRead[0];
      const ok = err <= TOLERANCE;
      this.result.replaceChildren(
        h('p', { 'data-backend': be.name, 'data-max-diff': String(err), 'data-ok': String(ok), class: `status ${ok ? 'ok' : 'bad'}`, text: `${be.name.toUpperCase()} vs CPU reference: largest difference ${err.toExponential(2)} (scaled by the output's largest magnitude; tolerance ${TOLERANCE}) — ${ok ? 'within tolerance' : 'OUT OF TOLERANCE'}.` }),
        h('p', { class: 'mono', text: `batch ${batch.requestIds.length} sequence(s) [requests ${batch.requestIds.slice(0, 16).join(', ')}${batch.requestIds.length > 16 ? ', …' : ''}], ${DEMO_SHAPE.numQoHeads} query heads / ${DEMO_SHAPE.numKvHeads} KV head × ${DEMO_SHAPE.headDim} dims, pool buffer of ${batch.physical.length} slot(s); ${(t1 - t0).toFixed(1)} ms on ${be.name}.` }),
        h('p', { class: 'mono', text: `request ${sel.id} read logical pages [${pages.logical.join(', ')}] = physical slots [${pages.slots.map((s) => batch.physical[s]).join(', ')}] (context ${batch.contextLens[0]} tokens).` }),
        h('p', { class: 'mono', id: 'insp-weights', text: weightsLine }),
      );
      this.drawAxis(sel, batch, pages.logical);
    } catch (e) {
      this.result.textContent = `Kernel failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.runButton.disabled = false;
    }
  }
}
