import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameToKernelInput } from '../../src/attn/frame.ts';
import { attendedRanges, kvLen } from '../../src/attn/inputs.ts';
import { defaultChunkTokens, planSplits, TILE_KEYS } from '../../src/attn/split.ts';

function input(lens: number[], windowTokens: number | null, sinkTokens: number, tpb = 4) {
  let next = 0;
  return frameToKernelInput({
    blockTables: lens.map((len) => Array.from({ length: Math.ceil(len / tpb) }, () => next++)),
    contextLens: lens,
    windowTokens,
    sinkTokens,
    tokensPerBlock: tpb,
    numQoHeads: 2,
    numKvHeads: 1,
    headDim: 4,
    seed: 1,
  });
}

describe('split-K planning', () => {
  it('hand-checked: a sink range and a window range, chunked', () => {
    // 20 tokens, window 6 (keys 14..19), 2 sinks (keys 0..1), chunks of 4
    const plan = planSplits(input([20], 6, 2), 4);
    expect(plan.items.map((i) => [i.keyStart, i.keyEnd])).toEqual([
      [0, 2],
      [14, 18],
      [18, 20],
    ]);
    expect(plan.liveKeys).toBe(8);
    expect(Array.from(plan.itemIndptr)).toEqual([0, 3]);
  });

  it('items tile exactly the attended keys of each sequence, in order, never longer than a chunk', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }),
        fc.option(fc.integer({ min: 1, max: 200 })),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 100 }),
        (lens, window, sink, chunk) => {
          const x = input(lens, window, sink);
          const plan = planSplits(x, chunk);
          for (let b = 0; b < lens.length; b++) {
            const items = plan.items.slice(plan.itemIndptr[b], plan.itemIndptr[b + 1]);
            const keys: number[] = [];
            for (const it of items) {
              expect(it.seq).toBe(b);
              expect(it.pageBase).toBe(x.kvIndptr[b]);
              expect(it.keyEnd - it.keyStart).toBeGreaterThan(0);
              expect(it.keyEnd - it.keyStart).toBeLessThanOrEqual(chunk);
              for (let k = it.keyStart; k < it.keyEnd; k++) keys.push(k);
            }
            const want: number[] = [];
            for (const r of attendedRanges(kvLen(x, b) - 1, x.windowLeft, x.sinkTokens)) for (let k = r.start; k < r.end; k++) want.push(k);
            expect(keys).toEqual(want);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the default chunk is a whole number of tiles', () => {
    const x = input([3000, 5], null, 0);
    expect(defaultChunkTokens(x) % TILE_KEYS).toBe(0);
    expect(() => planSplits(x, 0)).toThrow(/chunkTokens/);
  });
});
