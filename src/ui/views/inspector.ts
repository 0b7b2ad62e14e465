/**
 * Attention inspector: pick a request at the current step; see its block table per pool group
 * (logical block -> physical slot), the token axis with the live window and sinks, the pages the
 * kernel read, and attention computed by the WGSL kernel on the pool buffers (synthetic K/V in the
 * real layout) next to the CPU reference, with the largest difference. The kernel runs in the
 * bridge (runKernel intent); without WebGPU the CPU backend serves, with a visible notice.
 */
import type { Dispatch, FrameView, KernelResultView, PageModel, RequestView, RunView, ViewDef } from '../model.ts';
import { type AxisLayout, axisLayout, axisNote } from './axis-layout.ts';
import { cssColor } from './colors.ts';
import { h } from './dom.ts';
import { AXIS_HEIGHT, drawTokenAxis } from './token-axis.ts';

function tableText(t: ArrayLike<number>, l: AxisLayout): string {
  const held: string[] = [];
  for (let b = 0; b < t.length; b++) if (t[b] >= 0) held.push(`${b}→${t[b]}`);
  const shown = held.length > 24 ? [...held.slice(0, 12), `… ${held.length - 24} more …`, ...held.slice(-12)] : held;
  const c = l.counts;
  const parts = [c.stale ? `${c.stale} stale` : '', c.unallocated ? `${c.unallocated} not yet allocated` : ''].filter(Boolean);
  return `${shown.join('  ') || '(none held)'}${parts.length ? `   [${parts.join(', ')}]` : ''}`;
}

function axisLegend(): HTMLElement {
  const sw = (style: string, text: string) => h('span', {}, h('span', { class: 'sw', style }), text);
  return h(
    'div',
    { class: 'legend', id: 'insp-axis-legend' },
    sw('background:#7c3aed', 'sink'),
    sw('background:repeating-linear-gradient(45deg,rgba(128,128,128,.5) 0 2px,transparent 2px 5px)', 'stale (slot freed)'),
    sw('background:var(--accent)', 'held'),
    sw('border:1px dashed var(--muted);background:none', 'not yet allocated'),
    sw('border-top:2px solid #dc2626;background:none', 'window bracket (red: straddle)'),
  );
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
    axis: h('canvas', { class: 'axis', id: 'insp-axis', height: AXIS_HEIGHT, role: 'img', 'aria-label': 'Token axis', 'data-region': 'token-axis' }),
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
      axisLegend(),
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
        const lc = g.lifeCycles[i];
        const l = t ? axisLayout({ history: sel.history, capacity: sel.capacity, table: t, tokensPerBlock: run.tokensPerBlock, windowTokens: lc.ssm ? null : lc.windowTokens, sinkTokens: lc.sinkTokens }) : null;
        this.e.tables.appendChild(h('p', { class: 'mono' }, h('strong', { text: `${g.name} ${label}: ` }), t && l && !lc.ssm ? tableText(t, l) : t ? `${Array.from(t).filter((x) => x >= 0).length} slot(s) held` : '(no table)'));
      });
    }
    this.drawAxis(sel);
  }

  private currentLc(): { g: number; i: number } | null {
    const [g, i] = (this.e.lcSelect.value || this.e.lcSelect.options[0]?.value || '').split(':').map(Number);
    return Number.isInteger(g) && Number.isInteger(i) ? { g, i } : null;
  }

  /** Token axis (views/token-axis.ts): sinks, stale, held and not-yet-allocated blocks, the window zoomed, the straddle; pages read and weights after a kernel run. */
  private drawAxis(sel: RequestView | null, kr?: KernelResultView): void {
    const run = this.run;
    const at = this.currentLc();
    const c = this.e.axis;
    if (!run || !sel || !at) {
      c.getContext('2d')?.clearRect(0, 0, c.width, c.height);
      this.e.axisNote.textContent = '';
      return;
    }
    const lc = run.poolGroups[at.g].lifeCycles[at.i];
    const table = sel.blockTables[at.g]?.[at.i] ?? [];
    const layout = axisLayout({ history: sel.history, capacity: sel.capacity, table, tokensPerBlock: run.tokensPerBlock, windowTokens: lc.windowTokens, sinkTokens: lc.sinkTokens });
    const cs = getComputedStyle(this.e.root);
    const v = (name: string, dflt: string) => cs.getPropertyValue(name).trim() || dflt;
    drawTokenAxis(c, layout, { color: cssColor(sel.id), fg: cs.color, muted: v('--muted', '#6b7280'), accent: v('--accent', '#2563eb'), pages: kr?.pages, weights: kr?.weights });
    const note = `${axisNote(layout, sel.id)}${kr?.pages ? ` Green: the ${kr.pages.length} page(s) the kernel read.${kr.weights ? ' Bars in the window row: attention weights of query head 0.' : ''}` : ''}`;
    this.e.axisNote.textContent = note;
    c.setAttribute('aria-label', `Token axis. ${note}`);
    c.dataset.straddle = String(layout.straddle);
    c.dataset.stale = String(layout.counts.stale);
    c.dataset.unallocated = String(layout.counts.unallocated);
  }
}

export const inspectorView = new InspectorView();
