/**
 * The Map view: how the verdict changes across two knobs. The grid is drawn on one canvas (never a
 * DOM node per cell): a cell's colour is its verdict, the thick line is the boundary between safe
 * and the rest, and the outlined cell is the page's own configuration (for #15401 as shipped:
 * 40 GiB and maxBatchSize 64, on the unsafe side). Hovering names a cell; clicking loads it.
 *
 *   y ▲  u u u u s s     s safe, u unsafe, ? unknown, x refused
 *     │  u u u s s s     ━ boundary between safe and the rest
 *     └────────────▶ x
 */
import type { Dispatch, MapAxisInput, MapCellView, MapModel, PageModel, ViewDef } from '../model.ts';
import { h } from './dom.ts';

const COLORS: Record<MapCellView['verdict'] | 'pending', string> = { safe: '#2f9e44', unsafe: '#e03131', unknown: '#f59f00', refused: '#868e96', pending: '#dee2e6' };
const PAD = { left: 70, bottom: 40, top: 8, right: 8 };

const fmtValue = (knob: string, v: number) => (knob === 'quota' ? `${(v / 2 ** 30).toPrecision(3)} GiB` : knob.startsWith('pool-ratio') || knob === 'max-util-for-resume' ? v.toPrecision(3) : String(v));

function axisControls(prefix: string, a: MapAxisInput, knobs: readonly string[]): { el: HTMLElement; read(): MapAxisInput } {
  const knob = h('select', { id: `map-${prefix}-knob`, 'aria-label': `${prefix} knob` }, ...knobs.map((k) => h('option', { value: k, text: k, selected: k === a.knob })));
  const num = (name: string, v: number) => h('input', { id: `map-${prefix}-${name}`, 'aria-label': `${prefix} ${name}`, value: String(v), size: 6, inputmode: 'decimal' });
  const from = num('from', a.from);
  const to = num('to', a.to);
  const count = num('count', a.count);
  const el = h('span', { class: 'map-axis' }, `${prefix}: `, knob, ' from ', from, ' to ', to, ' × ', count, knob.value === 'quota' ? ' (GiB)' : '');
  return { el, read: () => ({ knob: knob.value, from: Number(from.value), to: Number(to.value), count: Number(count.value) }) };
}

class MapTab implements ViewDef {
  readonly id = 'map';
  readonly label = 'Map';
  private el!: HTMLElement;
  private dispatch!: Dispatch;
  private canvas!: HTMLCanvasElement;
  private progress!: HTMLProgressElement;
  private status!: HTMLElement;
  private hover!: HTMLElement;
  private controls!: HTMLElement;
  private cancel!: HTMLButtonElement;
  private shown: MapModel | null = null;
  private controlsKey = '';

  mount(el: HTMLElement, dispatch: Dispatch): void {
    this.el = el;
    this.dispatch = dispatch;
    this.canvas = h('canvas', { id: 'map-canvas', width: 640, height: 480, 'aria-label': 'verdict map' });
    this.progress = h('progress', { id: 'map-progress', max: 1, value: 0 });
    this.status = h('p', { id: 'map-status', role: 'status' });
    this.hover = h('p', { id: 'map-hover', class: 'mono', text: 'Hover a cell to read it; click to load its configuration.' });
    this.controls = h('div', { class: 'transport', id: 'map-controls' });
    this.cancel = h('button', { type: 'button', id: 'map-cancel', text: 'Cancel', disabled: true });
    this.cancel.addEventListener('click', () => dispatch({ type: 'cancelMap' }));
    this.canvas.addEventListener('mousemove', (e) => this.onHover(e));
    this.canvas.addEventListener('click', (e) => this.onClick(e));
    const legend = h('p', { class: 'notice' }, ...(['safe', 'unsafe', 'unknown', 'refused'] as const).map((k) => h('span', { class: 'map-key' }, h('span', { style: `display:inline-block;width:0.8em;height:0.8em;background:${COLORS[k]}` }), ` ${k}  `)), 'Thick line: the boundary between safe and the rest. Outlined: this page\'s configuration.');
    el.replaceChildren(h('section', { class: 'panel', id: 'map', 'aria-label': 'Map', 'data-region': 'map' }, h('h2', { text: 'Map: the verdict across two knobs' }), this.controls, h('p', {}, this.progress, ' ', this.cancel), this.status, this.canvas, this.hover, legend));
  }

  render(m: PageModel): void {
    if (m.view !== this.id) return;
    const map = m.map;
    this.renderControls(map);
    if (map === this.shown) return;
    this.shown = map;
    this.progress.max = Math.max(1, map.total);
    this.progress.value = map.done;
    this.cancel.disabled = map.state !== 'running';
    this.status.textContent = map.state === 'running' ? `Computing in the page's workers: ${map.done} / ${map.total} cells.` : map.message || 'Choose two knobs and draw the map (each cell: the verdict, the most concurrent decodes and tokens per pass of this page\'s workload).';
    this.el.querySelector('#map')?.setAttribute('data-state', map.state);
    this.draw(map);
  }

  private renderControls(map: MapModel): void {
    const key = JSON.stringify([map.suggested, map.knobs]);
    if (key === this.controlsKey) return;
    this.controlsKey = key;
    const x = axisControls('x', map.suggested.x, map.knobs);
    const y = axisControls('y', map.suggested.y, map.knobs);
    const go = h('button', { type: 'button', class: 'primary', id: 'map-run', text: 'Draw map' });
    go.addEventListener('click', () => this.dispatch({ type: 'runMap', x: x.read(), y: y.read() }));
    this.controls.replaceChildren(x.el, y.el, go);
  }

