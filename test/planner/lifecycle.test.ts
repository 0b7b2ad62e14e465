import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBlocksRange, type LifeCycle, nonStaleBlocks, staleRange } from '../../src/planner/lifecycle.ts';

const swa = (w: number, sinkBlocks = 0): LifeCycle => ({ id: 0, kind: 'attn', windowTokens: w, sinkBlocks });
const full: LifeCycle = { id: 0, kind: 'attn', windowTokens: null, sinkBlocks: 0 };

describe('stale ranges (hand-checked, tpb 4)', () => {
  // tpb 4, window 3. History h: live window [h+1-3, h] = [h-2, h].
  //  h = 5: window [3, 5] -> |blk0: 0..3|blk1: 4..7| -> blk0 still live (token 3) -> stale [0, 0)
  //  h = 6: window [4, 6] -> blk0 stale -> [0, 1)
  //  h = 9: window [7, 9] -> blk0 stale, blk1 live (token 7) -> [0, 1)
  //  h = 10: window [8, 10] -> [0, 2)
  it('window 3', () => {
    expect(staleRange(swa(3), 5, 4)).toEqual({ start: 0, end: 0 });
    expect(staleRange(swa(3), 6, 4)).toEqual({ start: 0, end: 1 });
    expect(staleRange(swa(3), 9, 4)).toEqual({ start: 0, end: 1 });
    expect(staleRange(swa(3), 10, 4)).toEqual({ start: 0, end: 2 });
  });
  it('short histories clamp the negative numerator', () => {
    expect(staleRange(swa(3), 0, 4)).toEqual({ start: 0, end: 0 });
    expect(staleRange(swa(8), 1, 4)).toEqual({ start: 0, end: 0 });
  });
  it('sink blocks are never stale', () => {
    // 1 sink block; h = 10: window [8, 10] -> blocks 0 (sink) and 1 would be stale -> only [1, 2)
    expect(staleRange(swa(3, 1), 10, 4)).toEqual({ start: 1, end: 2 });
    // history shorter than the sinks: start = min(div_up(h, tpb), sinks)
    expect(staleRange(swa(3, 2), 3, 4)).toEqual({ start: 1, end: 1 });
  });
  it('full attention is never stale', () => {
    expect(staleRange(full, 1000, 4)).toEqual({ start: 0, end: 0 });
    expect(nonStaleBlocks(full, 1001, 1000, 4)).toBe(251);
  });
  it('the spec example: tpb 8, w 4, decode at h = 9 needs 2 blocks', () => {
    expect(nonStaleBlocks(swa(4), 10, 9, 8)).toBe(2);
    expect(nonStaleBlocks(swa(4), 12, 11, 8)).toBe(1);
  });
  it('#15401: DeepSeek-V4 C1 at tpb 256 costs [1, 539, 1]', () => {
    expect(nonStaleBlocks(swa(128), 137984, 137983, 256)).toBe(1);
    expect(nonStaleBlocks(full, 137984, 137983, 256)).toBe(539);
    expect(nonStaleBlocks(swa(8), 137984, 137983, 256)).toBe(1);
  });
  it('ssm holds one slot whatever the length', () => {
    expect(nonStaleBlocks({ id: 0, kind: 'ssm' }, 99999, 99998, 16)).toBe(1);
  });
});

describe('straddle', () => {
  it('decode blocks at best and worst alignment', () => {
    expect(decodeBlocksRange(swa(128), 256)).toEqual({ best: 1, worst: 2 });
    expect(decodeBlocksRange(swa(8), 256)).toEqual({ best: 1, worst: 2 });
    expect(decodeBlocksRange(swa(1), 256)).toEqual({ best: 1, worst: 1 });
    expect(decodeBlocksRange(swa(300), 256)).toEqual({ best: 2, worst: 3 });
  });
  it('a decode straddles for w-1 of the tpb residues (spec §2.2 rule, not its percentages)', () => {
    const count = (w: number, tpb: number) => {
      let n = 0;
      for (let r = 0; r < tpb; r++) if (nonStaleBlocks(swa(w), 10 * tpb + r + 1, 10 * tpb + r, tpb) === 2) n++;
      return n;
    };
    expect(count(128, 256)).toBe(127);
    expect(count(8, 256)).toBe(7);
  });
  it('property: a windowed decode never needs more than div_up(w - 1, tpb) + 1 blocks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 5000 }), (w, tpb, h) => {
        const n = nonStaleBlocks(swa(w), h + 1, h, tpb);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(Math.ceil((w - 1) / tpb) + 1);
      }),
    );
  });
});
