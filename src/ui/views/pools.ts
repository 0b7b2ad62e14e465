/**
 * The pools view: one canvas grid per pool group, a header with live counts, and a tooltip that
 * names the slot's owner, block ordinal and life cycle on hover or tap.
 */

import { type Dispatch, type FrameView, type PageModel, type PoolGroupView, type RunView, SLOT_EVICTABLE, SLOT_FREE, SLOT_RUNNING, SLOT_SUSPENDED, type ViewDef } from '../model.ts';
import { packRgba } from './colors.ts';
import { h } from './dom.ts';
import { type GridTheme, SlotGrid } from './slot-grid.ts';

function cssToPacked(css: string, fallback: number): number {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css);
  if (m) return packRgba(Number(m[1]), Number(m[2]), Number(m[3]));
  const hex = /^#([0-9a-f]{6})$/i.exec(css.trim());
  if (hex) {
    const n = Number.parseInt(hex[1], 16);
    return packRgba((n >> 16) & 255, (n >> 8) & 255, n & 255);
  }
  return fallback;
}

/** Read the theme colours once per theme change (CSS custom properties). */
export function readGridTheme(el: Element): GridTheme {
  const cs = getComputedStyle(el);
  return {
    empty: cssToPacked(cs.getPropertyValue('--empty-slot'), packRgba(226, 232, 240)),
    background: cssToPacked(cs.getPropertyValue('--panel'), packRgba(255, 255, 255)),
    hatch: cssToPacked(cs.getPropertyValue('--hatch'), packRgba(248, 250, 252)),
  };
}

interface PoolPanel {
  readonly group: PoolGroupView;
  readonly grid: SlotGrid;
  readonly counts: HTMLElement;
  /** Slot under the keyboard cursor (-1 = none yet). */
  cursor: number;
}

class PoolsView implements ViewDef {
  readonly id = 'pools';
  readonly label = 'Pools';
  private root!: HTMLElement;
  private panels: PoolPanel[] = [];
  private run: RunView | null = null;
  private frame: FrameView | null = null;
  private theme: GridTheme | null = null;
  private themeName = '';
  private tooltip!: HTMLElement;
  private visible = false;

  mount(el: HTMLElement, _dispatch: Dispatch): void {
    this.root = h('section', { class: 'panel', id: 'pools', 'aria-label': 'Pools', 'data-region': 'pools' });
    this.tooltip = h('div', { class: 'tooltip', id: 'slot-tooltip', role: 'status', hidden: true });
    el.appendChild(this.root);
    document.body.appendChild(this.tooltip);
    window.addEventListener('resize', () => {
      clearTimeout(this.resizeTimer);
      this.resizeTimer = window.setTimeout(() => this.layout(), 100);
    });
  }

  private resizeTimer = 0;

  /** Per played step this is a frame lookup and one paint per pool; nothing else is rebuilt. */
  render(m: PageModel): void {
    const wasVisible = this.visible;
    this.visible = m.view === this.id;
    this.root.classList.toggle('stale', m.runStale);
    if (m.theme !== this.themeName) {
      this.themeName = m.theme;
      this.theme = null;
    }
    if (m.run && m.run !== this.run) this.setRun(m.run);
    else if (this.visible && !wasVisible) this.layout();
    if (this.visible && m.frame && m.run === this.run && (m.frame !== this.frame || !this.theme)) this.draw(m.frame);
  }

  private setRun(run: RunView): void {
    this.run = run;
    this.frame = null; // a frame of the previous run does not fit the new pools
    this.root.replaceChildren(
      h('h2', { text: 'Pools: slots by owning request' }),
      h(
        'div',
        { class: 'legend' },
        h('span', {}, h('span', { class: 'sw', style: 'background: hsl(200 70% 50%)' }), 'running (one colour per request)'),
        h('span', {}, h('span', { class: 'sw', style: 'background: hsl(200 25% 30%)' }), 'held by a suspended request (hatched)'),
        h('span', {}, h('span', { class: 'sw', style: 'background: var(--empty-slot)' }), 'free'),
        h('span', { text: 'hover, tap, or focus a grid and use the arrow keys to inspect a slot' }),
      ),
    );
    this.panels = run.poolGroups.map((g) => {
      const canvas = h('canvas', { 'aria-label': `pool group ${g.index} ${g.name}: ${g.slotCount} slots`, role: 'img', tabindex: 0, 'aria-describedby': 'slot-tooltip', 'data-pool': g.index });
      const grid = new SlotGrid(canvas);
      const counts = h('span', { class: 'meta counts' });
      const head = h('div', { class: 'poolhead' }, h('span', { class: 'name', text: `${g.index} ${g.name}` }), h('span', { class: 'meta', text: `${g.slotCount.toLocaleString('en-US')} slots · ${g.lifeCycleLabels.join(', ')}` }), counts);
      const panel: PoolPanel = { group: g, grid, counts, cursor: -1 };
      const show = (x: number, y: number) => this.showTooltip(panel, x, y);
      canvas.addEventListener('mousemove', (e) => show(e.clientX, e.clientY));
      canvas.addEventListener('mouseleave', () => this.hideTooltip());
      // Tap (touch or pen) shows the same tooltip as hover.
      canvas.addEventListener('pointerdown', (e) => show(e.clientX, e.clientY));
      canvas.addEventListener('keydown', (e) => this.onGridKey(panel, e));
      canvas.addEventListener('blur', () => this.hideTooltip());
      this.root.appendChild(h('div', { class: 'pool' }, head, canvas));
      return panel;
    });
    this.theme = null;
    this.layout();
  }

