import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hslToRgb, Palette, packRgba, runningRgb } from '../../src/ui/colors.ts';
import { applyKey, keyAction, Player } from '../../src/ui/player.ts';
import { gridLayout, paintSlots, slotAt } from '../../src/ui/slot-grid.ts';
import { SLOT_FREE, SLOT_RUNNING, SLOT_SUSPENDED } from '../../src/ui/view-model.ts';

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

describe('player', () => {
  it('steps, clamps and stops at the end', () => {
    const p = new Player();
    p.setTotal(10);
    p.stepBy(-1);
    expect(p.step).toBe(0);
    p.stepBy(3);
    expect(p.step).toBe(3);
    p.speed = 10;
    p.play();
    expect(p.tick(100)).toBe(true); // 10 steps/s * 0.1 s = 1 step
    expect(p.step).toBe(4);
    expect(p.tick(40)).toBe(false); // 0.4 step carried
    expect(p.tick(60)).toBe(true);
    expect(p.step).toBe(5);
    for (let i = 0; i < 20; i++) p.tick(250);
    expect(p.step).toBe(9);
    expect(p.playing).toBe(false);
    p.play(); // from the end restarts
    expect(p.step).toBe(0);
  });

  it('keys map to actions', () => {
    const p = new Player();
    p.setTotal(100);
    applyKey(p, keyAction('ArrowRight', true)!);
    expect(p.step).toBe(10);
    applyKey(p, keyAction('ArrowLeft', false)!);
    expect(p.step).toBe(9);
    applyKey(p, keyAction('End', false)!);
    expect(p.step).toBe(99);
    applyKey(p, keyAction(' ', false)!);
    expect(p.playing).toBe(true);
    expect(keyAction('x', false)).toBeNull();
    const s = p.speed;
    applyKey(p, 'faster');
    expect(p.speed).toBeGreaterThan(s);
  });
});
