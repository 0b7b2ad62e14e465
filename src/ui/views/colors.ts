/**
 * Stable request colours. A request keeps its colour for the whole run and across runs (the colour
 * is a function of the request id only), so a viewer can follow one request from grid to grid.
 *
 * Hues step by the golden angle so neighbouring ids differ strongly; suspended slots use the same
 * hue, dark and desaturated, and are drawn with a cross-hatch by the grid.
 * Colours are packed as the little-endian RGBA uint32 that ImageData's Uint32Array view expects.
 */

const GOLDEN_ANGLE = 137.508;

export function hueOf(requestId: number): number {
  return (((requestId * GOLDEN_ANGLE) % 360) + 360) % 360;
}

/** HSL (h in degrees, s and l in [0,1]) to [r, g, b] bytes. */
export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = h / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  let r = 0;
  let g = 0;
  let b = 0;
  if (hp < 1) [r, g, b] = [c, x, 0];
  else if (hp < 2) [r, g, b] = [x, c, 0];
  else if (hp < 3) [r, g, b] = [0, c, x];
  else if (hp < 4) [r, g, b] = [0, x, c];
  else if (hp < 5) [r, g, b] = [x, 0, c];
  else [r, g, b] = [c, 0, x];
  const m = l - c / 2;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

export function packRgba(r: number, g: number, b: number, a = 255): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** Lightness alternates in three bands so that ids 137 degrees apart still differ. */
export function runningRgb(requestId: number): [number, number, number] {
  const band = ((requestId % 3) + 3) % 3;
  return hslToRgb(hueOf(requestId), 0.72, 0.45 + 0.09 * band);
}

export function suspendedRgb(requestId: number): [number, number, number] {
  return hslToRgb(hueOf(requestId), 0.25, 0.3);
}

export function cssColor(requestId: number): string {
  const [r, g, b] = runningRgb(requestId);
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * Palette cache: colours for request ids [0, size) precomputed once, so the per-frame loop is a
 * table lookup. Ids beyond the table wrap (colour identity only matters among live requests).
 */
export class Palette {
  readonly running: Uint32Array;
  readonly suspended: Uint32Array;
  readonly size: number;

  constructor(size = 4096) {
    this.size = size;
    this.running = new Uint32Array(size);
    this.suspended = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      this.running[i] = packRgba(...runningRgb(i));
      this.suspended[i] = packRgba(...suspendedRgb(i));
    }
  }
}
