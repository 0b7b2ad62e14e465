import { describe, expect, it } from 'vitest';
import { maxScaledError, referencePagedDecode } from '../../src/attn/reference.ts';
import { prepareDecode, runDecodeOnGpu } from '../../src/gpu/attention.ts';
import { roundToHalf } from '../../src/gpu/buffers.ts';
import { pipelineCount } from '../../src/gpu/pipelines.ts';
import { InputError } from '../../src/model/errors.ts';
import { buildCase, type CaseSpec, describeCase } from './cases.ts';
import { failOnUncapturedErrors, requireGpu } from './gpu-context.ts';

failOnUncapturedErrors();

/** f32 storage, f32 accumulation against the f64 reference: error relative to the output scale. */
const F32_TOL = 1e-5;
/** f16 storage: the reference sees the same f16-rounded K/V, accumulation stays f32. */
const F16_TOL = 1e-5;

const LENS: Record<number, number[]> = {
  16: [1, 17, 150, 700],
  64: [3, 65, 300, 900],
  256: [5, 257, 600, 1100],
};
const WINDOWS = [null, 8, 128, 100_000];
const CHUNKS = [64, 128, undefined, 192];

describe('paged decode attention: GPU vs CPU reference', () => {
  for (const headDim of [64, 128, 256, 512]) {
    it(`head dim ${headDim} x group {1,4,8} x tokensPerBlock {16,64,256} x window {none,8,128,>ctx}`, async () => {
      const ctx = await requireGpu();
      const failures: string[] = [];
      let n = 0;
      for (const group of [1, 4, 8]) {
        for (const tokensPerBlock of [16, 64, 256]) {
          for (const windowTokens of WINDOWS) {
            const c: CaseSpec = {
              headDim,
              group,
              numKvHeads: headDim >= 256 && group === 8 ? 1 : 2,
              tokensPerBlock,
              windowTokens,
              sinkTokens: windowTokens !== null && (group + tokensPerBlock / 16) % 2 === 1 ? 4 : 0,
              lens: LENS[tokensPerBlock],
              seed: headDim * 1000 + group * 100 + tokensPerBlock + (windowTokens ?? 0),
            };
            const chunk = CHUNKS[n++ % CHUNKS.length];
            const input = buildCase(c);
            const out = await runDecodeOnGpu(ctx, input, { chunkTokens: chunk });
            const err = maxScaledError(out, referencePagedDecode(input));
            if (!(err <= F32_TOL) || !out.every(Number.isFinite)) failures.push(`${describeCase(c, chunk)}: error ${err}`);
          }
        }
      }
      expect(n).toBe(36);
      expect(failures).toEqual([]);
    });
  }

  it('all head dims and groups share five pipelines (head block 1, 4 and 8, d512 x group 8 unstaged, merge)', async () => {
    // Cold compiles cost seconds on a software driver: variants are override constants, kept few.
    const ctx = await requireGpu();
    // Groups 1, 4, 8 as in the matrix above, so the count is the same whether or not it ran first.
    for (const headDim of [64, 128, 256, 512]) {
      for (const group of [1, 4, 8]) {
        const c: CaseSpec = { headDim, group, numKvHeads: 1, tokensPerBlock: 16, windowTokens: null, sinkTokens: 0, lens: [40], seed: 3 };
        await runDecodeOnGpu(ctx, buildCase(c));
      }
    }
    expect(pipelineCount(ctx)).toBe(5);
  });

  it('split counts from one chunk per sequence to one tile per chunk agree', async () => {
    const ctx = await requireGpu();
    const c: CaseSpec = { headDim: 128, group: 4, numKvHeads: 2, tokensPerBlock: 16, windowTokens: null, sinkTokens: 0, lens: [2000, 33, 700], seed: 7 };
    const input = buildCase(c);
    const ref = referencePagedDecode(input);
    for (const chunk of [1, 37, 64, 1000, 4096]) {
      const prepared = await prepareDecode(ctx, input, { chunkTokens: chunk });
      const items = prepared.plan.items.length;
      prepared.destroy();
      const out = await runDecodeOnGpu(ctx, input, { chunkTokens: chunk });
      expect(maxScaledError(out, ref), `chunk ${chunk} (${items} items)`).toBeLessThan(F32_TOL);
    }
  });

  it('poison: NaN in free slots and out-of-window pages never reaches the output', async () => {
    const ctx = await requireGpu();
    // 40 pages per sequence, window of 20 tokens + 3 sinks: most pages are stale and hold NaN.
    const c: CaseSpec = { headDim: 64, group: 4, numKvHeads: 1, tokensPerBlock: 16, windowTokens: 20, sinkTokens: 3, lens: [640, 633, 21], seed: 11, freeSlots: 10 };
    const input = buildCase(c);
    const stale = Array.from(input.kvIndices).filter((s, i) => i < 40 && s >= 0);
    expect(stale.length).toBe(40);
    const slotElems = 16 * 64;
    const nanSlots = Array.from({ length: input.kPool.length / slotElems }, (_, s) => s).filter((s) => Number.isNaN(input.kPool[s * slotElems]));
    expect(nanSlots.length).toBeGreaterThan(60);
    const out = await runDecodeOnGpu(ctx, input, { chunkTokens: 64 });
    expect(out.every(Number.isFinite)).toBe(true);
    expect(maxScaledError(out, referencePagedDecode(input))).toBeLessThan(F32_TOL);
  });

  it('a pool split over two storage bindings (forced small limit) gives the same output', async () => {
    const ctx = await requireGpu();
    const c: CaseSpec = { headDim: 64, group: 4, numKvHeads: 2, tokensPerBlock: 16, windowTokens: 128, sinkTokens: 4, lens: [500, 90, 1], seed: 5 };
    const input = buildCase(c);
    const slotBytes = 16 * 2 * 64 * 4;
    const slots = input.kPool.length / (16 * 2 * 64);
    const prepared = await prepareDecode(ctx, input, { maxBindingBytes: Math.ceil(slots / 2) * slotBytes });
    expect(prepared.split).toBe(true);
    prepared.destroy();
    const out = await runDecodeOnGpu(ctx, input, { maxBindingBytes: Math.ceil(slots / 2) * slotBytes });
    expect(maxScaledError(out, referencePagedDecode(input))).toBeLessThan(F32_TOL);
    await expect(runDecodeOnGpu(ctx, input, { maxBindingBytes: slotBytes * 2 })).rejects.toThrow(/at most 2 bindings/);
  });

  it('f16 storage path (shader-f16) against the reference on f16-rounded K/V', async () => {
    const ctx = await requireGpu();
    const c: CaseSpec = { headDim: 128, group: 8, numKvHeads: 2, tokensPerBlock: 64, windowTokens: 128, sinkTokens: 4, lens: [1000, 70, 3], seed: 9 };
    const input = buildCase(c);
    if (!ctx.hasF16) {
      // The browser's SwiftShader has no shader-f16: the path must refuse clearly, not fail oddly.
      await expect(runDecodeOnGpu(ctx, input, { storage: 'f16' })).rejects.toThrow(InputError);
      return;
    }
    const rounded = { ...input, kPool: roundToHalf(input.kPool), vPool: roundToHalf(input.vPool) };
    for (const d of [64, 256]) {
      const other = buildCase({ ...c, headDim: d, group: 4, tokensPerBlock: 16 });
      const out = await runDecodeOnGpu(ctx, other, { storage: 'f16' });
      const ref = referencePagedDecode({ ...other, kPool: roundToHalf(other.kPool), vPool: roundToHalf(other.vPool) });
      expect(maxScaledError(out, ref), `f16 d${d}`).toBeLessThan(F16_TOL);
    }
    const out = await runDecodeOnGpu(ctx, input, { storage: 'f16' });
    expect(out.every(Number.isFinite)).toBe(true);
    expect(maxScaledError(out, referencePagedDecode(rounded))).toBeLessThan(F16_TOL);
    // and the f16 result differs from the unrounded f32 reference only by f16 rounding
    expect(maxScaledError(out, referencePagedDecode(input))).toBeLessThan(5e-3);
  });

  it('groups that are not powers of two, and the largest group (16)', async () => {
    const ctx = await requireGpu();
    for (const group of [2, 3, 6, 16]) {
      const c: CaseSpec = { headDim: 64, group, numKvHeads: 2, tokensPerBlock: 16, windowTokens: 100, sinkTokens: 2, lens: [333, 20, 1], seed: group };
      const input = buildCase(c);
      const out = await runDecodeOnGpu(ctx, input, { chunkTokens: 128 });
      expect(maxScaledError(out, referencePagedDecode(input)), `group ${group}`).toBeLessThan(F32_TOL);
    }
  });

  it('shapes the kernel cannot run are user errors', async () => {
    const ctx = await requireGpu();
    const base: CaseSpec = { headDim: 12, group: 1, numKvHeads: 1, tokensPerBlock: 4, windowTokens: null, sinkTokens: 0, lens: [5], seed: 1 };
    await expect(runDecodeOnGpu(ctx, buildCase({ ...base, headDim: 6 }))).rejects.toThrow(/head_dim: got 6/);
    await expect(runDecodeOnGpu(ctx, buildCase({ ...base, group: 32, headDim: 8 }))).rejects.toThrow(/num_qo_heads/);
  });
});
