/**
 * Draws the token axis (canvas 2D) from its layout: a block row at a readable scale (runs of
 * stale or held blocks folded into one gap, the window's blocks always drawn) and, below it, the
 * window zoomed to token scale with block boundaries, the in-flight token and the sinks.
 *
 *   blocks  |S|▒|▒| … 535 stale … |▒|█|█|┆ ┆       S sink  ▒ stale  █ held  ┆ not yet allocated
 *   window          [h+1-w ............ h]▼         (straddle: the bracket spans two blocks)
 */
import { type AxisCell, type AxisLayout, axisCells, type BlockState, zoomRange } from './axis-layout.ts';

export interface AxisPaint {
  /** The request's colour (held blocks). */
  readonly color: string;
  readonly fg: string;
  readonly muted: string;
  readonly accent: string;
  /** Logical pages the kernel read (after a kernel run). */
  readonly pages?: readonly number[];
  /** Attention weights per token position (after a kernel run). */
  readonly weights?: Float64Array | null;
}

export const AXIS_HEIGHT = 124;
const SINK = '#7c3aed';
const STALE = 'rgba(128,128,128,0.45)';
const ROW1 = { y: 18, h: 26 };
const ROW2 = { y: 82, h: 22 };

function hatch(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, hgt: number, color: string): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, hgt);
  ctx.clip();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1;
  for (let i = -hgt; i < w; i += 5) {
    ctx.beginPath();
    ctx.moveTo(x + i, y + hgt);
    ctx.lineTo(x + i + hgt, y);
    ctx.stroke();
  }
  ctx.restore();
}

function cell(ctx: CanvasRenderingContext2D, state: BlockState, x: number, w: number, p: AxisPaint, neededNow = false): void {
  const { y, h } = ROW1;
  if (state === 'held') {
    ctx.fillStyle = p.color;
    ctx.fillRect(x, y, w, h);
  } else if (state === 'sink') {
    ctx.fillStyle = SINK;
    ctx.fillRect(x, y, w, h);
  } else if (state === 'stale') {
    ctx.fillStyle = 'rgba(128,128,128,0.12)';
    ctx.fillRect(x, y, w, h);
    hatch(ctx, x, y, w, h, STALE);
  } else {
    // A block the request needs now and does not have (a straddle waiting for its slot) in red.
    ctx.setLineDash([3, 3]);
    ctx.strokeStyle = neededNow ? '#dc2626' : p.muted;
    ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
    ctx.setLineDash([]);
  }
}

/** x position of each drawn cell, and the x of a block's left edge (for the bracket and pages). */
function placeCells(cells: readonly AxisCell[], width: number): { xs: number[]; cw: number; gw: number; blockX: Map<number, number> } {
  const gaps = cells.filter((c) => c.kind === 'gap').length;
  const blocks = cells.length - gaps;
  const cw = Math.min(64, (width - 4) / (blocks + 2.2 * gaps));
  const gw = 2.2 * cw;
  const xs: number[] = [];
  const blockX = new Map<number, number>();
  let x = 2;
  for (const c of cells) {
    xs.push(x);
    if (c.kind === 'block') blockX.set(c.block, x);
    x += c.kind === 'block' ? cw : gw;
  }
  return { xs, cw, gw, blockX };
}

