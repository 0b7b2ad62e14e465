import { describe, expect, it } from 'vitest';
import { maxScaledError, referencePagedDecode } from '../../src/attn/reference.ts';
import { choosePath, type KernelPath, prepareDecode, runDecodeOnGpu } from '../../src/gpu/attention.ts';
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
/** Both kernel paths run every test (the texture path needs subgroups and read-only storage textures). */
const PATHS: KernelPath[] = ['texture', 'buffer'];

describe('paged decode attention: GPU vs CPU reference', () => {
  for (const path of PATHS) for (const headDim of [64, 128, 256, 512]) {
    it(`${path} path: head dim ${headDim} x group {1,4,8} x tokensPerBlock {16,64,256} x window {none,8,128,>ctx}`, async () => {
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
            const out = await runDecodeOnGpu(ctx, input, { chunkTokens: chunk, path });
            const err = maxScaledError(out, referencePagedDecode(input));
            if (!(err <= F32_TOL) || !out.every(Number.isFinite)) failures.push(`${describeCase(c, chunk)}: error ${err}`);
          }
        }
      }
      expect(n).toBe(36);
      expect(failures).toEqual([]);
    });
  }

  it('all head dims and groups share few pipelines on each path', async () => {
    // Cold compiles cost seconds on a software driver: variants are kept few. Texture path, one
    // per (columns per lane, head block): d64 and d128 x head blocks 1, 4, 8, and the wide kernel's
    // 1, 4, 8 shared by d256 and d512. Buffer path: head blocks 1, 4 and 8, the last with its
    // queries staged (d64, d128: 8 heads fit the staging area) and not (d256, d512). Plus the merge pass.
    const ctx = await requireGpu();
    const before = pipelineCount(ctx);
    for (const path of PATHS) {
      for (const headDim of [64, 128, 256, 512]) {
        for (const group of [1, 4, 8]) {
          const c: CaseSpec = { headDim, group, numKvHeads: 1, tokensPerBlock: 16, windowTokens: null, sinkTokens: 0, lens: [40], seed: 3 };
          await runDecodeOnGpu(ctx, buildCase(c), { path });
        }
      }
    }
    // Groups 1, 4, 8 as in the matrix above, so the count is the same whether or not it ran first.
    expect(before === 0 || pipelineCount(ctx) === before).toBe(true);
    expect(pipelineCount(ctx)).toBe(9 + 4 + 1);
  });

  it('split counts from one chunk per sequence to one tile per chunk agree', async () => {
    const ctx = await requireGpu();
    const c: CaseSpec = { headDim: 128, group: 4, numKvHeads: 2, tokensPerBlock: 16, windowTokens: null, sinkTokens: 0, lens: [2000, 33, 700], seed: 7 };
    const input = buildCase(c);
    const ref = referencePagedDecode(input);
    for (const path of PATHS) {
      for (const chunk of [1, 37, 64, 1000, 4096]) {
        const prepared = await prepareDecode(ctx, input, { chunkTokens: chunk, path });
        const items = prepared.plan.items.length;
        prepared.destroy();
        const out = await runDecodeOnGpu(ctx, input, { chunkTokens: chunk, path });
        expect(maxScaledError(out, ref), `${path} chunk ${chunk} (${items} items)`).toBeLessThan(F32_TOL);
      }
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
    for (const path of PATHS) {
      const out = await runDecodeOnGpu(ctx, input, { chunkTokens: 64, path });
      expect(out.every(Number.isFinite), path).toBe(true);
      expect(maxScaledError(out, referencePagedDecode(input)), path).toBeLessThan(F32_TOL);
    }
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
    for (const path of PATHS) {
      for (const d of [64, 256]) {
        const other = buildCase({ ...c, headDim: d, group: 4, tokensPerBlock: 16 });
        const out = await runDecodeOnGpu(ctx, other, { storage: 'f16', path });
        const ref = referencePagedDecode({ ...other, kPool: roundToHalf(other.kPool), vPool: roundToHalf(other.vPool) });
        expect(maxScaledError(out, ref), `${path} f16 d${d}`).toBeLessThan(F16_TOL);
      }
      const out = await runDecodeOnGpu(ctx, input, { storage: 'f16', path });
      expect(out.every(Number.isFinite)).toBe(true);
      expect(maxScaledError(out, referencePagedDecode(rounded)), path).toBeLessThan(F16_TOL);
      // and the f16 result differs from the unrounded f32 reference only by f16 rounding
      expect(maxScaledError(out, referencePagedDecode(input))).toBeLessThan(5e-3);
    }
  });

  it('groups that are not powers of two, and the largest group (16, also at head dim 512)', async () => {
    const ctx = await requireGpu();
    for (const path of PATHS) {
      for (const group of [2, 3, 6, 16]) {
        const c: CaseSpec = { headDim: 64, group, numKvHeads: 2, tokensPerBlock: 16, windowTokens: 100, sinkTokens: 2, lens: [333, 20, 1], seed: group };
        const input = buildCase(c);
        const out = await runDecodeOnGpu(ctx, input, { chunkTokens: 128, path });
        expect(maxScaledError(out, referencePagedDecode(input)), `${path} group ${group}`).toBeLessThan(F32_TOL);
      }
      // The latent shape of the benchmark (16 heads on one KV head of dim 512): the wide kernel's
      // and the buffer kernel's largest head block, over more than one chunk of keys.
      const latent = buildCase({ headDim: 512, group: 16, numKvHeads: 1, tokensPerBlock: 16, windowTokens: null, sinkTokens: 0, lens: [700, 3], seed: 16 });
      const out = await runDecodeOnGpu(ctx, latent, { chunkTokens: 640, path });
      expect(maxScaledError(out, referencePagedDecode(latent)), `${path} latent d512 x 16`).toBeLessThan(F32_TOL);
    }
  });

  it('shapes the kernel cannot run are user errors', async () => {
    const ctx = await requireGpu();
    const base: CaseSpec = { headDim: 12, group: 1, numKvHeads: 1, tokensPerBlock: 4, windowTokens: null, sinkTokens: 0, lens: [5], seed: 1 };
    await expect(runDecodeOnGpu(ctx, buildCase({ ...base, headDim: 6 }))).rejects.toThrow(/head_dim: got 6/);
    await expect(runDecodeOnGpu(ctx, buildCase(base), { path: 'texture', lanes: 3 })).rejects.toThrow(/path: got "texture"/);
    await expect(runDecodeOnGpu(ctx, buildCase({ ...base, group: 32, headDim: 8 }))).rejects.toThrow(/num_qo_heads/);
  });
});

