/**
 * One pool group's slots as a canvas-2D grid (DESIGN convention 12): no DOM node per slot, the
 * frame is written straight into a preallocated ImageData through a Uint32Array view, so drawing
 * 200k slots is one pass over typed arrays and allocates nothing.
 *
 *   cell = s x s pixels, (s - gap) painted:      |##.|##.|##.|   s = 3, gap = 1
 *   slot i sits at column i % cols, row i / cols |##.|##.|##.|
 *
 * Running slots get their request's colour, suspended slots the same hue dark with a hatch, free
 * slots the "empty" colour. The layout math is pure (gridLayout, slotAt) and unit-tested.
 */

import { SLOT_FREE, SLOT_SUSPENDED } from '../model.ts';
import { Palette } from './colors.ts';

export interface GridLayout {
  readonly cols: number;
  readonly rows: number;
  readonly cell: number;
  readonly gap: number;
  readonly width: number;
  readonly height: number;
}

/** Largest cell (<= maxCell px) for which the grid fits maxHeight; at least 1 px per slot. */
export function gridLayout(slotCount: number, maxWidth: number, maxHeight: number, maxCell = 24): GridLayout {
  const n = Math.max(1, slotCount);
  const w = Math.max(1, Math.floor(maxWidth));
  let cell = 1;
  for (let s = Math.min(maxCell, w); s >= 1; s--) {
    const cols = Math.max(1, Math.floor(w / s));
    if (Math.ceil(n / cols) * s <= maxHeight) {
      cell = s;
      break;
    }
  }
  const cols = Math.max(1, Math.min(n, Math.floor(w / cell)));
  const rows = Math.ceil(n / cols);
  const gap = cell >= 5 ? 1 : 0;
  return { cols, rows, cell, gap, width: cols * cell, height: rows * cell };
}

/** Slot index under a point in canvas pixels, or -1. */
export function slotAt(layout: GridLayout, slotCount: number, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= layout.width || y >= layout.height) return -1;
  const i = Math.floor(y / layout.cell) * layout.cols + Math.floor(x / layout.cell);
  return i < slotCount ? i : -1;
}

export interface GridTheme {
  readonly empty: number;
  readonly background: number;
  readonly hatch: number;
}

let shared: Palette | null = null;
/** Built on first paint, not at import (4096 colours). */
const sharedPalette = (): Palette => (shared ??= new Palette(4096));

/** Paint a frame into a pixel buffer (pure: testable without a canvas). */
export function paintSlots(
  px: Uint32Array,
  layout: GridLayout,
  owner: Int32Array,
  state: Uint8Array,
  theme: GridTheme,
  palette: Palette = sharedPalette(),
): void {
  const { cols, cell, gap, width } = layout;
  const paint = cell - gap;
  const n = owner.length;
  const mask = palette.size;
  px.fill(theme.background);
  for (let i = 0; i < n; i++) {
    const st = state[i];
    let color = theme.empty;
    if (st !== SLOT_FREE) {
      const o = owner[i] % mask;
      color = st === SLOT_SUSPENDED ? palette.suspended[o] : palette.running[o];
    }
    const x0 = (i % cols) * cell;
    const y0 = ((i / cols) | 0) * cell;
    if (paint === 1) {
      px[y0 * width + x0] = color;
      continue;
    }
    for (let dy = 0; dy < paint; dy++) {
      const rowStart = (y0 + dy) * width + x0;
      px.fill(color, rowStart, rowStart + paint);
      if (st === SLOT_SUSPENDED && paint >= 3) {
        // Hatch: one diagonal per cell, so suspended reads differently even in greyscale.
        px[rowStart + ((dy + paint - 1) % paint)] = theme.hatch;
      }
    }
  }
}

export class SlotGrid {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private image: ImageData | null = null;
  private pixels: Uint32Array = new Uint32Array(0);
  layout: GridLayout = gridLayout(1, 1, 1);
  slotCount = 0;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    const ctx = canvas.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('canvas 2D is not available');
    this.ctx = ctx;
  }

  /** Recompute the layout; allocates only when the size changes. */
  resize(slotCount: number, maxWidth: number, maxHeight: number): void {
    const layout = gridLayout(slotCount, maxWidth, maxHeight);
    this.slotCount = slotCount;
    if (this.image && layout.width === this.layout.width && layout.height === this.layout.height && layout.cell === this.layout.cell) {
      this.layout = layout;
      return;
    }
    this.layout = layout;
    this.canvas.width = layout.width;
    this.canvas.height = layout.height;
    this.canvas.style.width = `${layout.width}px`;
    this.canvas.style.height = `${layout.height}px`;
    this.image = this.ctx.createImageData(layout.width, layout.height);
    this.pixels = new Uint32Array(this.image.data.buffer);
  }

  draw(owner: Int32Array, state: Uint8Array, theme: GridTheme): void {
    if (!this.image) return;
    paintSlots(this.pixels, this.layout, owner, state, theme);
    this.ctx.putImageData(this.image, 0, 0);
  }

  /** Slot under a mouse/touch event's client coordinates. */
  slotAtClient(clientX: number, clientY: number): number {
    const r = this.canvas.getBoundingClientRect();
    const sx = r.width > 0 ? this.layout.width / r.width : 1;
    const sy = r.height > 0 ? this.layout.height / r.height : 1;
    return slotAt(this.layout, this.slotCount, (clientX - r.left) * sx, (clientY - r.top) * sy);
  }
}
