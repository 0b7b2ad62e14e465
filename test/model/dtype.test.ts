import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesForElements, KV_DTYPES, parseKvDtype, scaleBytes, valueBytes } from '../../src/model/dtype.ts';
import { InputError } from '../../src/model/errors.ts';

describe('dtype byte counts (hand-checked)', () => {
  it('byte-aligned types: 128 elements', () => {
    expect(KV_DTYPES.map((d) => bytesForElements(d, 128))).toEqual([512, 256, 256, 128, 72]);
  });

  it('nvfp4: 4-bit values plus one fp8 scale per 16 elements', () => {
    // 64 elements: 32 value bytes + 4 scale bytes
    expect([valueBytes('nvfp4', 64), scaleBytes('nvfp4', 64), bytesForElements('nvfp4', 64)]).toEqual([32, 4, 36]);
    // a partial micro-block still pays a whole scale; an odd count a whole byte
    expect(bytesForElements('nvfp4', 17)).toBe(9 + 2);
    expect(bytesForElements('nvfp4', 0)).toBe(0);
  });

  it('other types have no scales', () => {
    for (const d of ['fp32', 'bf16', 'fp16', 'fp8'] as const) expect(scaleBytes(d, 512)).toBe(0);
  });

  it('rejects non-integer element counts', () => {
    expect(() => bytesForElements('fp8', 1.5)).toThrow(RangeError);
    expect(() => bytesForElements('fp8', -1)).toThrow(RangeError);
  });

  it('bytes are additive over whole nvfp4 micro-blocks and linear for the others', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KV_DTYPES), fc.nat(1000), fc.nat(1000), (d, a, b) => {
        const x = a * 16;
        const y = b * 16;
        expect(bytesForElements(d, x + y)).toBe(bytesForElements(d, x) + bytesForElements(d, y));
      }),
    );
  });
});

describe('parseKvDtype', () => {
  it('accepts canonical names and torch spellings, case-insensitively', () => {
    expect(['fp8', 'BF16', 'bfloat16', 'float16', 'float32', 'nvfp4', 'fp4', ' fp16 '].map((s) => parseKvDtype(s))).toEqual([
      'fp8',
      'bf16',
      'bf16',
      'fp16',
      'fp32',
      'nvfp4',
      'nvfp4',
      'fp16',
    ]);
  });

  it('names the field and the valid values on an unknown name', () => {
    expect(() => parseKvDtype('int4')).toThrow(InputError);
    expect(() => parseKvDtype('int4', '--kv-dtype')).toThrow('--kv-dtype: got "int4"; expected one of fp32, bf16, fp16, fp8, nvfp4');
    expect(() => parseKvDtype(8)).toThrow(/^kv_dtype: got 8/);
  });
});
