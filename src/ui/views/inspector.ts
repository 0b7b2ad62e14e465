/**
 * Attention inspector: pick a request at the current step; see its block table per pool group
 * (logical block -> physical slot), the token axis with the live window and sinks, the pages the
 * kernel read, and attention computed by the WGSL kernel on the pool buffers (synthetic K/V in the
 * real layout) next to the CPU reference, with the largest difference. The kernel runs in the
 * bridge (runKernel intent); without WebGPU the CPU backend serves, with a visible notice.
 */
import type { Dispatch, FrameView, KernelResultView, PageModel, RequestView, RunView, ViewDef } from '../model.ts';
import { cssColor } from './colors.ts';
import { h } from './dom.ts';

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

/** The request the inspector shows: the asked one if active at this step, else the first active. */
export function selectedRequest(frame: FrameView, want: number): RequestView | null {
  const active = frame.requests.filter((r) => r.state !== 'waiting' && r.state !== 'finished');
  return active.find((r) => r.id === want) ?? active[0] ?? null;
}

/** The view's elements, made when it is mounted (the registry is imported where there is no DOM). */
function elements() {
  return {
    root: h('section', { class: 'panel inspector', id: 'inspector', 'aria-label': 'Attention inspector', 'data-region': 'inspector' }),
    reqSelect: h('select', { id: 'insp-request', 'aria-label': 'Request' }),
    lcSelect: h('select', { id: 'insp-lc', 'aria-label': 'Pool group and life cycle' }),
    runButton: h('button', { type: 'button', class: 'primary', id: 'insp-run', text: 'Run attention kernel' }),
    tables: h('div', { id: 'insp-tables' }),
    axis: h('canvas', { class: 'axis', id: 'insp-axis', height: 56, role: 'img', 'aria-label': 'Token axis', 'data-region': 'token-axis' }),
    axisNote: h('p', { class: 'notice', id: 'insp-axis-note' }),
    result: h('div', { id: 'insp-result', role: 'status', 'aria-live': 'polite' }),
    notice: h('p', { class: 'notice', id: 'insp-backend' }),
  };
}

class InspectorView implements ViewDef {
  private e!: ReturnType<typeof elements>;
  readonly id = 'inspector';
  readonly label = 'Attention inspector';
  private run: RunView | null = null;
  private frame: FrameView | null = null;
  private key = '';
  private kernel: PageModel['inspector']['kernel'] | null = null;

  mount(el: HTMLElement, dispatch: Dispatch): void {
    this.e = elements();
    this.e.root.append(
      h('h2', { text: 'Attention inspector' }),
      h('div', { class: 'transport' }, h('label', { for: 'insp-request', text: 'Request' }), this.e.reqSelect, h('label', { for: 'insp-lc', text: 'Pool / life cycle' }), this.e.lcSelect, this.e.runButton),
      h('h3', { text: 'Block table per pool group (logical block → physical slot)' }),
      this.e.tables,
      h('h3', { text: 'Token axis' }),
      this.e.axis,
      this.e.axisNote,
      h('h3', { text: 'Kernel' }),
      this.e.notice,
      this.e.result,
    );
    el.appendChild(this.e.root);
    this.e.reqSelect.addEventListener('change', () => dispatch({ type: 'set', key: 'req', raw: this.e.reqSelect.value }));
    this.e.lcSelect.addEventListener('change', () => dispatch({ type: 'set', key: 'ilc', raw: this.e.lcSelect.value }));
    this.e.runButton.addEventListener('click', () => dispatch({ type: 'runKernel' }));
  }

  render(m: PageModel): void {
    if (m.view !== this.id || !m.run || !m.frame) return;
    if (m.run !== this.run) this.setRun(m.run);
    const ins = m.inspector;
    if (ins.lc && ins.lc !== this.e.lcSelect.value && [...this.e.lcSelect.options].some((o) => o.value === ins.lc)) this.e.lcSelect.value = ins.lc;
    const key = `${m.frame.step}:${ins.request}:${this.e.lcSelect.value}`;
    if (key !== this.key || m.frame !== this.frame) {
      this.key = key;
      this.frame = m.frame;
      this.renderFrame(ins.request);
    }
    if (ins.kernel !== this.kernel) {
      this.kernel = ins.kernel;
      this.renderKernel(ins.request);
    }
  }

