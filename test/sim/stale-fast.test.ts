/** The managers' allocation-free stale bounds are the planner's staleRange, number for number. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LifeCycle, staleRange } from '../../src/planner/lifecycle.ts';
import { staleEnd, staleStart } from '../../src/sim/managers.ts';

describe('staleStart / staleEnd', () => {
  it('equal staleRange(lc, h, tpb).start / .end for windowed, full and sink life cycles', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 1, max: 600 }), { nil: null }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 5000 }), (w, sinks, tpb, h) => {
        const lc: LifeCycle & { kind: 'attn' } = { id: 0, kind: 'attn', windowTokens: w, sinkBlocks: sinks };
        const r = staleRange(lc, h, tpb);
        expect(staleStart(lc, h, tpb)).toBe(r.start);
        expect(staleEnd(lc, h, tpb)).toBe(r.end);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});
