import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLOT_FREE, SLOT_RUNNING, SLOT_SUSPENDED } from '../../src/ui/model.ts';
import { initialState } from '../../src/ui/state/actions.ts';
import { keyAction, playerOp, seek, tick } from '../../src/ui/state/player.ts';
import { hslToRgb, Palette, packRgba, runningRgb } from '../../src/ui/views/colors.ts';
import { gridLayout, paintSlots, slotAt } from '../../src/ui/views/slot-grid.ts';

describe('slot grid layout', () => {
  it('picks the largest cell that fits', () => {
    // 7 slots in 100 x 100, cells up to 16: cell 16 -> 6 cols, 2 rows = 32 px high: fits.
    expect(gridLayout(7, 100, 100, 16)).toEqual({ cols: 6, rows: 2, cell: 16, gap: 1, width: 96, height: 32 });
    // 200k slots in 1200 x 400: cell 1 -> 1200 cols, 167 rows (cell 2 would need 334 rows * 2 = 668 px).
    const big = gridLayout(200_000, 1200, 400);
    expect(big.cell).toBe(1);
    expect(big.cols).toBe(1200);
    expect(big.rows).toBe(167);
  });

  it('every slot maps to exactly one cell and back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 20, max: 1400 }), fc.integer({ min: 20, max: 600 }), (n, w, h) => {
        const l = gridLayout(n, w, h);
        expect(l.width).toBeLessThanOrEqual(Math.max(w, l.cell));
        expect(l.cols * l.rows).toBeGreaterThanOrEqual(n);
        for (const i of [0, n - 1, Math.floor(n / 2)]) {
          const x = (i % l.cols) * l.cell + Math.floor(l.cell / 2);
          const y = Math.floor(i / l.cols) * l.cell + Math.floor(l.cell / 2);
          expect(slotAt(l, n, x, y)).toBe(i);
        }
        expect(slotAt(l, n, -1, 0)).toBe(-1);
        expect(slotAt(l, n, l.width, 0)).toBe(-1);
      }),
      { numRuns: 200 },
    );
  });

  it('paints running, suspended (hatched) and free cells', () => {
    const layout = gridLayout(3, 30, 10, 5); // cell 5, gap 1, 3 cols
    const px = new Uint32Array(layout.width * layout.height);
    const owner = Int32Array.from([7, 9, -1]);
    const state = Uint8Array.from([SLOT_RUNNING, SLOT_SUSPENDED, SLOT_FREE]);
    const theme = { empty: 1, background: 2, hatch: 3 };
    const pal = new Palette(16);
    paintSlots(px, layout, owner, state, theme, pal);
    const at = (x: number, y: number) => px[y * layout.width + x];
    expect(at(0, 0)).toBe(pal.running[7]);
    expect(at(4, 0)).toBe(theme.background); // gap column
    expect(at(5 + 3, 0)).toBe(theme.hatch); // first hatch pixel of a 4-wide cell: x = paint - 1
    expect(at(5 + 0, 0)).toBe(pal.suspended[9]);
    expect(at(10, 1)).toBe(theme.empty);
    expect(at(0, 4)).toBe(theme.background); // gap row
  });
});

describe('colours', () => {
  it('are stable per request and distinct for neighbours', () => {
    expect(runningRgb(5)).toEqual(runningRgb(5));
    for (let i = 0; i < 64; i++) expect(runningRgb(i)).not.toEqual(runningRgb(i + 1));
  });
  it('hsl conversion hits the primaries', () => {
    expect(hslToRgb(0, 1, 0.5)).toEqual([255, 0, 0]);
    expect(hslToRgb(120, 1, 0.5)).toEqual([0, 255, 0]);
    expect(hslToRgb(240, 1, 0.5)).toEqual([0, 0, 255]);
    expect(packRgba(1, 2, 3, 4)).toBe(0x04030201);
  });
});

describe('player (pure functions over the one state; the step lives in params only)', () => {
  const at = (step = 0) => {
    const s = initialState('');
    return { ...s, params: { ...s.params, step } };
  };

  it('steps, clamps and stops at the end', () => {
    let s = playerOp(at(), 'back', 10);
    expect(s.params.step).toBe(0);
    s = seek(s, 3, 10);
    expect(s.params.step).toBe(3);
    s = { ...s, params: { ...s.params, speed: 10 } };
    s = playerOp(s, 'play', 10);
    s = tick(s, 100, 10); // 10 steps/s * 0.1 s = 1 step
    expect(s.params.step).toBe(4);
    s = tick(s, 40, 10); // 0.4 step carried
    expect(s.params.step).toBe(4);
    s = tick(s, 60, 10);
    expect(s.params.step).toBe(5);
    for (let i = 0; i < 20; i++) s = tick(s, 250, 10);
    expect(s.params.step).toBe(9);
    expect(s.playing).toBe(false);
    s = playerOp(s, 'play', 10); // from the end restarts
    expect(s.params.step).toBe(0);
    expect(seek(s, 1e9, 10).params.step).toBe(9);
  });

  it('keys map to actions', () => {
    let s = at();
    const key = (k: string, shift = false) => {
      s = playerOp(s, keyAction(k, shift)!, 100);
    };
    key('ArrowRight', true);
    expect(s.params.step).toBe(10);
    key('ArrowLeft');
    expect(s.params.step).toBe(9);
    key('End');
    expect(s.params.step).toBe(99);
    key(' ');
    expect(s.playing).toBe(true);
    expect(keyAction('x', false)).toBeNull();
    const speed = s.params.speed;
    s = playerOp(s, 'faster', 100);
    expect(s.params.speed).toBeGreaterThan(speed);
  });
});
