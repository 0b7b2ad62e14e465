import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { halfBitsToFloat, toHalfBits } from '../../src/gpu/buffers.ts';

describe('f32 -> f16 packing of the f16 storage path', () => {
  it('hand-checked values', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(65520)).toBe(0x7c00); // rounds to infinity
    expect(toHalfBits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie to even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(Number.isNaN(halfBitsToFloat(toHalfBits(Number.NaN)))).toBe(true);
  });

  it('round trip: every half value survives, every float rounds to a nearest half', () => {
    for (let h = 0; h < 0x10000; h++) {
      const f = halfBitsToFloat(h);
      if (Number.isNaN(f)) continue;
      expect(toHalfBits(f)).toBe(h);
    }
    fc.assert(
      fc.property(fc.float({ min: -60000, max: 60000, noNaN: true }), (x) => {
        const r = halfBitsToFloat(toHalfBits(x));
        const ulp = 2 ** (Math.max(-14, Math.floor(Math.log2(Math.abs(x) || 2 ** -24))) - 10);
        expect(Math.abs(r - x)).toBeLessThanOrEqual(ulp / 2 + 1e-12);
      }),
    );
  });
});