  private geometry(map: MapModel) {
    const nx = map.x?.values.length ?? 0;
    const ny = map.y?.values.length ?? 0;
    const w = (this.canvas.width - PAD.left - PAD.right) / Math.max(1, nx);
    const hh = (this.canvas.height - PAD.top - PAD.bottom) / Math.max(1, ny);
    return { nx, ny, w, hh };
  }

  private draw(map: MapModel): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const { nx, ny, w, hh } = this.geometry(map);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (!map.x || !map.y) return;
    // Row 0 (the smallest y) at the bottom.
    const cx = (xi: number) => PAD.left + xi * w;
    const cy = (yi: number) => this.canvas.height - PAD.bottom - (yi + 1) * hh;
    for (let i = 0; i < map.cells.length; i++) {
      const c = map.cells[i];
      ctx.fillStyle = COLORS[c?.verdict ?? 'pending'];
      ctx.fillRect(cx(i % nx) + 0.5, cy(Math.floor(i / nx)) + 0.5, w - 1, hh - 1);
    }
    this.drawBoundary(ctx, map, nx, ny, cx, cy, w, hh);
    if (map.current) {
      ctx.strokeStyle = '#1c7ed6';
      ctx.lineWidth = 3;
      ctx.strokeRect(cx(map.current.xi) + 1.5, cy(map.current.yi) + 1.5, w - 3, hh - 3);
    }
    ctx.fillStyle = getComputedStyle(this.canvas).color || '#222';
    ctx.font = '11px sans-serif';
    ctx.textAlign = 'center';
    for (let xi = 0; xi < nx; xi += Math.max(1, Math.ceil(nx / 8))) ctx.fillText(fmtValue(map.x.knob, map.x.values[xi]), cx(xi) + w / 2, this.canvas.height - PAD.bottom + 14);
    ctx.fillText(map.x.knob, PAD.left + (nx * w) / 2, this.canvas.height - 6);
    ctx.textAlign = 'right';
    for (let yi = 0; yi < ny; yi += Math.max(1, Math.ceil(ny / 10))) ctx.fillText(fmtValue(map.y.knob, map.y.values[yi]), PAD.left - 6, cy(yi) + hh / 2 + 4);
    ctx.save();
    ctx.translate(12, PAD.top + (ny * hh) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(map.y.knob, 0, 0);
    ctx.restore();
  }

  /** A thick edge wherever a computed safe cell meets a computed cell that is not safe. */
  private drawBoundary(ctx: CanvasRenderingContext2D, map: MapModel, nx: number, ny: number, cx: (i: number) => number, cy: (i: number) => number, w: number, hh: number): void {
    const safe = (xi: number, yi: number) => map.cells[yi * nx + xi]?.verdict === 'safe';
    const known = (xi: number, yi: number) => map.cells[yi * nx + xi] != null;
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 3;
    ctx.beginPath();
    for (let yi = 0; yi < ny; yi++) {
      for (let xi = 0; xi < nx; xi++) {
        if (!known(xi, yi)) continue;
        if (xi + 1 < nx && known(xi + 1, yi) && safe(xi, yi) !== safe(xi + 1, yi)) {
          ctx.moveTo(cx(xi + 1), cy(yi));
          ctx.lineTo(cx(xi + 1), cy(yi) + hh);
        }
        if (yi + 1 < ny && known(xi, yi + 1) && safe(xi, yi) !== safe(xi, yi + 1)) {
          ctx.moveTo(cx(xi), cy(yi));
          ctx.lineTo(cx(xi) + w, cy(yi));
        }
      }
    }
    ctx.stroke();
  }

  private cellAt(e: MouseEvent): number | null {
    const map = this.shown;
    if (!map?.x || !map.y) return null;
    const r = this.canvas.getBoundingClientRect();
    const px = ((e.clientX - r.left) * this.canvas.width) / r.width;
    const py = ((e.clientY - r.top) * this.canvas.height) / r.height;
    const { nx, ny, w, hh } = this.geometry(map);
    const xi = Math.floor((px - PAD.left) / w);
    const yi = Math.floor((this.canvas.height - PAD.bottom - py) / hh);
    return xi >= 0 && xi < nx && yi >= 0 && yi < ny ? yi * nx + xi : null;
  }

  private onHover(e: MouseEvent): void {
    const map = this.shown;
    const i = this.cellAt(e);
    if (!map?.x || !map.y || i === null) return;
    const nx = map.x.values.length;
    const c = map.cells[i];
    const where = `${map.x.knob} ${fmtValue(map.x.knob, map.x.values[i % nx])} × ${map.y.knob} ${fmtValue(map.y.knob, map.y.values[Math.floor(i / nx)])}`;
    this.hover.textContent = c ? `${where}: ${c.verdict}; this page's workload ${c.outcome}, at most ${c.maxConcurrentDecodes} concurrent decodes, ${c.tokensPerStep.toFixed(1)} tokens per pass` : `${where}: not computed yet`;
  }

  private onClick(e: MouseEvent): void {
    const i = this.cellAt(e);
    const values = i === null ? null : this.shown?.loadCell(i);
    if (values) this.dispatch({ type: 'setMany', values });
  }
}

export const mapView = new MapTab();
