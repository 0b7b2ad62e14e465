import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameToKernelInput, seededRandom } from '../../src/attn/frame.ts';
import { attendedRanges, livePages, type PagedDecodeInput, validatePagedDecodeInput } from '../../src/attn/inputs.ts';
import { attentionInputFromJson, attentionInputToJson } from '../../src/attn/json.ts';
import { maxRelativeError, referenceContiguousDecode, referencePagedDecode } from '../../src/attn/reference.ts';
import { InputError } from '../../src/model/errors.ts';

/** A one-head, head-dim-1 case small enough to check by hand. */
function tiny(windowLeft: number, sinkTokens: number, keys: number[], values: number[]): number {
  const input: PagedDecodeInput = {
    numQoHeads: 1,
    numKvHeads: 1,
    headDim: 1,
    tokensPerBlock: 2,
    windowLeft,
    sinkTokens,
    smScale: 1,
    q: Float32Array.of(1),
    // slot 0 holds keys 2,3; slot 1 holds keys 0,1; slot 2 holds key 4 (pages shuffled).
    kPool: Float32Array.of(keys[2], keys[3], keys[0], keys[1], keys[4], 0),
    vPool: Float32Array.of(values[2], values[3], values[0], values[1], values[4], 0),
    kvIndptr: Int32Array.of(0, 3),
    kvIndices: Int32Array.of(1, 0, 2),
    kvLastPageLen: Int32Array.of(1),
  };
  return referencePagedDecode(input)[0];
}

describe('window and sink semantics', () => {
  it('attended ranges follow FlashInfer window_left (inclusive) and sinks', () => {
    expect(attendedRanges(9, -1, 0)).toEqual([{ start: 0, end: 10 }]);
    // window of 3 tokens = window_left 2: keys 7, 8, 9
    expect(attendedRanges(9, 2, 0)).toEqual([{ start: 7, end: 10 }]);
    expect(attendedRanges(9, 2, 2)).toEqual([
      { start: 0, end: 2 },
      { start: 7, end: 10 },
    ]);
    expect(attendedRanges(9, 2, 8)).toEqual([{ start: 0, end: 10 }]);
    expect(attendedRanges(1, 100, 0)).toEqual([{ start: 0, end: 2 }]);
  });

  it('live pages skip pages wholly out of the window', () => {
    // len 10, tpb 4: pages 0..2; window_left 2 -> keys 7..9 -> pages 1, 2
    expect(livePages(10, 4, 2, 0)).toEqual([1, 2]);
    expect(livePages(10, 4, 2, 1)).toEqual([0, 1, 2]);
    expect(livePages(10, 4, 1, 1)).toEqual([0, 2]);
  });

  it('hand-checked outputs: equal scores average the attended values', () => {
    const keys = [0, 0, 0, 0, 0];
    const values = [1, 2, 3, 4, 5];
    expect(tiny(-1, 0, keys, values)).toBeCloseTo(3, 6);
    expect(tiny(1, 0, keys, values)).toBeCloseTo(4.5, 6); // keys 3, 4
    expect(tiny(0, 1, keys, values)).toBeCloseTo(3, 6); // keys 0, 4
    // scores ln 3 and 0 on keys 4 and 3: weights 3/4 and 1/4
    expect(tiny(1, 0, [0, 0, 0, 0, Math.log(3)], values)).toBeCloseTo(0.75 * 5 + 0.25 * 4, 5);
  });
});

