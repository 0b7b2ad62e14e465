/** The inspector's token axis classifies blocks exactly as the planner's stale-range rule does. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nonStaleBlocks, staleRange } from '../../src/planner/lifecycle.ts';
import { axisCells, axisLayout, axisNote, zoomRange } from '../../src/ui/views/axis-layout.ts';

describe('token axis layout', () => {
  it('stale blocks are the planner stale range, for every alignment, window and sink count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 3 }), (tpb, w, h, sinkBlocks) => {
        const needed = Math.ceil((h + 1) / tpb);
        const table = Array.from({ length: needed }, (_, b) => b);
        const l = axisLayout({ history: h, capacity: h + 1, table, tokensPerBlock: tpb, windowTokens: w, sinkTokens: sinkBlocks * tpb });
        const r = staleRange({ id: 0, kind: 'attn', windowTokens: w, sinkBlocks }, h, tpb);
        for (let b = 0; b < needed; b++) expect(l.states[b] === 'stale', `b=${b}`).toBe(b >= r.start && b < r.end);
        // What is drawn as held or sink is what the manager keeps: the non-stale blocks.
        const kept = l.states.slice(0, needed).filter((s) => s === 'held' || s === 'sink').length;
        expect(kept).toBe(nonStaleBlocks({ id: 0, kind: 'attn', windowTokens: w, sinkBlocks }, h + 1, h, tpb));
      }),
      { numRuns: 400 },
    );
  });

  it('tells stale from not yet allocated, and flags the straddle (window 128, tpb 256, h = 256)', () => {
    const l = axisLayout({ history: 256, capacity: 256, table: [5], tokensPerBlock: 256, windowTokens: 128, sinkTokens: 0 });
    expect(l.states).toEqual(['held', 'unallocated', 'unallocated']);
    expect(l.straddle).toBe(true);
    expect([l.windowStart, l.firstWindowBlock, l.lastWindowBlock]).toEqual([129, 0, 1]);
    const aligned = axisLayout({ history: 383, capacity: 384, table: [-1, 3], tokensPerBlock: 256, windowTokens: 128, sinkTokens: 0 });
    expect(aligned.straddle).toBe(false);
    const later = axisLayout({ history: 600, capacity: 601, table: [-1, 7, 8], tokensPerBlock: 256, windowTokens: 128, sinkTokens: 0 });
    expect(later.states.slice(0, 3)).toEqual(['stale', 'held', 'held']);
    expect(axisNote(later, 3)).toContain('1 stale');
  });

  it('folds long runs but keeps every block the window touches, so a window of 8 in 539 blocks is drawn', () => {
    const h = 137_983;
    const table = Array.from({ length: 539 }, (_, b) => (b >= 538 ? b : -1));
    const l = axisLayout({ history: h, capacity: h + 1, table, tokensPerBlock: 256, windowTokens: 8, sinkTokens: 256 });
    const cells = axisCells(l);
    expect(cells.length).toBeLessThan(15);
    expect(cells.some((c) => c.kind === 'block' && c.block === 538 && c.state === 'held')).toBe(true);
    expect(cells.some((c) => c.kind === 'gap' && c.state === 'stale' && c.to - c.from + 1 > 500)).toBe(true);
    expect(cells[0]).toEqual({ kind: 'block', block: 0, state: 'sink' });
    const [z0, z1] = zoomRange(l);
    // The window fills at least a third of the zoomed row.
    expect(8 / (z1 - z0)).toBeGreaterThan(1 / 3);
  });
});