function drawBlockRow(ctx: CanvasRenderingContext2D, l: AxisLayout, width: number, p: AxisPaint): void {
  const cells = axisCells(l);
  const { xs, cw, gw, blockX } = placeCells(cells, width);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  cells.forEach((c, i) => {
    const x = xs[i];
    if (c.kind === 'gap') {
      cell(ctx, c.state, x + 1, gw - 2, p);
      ctx.fillStyle = p.fg;
      ctx.textAlign = 'center';
      ctx.fillText(`… ${c.to - c.from + 1} …`, x + gw / 2, ROW1.y + 7);
      return;
    }
    cell(ctx, c.state, x + 1, cw - 2, p, c.block < l.needed);
    if (cw >= 16 || c.block % 5 === 0) {
      ctx.fillStyle = p.muted;
      ctx.textAlign = 'center';
      ctx.fillText(String(c.block), x + cw / 2, ROW1.y + ROW1.h + 2);
    }
  });
  // The window's bracket over the blocks it touches (red when it straddles a boundary).
  const x0 = blockX.get(l.firstWindowBlock);
  const x1 = blockX.get(l.lastWindowBlock);
  if (x0 !== undefined && x1 !== undefined) {
    ctx.strokeStyle = l.straddle ? '#dc2626' : p.accent;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x0 + 1, ROW1.y - 2);
    ctx.lineTo(x0 + 1, ROW1.y - 8);
    ctx.lineTo(x1 + cw - 1, ROW1.y - 8);
    ctx.lineTo(x1 + cw - 1, ROW1.y - 2);
    ctx.stroke();
    ctx.lineWidth = 1;
    ctx.fillStyle = l.straddle ? '#dc2626' : p.accent;
    ctx.textAlign = x1 + cw + 70 < width ? 'left' : 'right';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(l.straddle ? 'window: straddle' : l.windowTokens === null ? 'all live' : 'window', ctx.textAlign === 'left' ? x1 + cw + 4 : x0 - 4, ROW1.y - 2);
  }
  if (p.pages) {
    ctx.fillStyle = '#16a34a';
    for (const pg of p.pages) {
      const x = blockX.get(pg);
      if (x !== undefined) ctx.fillRect(x + 1, ROW1.y + ROW1.h - 4, cw - 2, 4);
    }
  }
}

function drawZoomRow(ctx: CanvasRenderingContext2D, l: AxisLayout, width: number, p: AxisPaint): void {
  const [z0, z1] = zoomRange(l);
  const span = Math.max(1, z1 - z0);
  const sx = (t: number) => 2 + ((t - z0) / span) * (width - 4);
  const { y, h } = ROW2;
  ctx.fillStyle = 'rgba(128,128,128,0.12)';
  ctx.fillRect(sx(z0), y, sx(z1) - sx(z0), h);
  ctx.fillStyle = p.color;
  ctx.globalAlpha = 0.85;
  ctx.fillRect(sx(Math.max(z0, l.windowStart)), y, Math.max(2, sx(l.history + 1) - sx(Math.max(z0, l.windowStart))), h);
  ctx.globalAlpha = 1;
  if (l.sinkTokens > z0) {
    ctx.fillStyle = SINK;
    ctx.fillRect(sx(z0), y, sx(Math.min(z1, l.sinkTokens)) - sx(z0), h);
  }
  // Tokens past the in-flight one are not written yet.
  hatch(ctx, sx(l.history + 1), y, Math.max(0, sx(z1) - sx(l.history + 1)), h, STALE);
  ctx.fillStyle = p.fg;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (let b = Math.ceil(z0 / l.tpb); b * l.tpb <= z1; b++) {
    const x = Math.round(sx(b * l.tpb));
    ctx.fillRect(x, y - 4, 1, h + 8);
    ctx.fillText(`blk ${b}`, Math.min(width - 18, Math.max(18, x)), y + h + 4);
  }
  // The in-flight token h (the query): a marker above the row.
  const hx = sx(l.history + 0.5);
  ctx.beginPath();
  ctx.moveTo(hx - 5, y - 9);
  ctx.lineTo(hx + 5, y - 9);
  ctx.lineTo(hx, y - 2);
  ctx.closePath();
  ctx.fill();
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  const label = l.windowTokens === null ? `tokens ${z0}..${z1 - 1}, h = ${l.history}` : `window [${l.windowStart}, ${l.history}] at token scale`;
  ctx.fillText(label, 4, y - 12);
  const w = p.weights;
  if (w) {
    let max = 0;
    for (let j = z0; j < Math.min(z1, w.length); j++) max = Math.max(max, w[j]);
    if (max > 0) {
      ctx.fillStyle = p.fg;
      for (let j = z0; j < Math.min(z1, w.length); j++) if (w[j] > 0) ctx.fillRect(sx(j), y + h - (w[j] / max) * h, Math.max(1, sx(j + 1) - sx(j) - 0.5), (w[j] / max) * h);
    }
  }
}

export function drawTokenAxis(canvas: HTMLCanvasElement, l: AxisLayout, p: AxisPaint): void {
  const width = Math.max(220, Math.floor(canvas.getBoundingClientRect().width) || 600);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== AXIS_HEIGHT) canvas.height = AXIS_HEIGHT;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, width, AXIS_HEIGHT);
  drawBlockRow(ctx, l, width, p);
  drawZoomRow(ctx, l, width, p);
}