  private setRun(run: RunView): void {
    this.run = run;
    this.frame = null;
    this.e.lcSelect.replaceChildren();
    for (const g of run.poolGroups) {
      g.lifeCycles.forEach((lc, i) => {
        if (lc.ssm) return;
        this.e.lcSelect.appendChild(h('option', { value: `${g.index}:${i}`, text: `${g.name} · ${g.lifeCycleLabels[i]}` }));
      });
    }
  }

  private renderKernel(want: number): void {
    const k = this.kernel;
    this.e.runButton.disabled = k?.state === 'running';
    if (!k || k.state === 'idle') {
      this.e.result.textContent = '';
      return;
    }
    const r = k.result;
    if (!r) {
      this.e.result.textContent = k.message;
      return;
    }
    this.e.notice.textContent = r.notice;
    this.e.result.replaceChildren(
      h('p', { 'data-backend': r.backend, 'data-max-diff': String(r.maxDiff), 'data-ok': String(r.ok), class: `status ${r.ok ? 'ok' : 'bad'}`, text: r.lines[0] }),
      ...r.lines.slice(1).map((t) => h('p', { class: 'mono', text: t })),
      h('p', { class: 'mono', id: 'insp-weights', text: r.weightsLine }),
    );
    const sel = this.frame ? selectedRequest(this.frame, want) : null;
    this.drawAxis(sel, r);
  }

  private renderFrame(want: number): void {
    const f = this.frame;
    const run = this.run;
    if (!f || !run) return;
    const active = f.requests.filter((r) => r.state !== 'waiting' && r.state !== 'finished');
    const sel = selectedRequest(f, want);
    this.e.reqSelect.replaceChildren(...active.map((r) => h('option', { value: r.id, text: `request ${r.id} (${r.state}, history ${r.history})` })));
    if (sel) this.e.reqSelect.value = String(sel.id);
    this.e.tables.replaceChildren();
    if (!sel) {
      this.e.tables.textContent = 'No request holds slots at this step.';
      this.drawAxis(null);
      return;
    }
    for (const g of run.poolGroups) {
      g.lifeCycleLabels.forEach((label, i) => {
        const t = sel.blockTables[g.index]?.[i];
        this.e.tables.appendChild(h('p', { class: 'mono' }, h('strong', { text: `${g.name} ${label}: ` }), t ? tableText(t) : '(no table)'));
      });
    }
    this.drawAxis(sel);
  }

  private currentLc(): { g: number; i: number } | null {
    const [g, i] = (this.e.lcSelect.value || this.e.lcSelect.options[0]?.value || '').split(':').map(Number);
    return Number.isInteger(g) && Number.isInteger(i) ? { g, i } : null;
  }

  /** Token axis: blocks, window, sinks, pages read (after a kernel run) and weights of head 0. */
  private drawAxis(sel: RequestView | null, kr?: KernelResultView): void {
    const pages = kr?.pages;
    const c = this.e.axis;
    const width = Math.max(200, Math.floor(c.getBoundingClientRect().width) || 600);
    if (c.width !== width) c.width = width;
    const ctx = c.getContext('2d');
    const run = this.run;
    const at = this.currentLc();
    if (!ctx || !run || !sel || !at) return;
    const g = run.poolGroups[at.g];
    const lc = g.lifeCycles[at.i];
    const tpb = run.tokensPerBlock;
    const len = sel.history + 1;
    const scale = width / len;
    const fg = getComputedStyle(this.e.root).color;
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
    const w = kr?.weights;
    if (w) {
      let max = 0;
      for (let j = 0; j < w.length; j++) max = Math.max(max, w[j]);
      ctx.fillStyle = fg;
      for (let j = 0; j < w.length; j++) if (w[j] > 0) ctx.fillRect(j * scale, 14 - (w[j] / max) * 13, Math.max(1, scale), (w[j] / max) * 13);
    }
    const win = lc.windowTokens === null ? 'full attention (no window)' : `window ${lc.windowTokens} tokens: [${lo}, ${len - 1}]`;
    this.e.axisNote.textContent = `Tokens 0..${len - 1} of request ${sel.id}; ${win}${lc.sinkTokens ? `; sinks [0, ${lc.sinkTokens})` : ''}; block boundaries every ${tpb} tokens.${pages ? ` Green: the ${pages.length} page(s) the kernel read. Bars above: attention weights of query head 0.` : ''}`;
  }
}

export const inspectorView = new InspectorView();