  /** Re-layout on resize; allocation happens only here, never per frame. */
  private layout(): void {
    if (!this.visible) return; // a hidden panel has no width
    const width = Math.max(120, this.root.clientWidth - 28);
    const maxH = this.panels.length > 2 ? 180 : 260;
    for (const p of this.panels) p.grid.resize(p.group.slotCount, width, maxH);
    if (this.frame) this.draw(this.frame);
  }

  /** The bench drives this directly (bench-probe.ts). */
  draw(frame: FrameView): void {
    this.frame = frame;
    if (!this.theme) this.theme = readGridTheme(this.root);
    for (let i = 0; i < this.panels.length; i++) {
      const p = this.panels[i];
      p.grid.draw(frame.slotOwner[i], frame.slotState[i], this.theme);
      if (this.run) {
        const used = this.run.used[i][frame.step] ?? 0;
        const held = this.run.held[i][frame.step] ?? 0;
        p.counts.textContent = `used ${used} · suspended-held ${held} · free ${p.group.slotCount - used - held}`;
      }
    }
  }

  private showTooltip(p: PoolPanel, clientX: number, clientY: number): void {
    const i = p.grid.slotAtClient(clientX, clientY);
    if (i < 0) {
      this.hideTooltip();
      return;
    }
    p.cursor = i;
    this.showSlot(p, i, clientX, clientY);
  }

  /** Tooltip text for slot i of a pool group at the current frame. */
  private showSlot(p: PoolPanel, i: number, clientX: number, clientY: number): void {
    const f = this.frame;
    if (!f) return;
    const g = p.group.index;
    const st = f.slotState[g][i];
    const lcId = f.slotLifeCycle[g][i];
    const lcIdx = p.group.lifeCycleIds.indexOf(lcId);
    const lines = [`${p.group.name} slot ${i}`];
    if (st === SLOT_FREE) lines.push('free');
    else {
      const label = st === SLOT_RUNNING ? 'running' : st === SLOT_SUSPENDED ? 'suspended (held)' : st === SLOT_EVICTABLE ? 'evictable' : 'used';
      lines.push(`request ${f.slotOwner[g][i]} (${label})`, `block ordinal ${f.slotBlock[g][i]}`, `life cycle ${lcIdx >= 0 ? p.group.lifeCycleLabels[lcIdx] : lcId}`);
    }
    this.tooltip.textContent = lines.join('\n');
    this.tooltip.hidden = false;
    this.tooltip.style.left = `${Math.min(clientX + 14, window.innerWidth - 200)}px`;
    this.tooltip.style.top = `${clientY + 14}px`;
  }

  /**
   * Keyboard access to slots: a focused grid takes the arrow keys (and keeps them from the
   * player), moving a slot cursor whose tooltip is shown next to the cell.
   */
  private onGridKey(p: PoolPanel, e: KeyboardEvent): void {
    const n = p.group.slotCount;
    const cols = p.grid.layout.cols;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, PageDown: cols * 10, PageUp: -cols * 10 };
    let next = p.cursor;
    // The first key press lands on slot 0; later ones move from the cursor.
    if (e.key in moves) next = p.cursor < 0 ? 0 : Math.max(0, Math.min(n - 1, p.cursor + moves[e.key]));
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = n - 1;
    else if (e.key === 'Escape') {
      this.hideTooltip();
      return;
    } else return;
    e.preventDefault();
    e.stopPropagation();
    p.cursor = next;
    const l = p.grid.layout;
    const r = p.grid.canvas.getBoundingClientRect();
    const sx = r.width / Math.max(1, l.width);
    const x = r.left + ((next % l.cols) * l.cell + l.cell / 2) * sx;
    const y = r.top + (Math.floor(next / l.cols) * l.cell + l.cell / 2) * sx;
    this.showSlot(p, next, x, y);
  }

  private hideTooltip(): void {
    this.tooltip.hidden = true;
  }
}

export const poolsView = new PoolsView();
