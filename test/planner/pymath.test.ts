import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divUp, floorDiv, pyRound, roundUp } from '../../src/planner/pymath.ts';

describe('Python integer semantics', () => {
  it('floorDiv rounds toward -infinity like Python //', () => {
    expect(floorDiv(7, 2)).toBe(3);
    expect(floorDiv(-7, 2)).toBe(-4);
    expect(floorDiv(-120, 256)).toBe(-1); // (h + 1 - w) // tpb for a short history
    expect(floorDiv(0, 256)).toBe(0);
    expect(floorDiv(137856, 256)).toBe(538);
  });
  it('divUp and roundUp', () => {
    expect(divUp(137984, 256)).toBe(539);
    expect(divUp(1, 256)).toBe(1);
    expect(divUp(0, 256)).toBe(0);
    expect(roundUp(42949672961, 33554432)).toBe(42949672960 + 33554432);
  });
  it('pyRound is round-half-even', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, 2.4999, 2.5001].map(pyRound)).toEqual([0, 2, 2, 4, 0, -2, 2, 3]);
  });
  it('floorDiv agrees with exact BigInt division over a wide range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 20 }), (a, b) => {
        const A = BigInt(a);
        const B = BigInt(b);
        const q = A / B - (A % B !== 0n && A < 0n ? 1n : 0n);
        expect(floorDiv(a, b)).toBe(Number(q));
      }),
    );
  });
});