describe('paged reference equals contiguous reference', () => {
  it('over random shapes, shuffled slots, windows and sinks', () => {
    fc.assert(
      fc.property(
        fc.record({
          group: fc.constantFrom(1, 2, 4),
          numKvHeads: fc.constantFrom(1, 2),
          headDim: fc.constantFrom(1, 4, 8),
          tpb: fc.constantFrom(1, 3, 4, 16),
          lens: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
          window: fc.option(fc.integer({ min: 1, max: 50 })),
          sink: fc.integer({ min: 0, max: 5 }),
          seed: fc.integer(),
        }),
        (c) => {
          const rand = seededRandom(c.seed);
          let next = 0;
          const tables = c.lens.map((len) => Array.from({ length: Math.ceil(len / c.tpb) }, () => next++));
          const perm = tables.flat().sort(() => rand() - 0.5);
          const shuffled = tables.map((t) => t.map((s) => perm[s]));
          const input = frameToKernelInput({
            blockTables: shuffled,
            contextLens: c.lens,
            windowTokens: c.window,
            sinkTokens: c.sink,
            tokensPerBlock: c.tpb,
            numQoHeads: c.group * c.numKvHeads,
            numKvHeads: c.numKvHeads,
            headDim: c.headDim,
            seed: c.seed,
            numSlots: next + 2,
            poison: true,
          });
          const row = c.numKvHeads * c.headDim;
          const k = c.lens.map((len, b) => gather(input.kPool, shuffled[b], len, c.tpb, row));
          const v = c.lens.map((len, b) => gather(input.vPool, shuffled[b], len, c.tpb, row));
          const paged = referencePagedDecode(input);
          const contiguous = referenceContiguousDecode({ ...input, k, v });
          expect(paged.every(Number.isFinite)).toBe(true);
          expect(maxRelativeError(paged, contiguous)).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** Contiguous copy of a sequence's keys; NaN-poisoned stale pages become NaN rows the window skips. */
function gather(pool: Float32Array, table: number[], len: number, tpb: number, row: number): Float32Array {
  const out = new Float32Array(len * row);
  for (let j = 0; j < len; j++) {
    const src = (table[Math.floor(j / tpb)] * tpb + (j % tpb)) * row;
    out.set(pool.subarray(src, src + row), j * row);
  }
  return out;
}

describe('validation', () => {
  const base = () =>
    frameToKernelInput({
      blockTables: [[2, 0], [1]],
      contextLens: [5, 3],
      windowTokens: null,
      sinkTokens: 0,
      tokensPerBlock: 4,
      numQoHeads: 2,
      numKvHeads: 1,
      headDim: 4,
      seed: 1,
    });

  it('names the inconsistent field', () => {
    const cases: Array<[Partial<PagedDecodeInput>, RegExp]> = [
      [{ kvIndices: Int32Array.of(2, 5, 1) }, /kv_indices\[1\]: got 5; expected a slot in \[0, 3\)/],
      [{ kvIndices: Int32Array.of(2, -1, 1) }, /kv_indices\[1\].*attended/],
      [{ kvLastPageLen: Int32Array.of(1, 5) }, /kv_last_page_len\[1\]: got 5/],
      [{ kvIndptr: Int32Array.of(0, 2, 2) }, /kv_indptr\[2\]/],
      [{ kvIndptr: Int32Array.of(0, 2, 4) }, /kv_indices: got "length 3"; expected length 4/],
      [{ numKvHeads: 3 }, /num_qo_heads: got 2; expected a multiple of num_kv_heads \(3\)/],
      [{ q: new Float32Array(3) }, /^q: got "length 3"/],
      [{ vPool: new Float32Array(4) }, /v_pool/],
      [{ windowLeft: -2 }, /window_left/],
    ];
    for (const [patch, msg] of cases) {
      expect(() => validatePagedDecodeInput({ ...base(), ...patch })).toThrow(InputError);
      expect(() => validatePagedDecodeInput({ ...base(), ...patch })).toThrow(msg);
    }
  });

  it('accepts the null page only where nothing is attended', () => {
    const x = base();
    expect(() => validatePagedDecodeInput({ ...x, windowLeft: 0, kvIndices: Int32Array.of(-1, 0, 1) })).not.toThrow();
  });

  it('JSON round-trips and reports bad values by name', () => {
    const x = base();
    const json = attentionInputToJson(x);
    const back = attentionInputFromJson(JSON.parse(JSON.stringify(json)));
    expect(referencePagedDecode(back)).toEqual(referencePagedDecode(x));
    expect(() => attentionInputFromJson({ ...json, head_dim: 'x' })).toThrow(/head_dim: got "x"/);
    expect(() => attentionInputFromJson({ ...json, k_pool: [1, 'a'] })).toThrow(/k_pool\[1\]: got "a"/);
    expect(() => attentionInputFromJson({ ...json, q: [[1, 2]] })).toThrow(/q\[0\]/);
    expect(() => attentionInputFromJson({ ...json, kv_indices: [0.5, 1, 2] })).toThrow(/kv_indices\[0\]: got 0.5/);
    expect(attentionInputFromJson({ ...json, sm_scale: null }).smScale).toBeCloseTo(0.5, 9);
  });
});
