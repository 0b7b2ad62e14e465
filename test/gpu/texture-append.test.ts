import { describe, expect, it } from 'vitest';
import { fillUniform, seededRandom } from '../../src/attn/frame.ts';
import type { PagedDecodeInput } from '../../src/attn/inputs.ts';
import { maxScaledError, referencePagedDecode } from '../../src/attn/reference.ts';
import { planSplits } from '../../src/attn/split.ts';
import { bindTexturePools, chooseVariant } from '../../src/gpu/attention-texture.ts';
import { submitAndWait } from '../../src/gpu/kernels.ts';
import { allocatePlanTexturePools, appendKvTexture, destroyPlanTexturePools, readTexturePool } from '../../src/gpu/texture-append.ts';
import { failOnUncapturedErrors, requireGpu } from './gpu-context.ts';

failOnUncapturedErrors();

const group = (index: number, name: string) => ({ index, name, lifeCycleIds: [index], slotSizeList: [1], slotBytes: 1, roles: [], layerIds: [] });
const PLAN = { tokensPerBlock: 4, poolGroups: [group(0, 'SWA'), group(1, 'FULL')], slotCounts: [3, 1_000_000] };

describe('texture pools from a plan, written by kv_append on the texture path', () => {
  for (const storage of ['f32', 'f16'] as const) {
    it(`rows land where the head-major layout says, and the kernel reads them in place (${storage})`, async () => {
      const ctx = await requireGpu();
      if (storage === 'f16' && !ctx.hasF16) return expect(ctx.hasF16).toBe(false);
      const numKvHeads = 2;
      const headDim = 8;
      const pools = await allocatePlanTexturePools(ctx, PLAN, { numKvHeads, headDim, storage, maxPoolBytes: 64 * 4 * numKvHeads * headDim * (storage === 'f16' ? 2 : 4) });
      expect(pools.map((p) => [p.shape.name, p.shape.numSlots, p.shape.capped])).toEqual([
        ['SWA', 3, false],
        ['FULL', 64, true],
      ]);
      const { k, v } = pools[1];
      const rowElems = numKvHeads * headDim;
      // Fill every token slot of the first 6 slots (24 tokens), then overwrite two and skip padding.
      const rand = seededRandom(9);
      const fillK = fillUniform(new Float32Array(24 * rowElems), rand);
      const fillV = fillUniform(new Float32Array(24 * rowElems), rand);
      await appendKvTexture(ctx, k, v, { newK: fillK, newV: fillV, slotMapping: Int32Array.from({ length: 24 }, (_, i) => i) });
      const newK = fillUniform(new Float32Array(3 * rowElems), rand);
      const newV = fillUniform(new Float32Array(3 * rowElems), rand);
      const slotMapping = Int32Array.of(5 * 4 + 3, -1, 2 * 4 + 1);
      await appendKvTexture(ctx, k, v, { newK, newV, slotMapping });
      const expectK = new Float32Array(64 * 4 * rowElems);
      const expectV = new Float32Array(64 * 4 * rowElems);
      expectK.set(fillK);
      expectV.set(fillV);
      slotMapping.forEach((s, t) => {
        if (s < 0) return;
        expectK.set(newK.subarray(t * rowElems, (t + 1) * rowElems), s * rowElems);
        expectV.set(newV.subarray(t * rowElems, (t + 1) * rowElems), s * rowElems);
      });
      const gotK = await readTexturePool(ctx, k);
      const gotV = await readTexturePool(ctx, v);
      if (storage === 'f32') {
        expect(gotK).toEqual(expectK);
        expect(gotV).toEqual(expectV);
      } else {
        // The driver's f32 -> f16 store may round differently from ours: within one f16 ulp.
        const off = (got: Float32Array, want: Float32Array) => want.filter((w, i) => !(Math.abs(got[i] - w) <= Math.abs(w) * 2 ** -10 + 2 ** -24)).length;
        expect([off(gotK, expectK), off(gotV, expectV)]).toEqual([0, 0]);
      }
      // The decode kernel reads the appended pool as it is: two sequences over slots [5, 2] and [0, 1].
      const input: PagedDecodeInput = {
        numQoHeads: 4,
        numKvHeads,
        headDim,
        tokensPerBlock: 4,
        windowLeft: -1,
        sinkTokens: 0,
        smScale: 1 / Math.sqrt(headDim),
        q: fillUniform(new Float32Array(2 * 4 * headDim), rand),
        kPool: storage === 'f16' ? gotK : expectK,
        vPool: storage === 'f16' ? gotV : expectV,
        kvIndptr: Int32Array.of(0, 2, 4),
        kvIndices: Int32Array.of(5, 2, 0, 1),
        kvLastPageLen: Int32Array.of(2, 4),
      };
      const plan = planSplits(input);
      const variant = chooseVariant(ctx.subgroupMinSize, headDim, 2, storage);
      const decode = await bindTexturePools(ctx, input, plan, storage, [k, v], variant);
      await submitAndWait(ctx, decode, 'decode over appended pools');
      expect(maxScaledError(await decode.readOutput(), referencePagedDecode(input))).toBeLessThan(1e-5);
      decode.destroy();
      destroyPlanTexturePools(pools);
    });
  }

  it('rejects a slot mapping outside the pool', async () => {
    const ctx = await requireGpu();
    const pools = await allocatePlanTexturePools(ctx, { ...PLAN, slotCounts: [2, 2] }, { numKvHeads: 1, headDim: 4, storage: 'f32' });
    const { k, v } = pools[0];
    await expect(appendKvTexture(ctx, k, v, { newK: new Float32Array(4), newV: new Float32Array(4), slotMapping: Int32Array.of(8) })).rejects.toThrow(/slotMapping\[0\]: got 8/);
    destroyPlanTexturePools(pools);
  });
});