describe('texture path: path choice, fallback and lane split', () => {
  const c: CaseSpec = { headDim: 128, group: 4, numKvHeads: 2, tokensPerBlock: 16, windowTokens: 200, sinkTokens: 4, lens: [900, 130, 2], seed: 21 };

  it('auto takes the texture path here, with lanes from the subgroup size', async () => {
    const ctx = await requireGpu();
    const p = await prepareDecode(ctx, buildCase(c));
    expect(p.path).toBe('texture');
    expect(p.lanes).toBe(Math.min(ctx.subgroupMinSize, 32));
    p.destroy();
  });

  it('an adapter without subgroups or read-only storage textures falls back to the buffer path by itself', async () => {
    const ctx = await requireGpu();
    const input = buildCase(c);
    const ref = referencePagedDecode(input);
    for (const lacking of [{ hasSubgroups: false, subgroupMinSize: 0 }, { hasReadonlyTextures: false }]) {
      const weaker = { ...ctx, ...lacking };
      expect(choosePath(weaker, input).path).toBe('buffer');
      const p = await prepareDecode(weaker, input);
      expect(p.path).toBe('buffer');
      p.destroy();
      expect(maxScaledError(await runDecodeOnGpu(weaker, input), ref)).toBeLessThan(F32_TOL);
      await expect(runDecodeOnGpu(weaker, input, { path: 'texture' })).rejects.toThrow(/path: got "texture"/);
    }
  });

  it('a forced smaller lane split (half the subgroup) gives the same output', async () => {
    const ctx = await requireGpu();
    const input = buildCase(c);
    const ref = referencePagedDecode(input);
    const lanes = ctx.subgroupMinSize / 2;
    const p = await prepareDecode(ctx, input, { lanes, chunkTokens: 256 });
    expect([p.path, p.lanes]).toEqual(['texture', lanes]);
    p.destroy();
    expect(maxScaledError(await runDecodeOnGpu(ctx, input, { lanes, chunkTokens: 256 }), ref)).toBeLessThan(F32_TOL);
  });
});
