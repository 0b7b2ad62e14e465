import { describe, expect, it } from 'vitest';
import { demoPoolShapes } from '../../src/attn/demo-scale.ts';

const plan = {
  tokensPerBlock: 32,
  poolGroups: [
    { index: 0, name: 'SWA', lifeCycleIds: [0], slotSizeList: [1], slotBytes: 1, roles: [], layerIds: [] },
    { index: 1, name: 'FULL', lifeCycleIds: [1], slotSizeList: [1], slotBytes: 1, roles: [], layerIds: [] },
  ],
  slotCounts: [100, 5000],
};

describe('demo-scale pool shapes', () => {
  it('keeps slot counts that fit and caps the others to the byte budget', () => {
    // slot = 32 tokens x 2 heads x 16 dims x 4 bytes = 4096 bytes; budget 1 MiB -> 256 slots
    const shapes = demoPoolShapes(plan, { numKvHeads: 2, headDim: 16, bytesPerElement: 4, maxPoolBytes: 1 << 20 });
    expect(shapes.map((s) => [s.name, s.planSlots, s.numSlots, s.capped])).toEqual([
      ['SWA', 100, 100, false],
      ['FULL', 5000, 256, true],
    ]);
    expect(shapes[0].slotElems).toBe(32 * 2 * 16);
    expect(shapes[1].poolBytes).toBe(256 * 4096);
  });

  it('rejects a head the kernel cannot read and a budget below one slot', () => {
    expect(() => demoPoolShapes(plan, { numKvHeads: 1, headDim: 6, bytesPerElement: 4, maxPoolBytes: 1 << 20 })).toThrow(/headDim: got 6/);
    expect(() => demoPoolShapes(plan, { numKvHeads: 1, headDim: 8, bytesPerElement: 4, maxPoolBytes: 100 })).toThrow(/maxPoolBytes/);
  });
});
