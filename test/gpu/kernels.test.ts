import { describe, expect, it } from 'vitest';
import { fillUniform, seededRandom } from '../../src/attn/frame.ts';
import { maxScaledError, referencePagedDecode } from '../../src/attn/reference.ts';
import { CpuAttentionBackend, GpuAttentionBackend } from '../../src/gpu/backend.ts';
import { allocatePool, destroyPool, readPool, roundToHalf, writePool } from '../../src/gpu/buffers.ts';
import { GpuError, withErrorScopes } from '../../src/gpu/device.ts';
import { appendKv, prepareCopy, prepareNaive, submitAndWait } from '../../src/gpu/kernels.ts';
import { buildCase, type CaseSpec } from './cases.ts';
import { failOnUncapturedErrors, requireGpu } from './gpu-context.ts';

failOnUncapturedErrors();

describe('error wiring', () => {
  it('withErrorScopes turns a validation error into a thrown GpuError', async () => {
    const ctx = await requireGpu();
    // MAP_READ may only be combined with COPY_DST: this buffer is invalid.
    await expect(withErrorScopes(ctx, 'bad buffer', () => ctx.device.createBuffer({ label: 'bad', size: 16, usage: 0x1 | 0x80 }))).rejects.toThrow(GpuError);
    await expect(withErrorScopes(ctx, 'bad wgsl', () => ctx.device.createShaderModule({ label: 'bad', code: 'fn main( {' }))).rejects.toThrow(/bad wgsl/);
    // nothing leaked out of the scopes
    expect(ctx.uncaptured).toEqual([]);
  });
});

describe('kv_append', () => {
  for (const storage of ['f32', 'f16'] as const) {
    it(`writes rows to their slots through the slot mapping (${storage}, pool split over two bindings)`, async () => {
      const ctx = await requireGpu();
      if (storage === 'f16' && !ctx.hasF16) return expect(ctx.hasF16).toBe(false);
      const tpb = 4;
      const rowElems = 2 * 8; // 2 KV heads x head dim 8
      const slotElems = tpb * rowElems;
      const slots = 6;
      const rand = seededRandom(3);
      const initK = fillUniform(new Float32Array(slots * slotElems), rand);
      const initV = fillUniform(new Float32Array(slots * slotElems), rand);
      const k = allocatePool(ctx, 'append K', slots, slotElems, storage, 3 * slotElems * (storage === 'f16' ? 2 : 4));
      const v = allocatePool(ctx, 'append V', slots, slotElems, storage, 3 * slotElems * (storage === 'f16' ? 2 : 4));
      expect(k.bindings).toHaveLength(2);
      writePool(ctx, k, initK);
      writePool(ctx, v, initV);
      // token slots: slot 1 offset 3, slot 5 offset 0 (second binding), padding, slot 3 offset 2
      const slotMapping = Int32Array.of(1 * tpb + 3, 5 * tpb + 0, -1, 3 * tpb + 2);
      const newK = fillUniform(new Float32Array(4 * rowElems), rand);
      const newV = fillUniform(new Float32Array(4 * rowElems), rand);
      await appendKv(ctx, k, v, { newK, newV, slotMapping, tokensPerBlock: tpb });
      const expectK = Float32Array.from(initK);
      const expectV = Float32Array.from(initV);
      slotMapping.forEach((s, t) => {
        if (s < 0) return;
        expectK.set(newK.subarray(t * rowElems, (t + 1) * rowElems), s * rowElems);
        expectV.set(newV.subarray(t * rowElems, (t + 1) * rowElems), s * rowElems);
      });
      const round = storage === 'f16' ? roundToHalf : (x: Float32Array) => x;
      expect(await readPool(ctx, k)).toEqual(round(expectK));
      expect(await readPool(ctx, v)).toEqual(round(expectV));
      destroyPool(k);
      destroyPool(v);
    });
  }

  it('rejects a slot mapping outside the pool', async () => {
    const ctx = await requireGpu();
    const k = allocatePool(ctx, 'K', 2, 16, 'f32');
    await expect(appendKv(ctx, k, k, { newK: new Float32Array(4), newV: new Float32Array(4), slotMapping: Int32Array.of(8), tokensPerBlock: 4 })).rejects.toThrow(
      /slotMapping\[0\]: got 8/,
    );
    destroyPool(k);
  });
});

describe('baseline kernels', () => {
  it('copy_bandwidth copies every vec4', async () => {
    const ctx = await requireGpu();
    const data = fillUniform(new Float32Array(70_000 * 4), seededRandom(1));
    const copy = await prepareCopy(ctx, data.byteLength, data);
    await submitAndWait(ctx, copy, 'copy');
    expect(await copy.readOutput()).toEqual(data);
    copy.destroy();
  });

  it('the naive kernel agrees with the reference (windows and sinks included)', async () => {
    const ctx = await requireGpu();
    const c: CaseSpec = { headDim: 128, group: 4, numKvHeads: 2, tokensPerBlock: 16, windowTokens: 40, sinkTokens: 4, lens: [300, 17, 1], seed: 4 };
    const input = buildCase(c);
    const naive = await prepareNaive(ctx, input);
    await submitAndWait(ctx, naive, 'naive');
    expect(maxScaledError(await naive.readOutput(), referencePagedDecode(input))).toBeLessThan(1e-5);
    naive.destroy();
  });
});

describe('GPU and CPU backends share one interface', () => {
  it('same outputs and the same pages read', async () => {
    const ctx = await requireGpu();
    const input = buildCase({ headDim: 64, group: 2, numKvHeads: 2, tokensPerBlock: 16, windowTokens: 50, sinkTokens: 2, lens: [200, 40], seed: 8 });
    const gpu = new GpuAttentionBackend(ctx);
    const cpu = new CpuAttentionBackend();
    const [g, c] = [await gpu.run(input), await cpu.run(input)];
    expect(gpu.name).toBe('gpu');
    expect(gpu.adapterInfo?.vendor).toBeTypeOf('string');
    expect(maxScaledError(g.output, c.output)).toBeLessThan(1e-5);
    expect(g.pagesRead).toEqual(c.pagesRead);
    // seq 0: 200 tokens, keys 150..199 + sinks 0..1 -> pages 0 and 9..12
    expect(c.pagesRead[0].logical).toEqual([0, 9, 10, 11, 12]);
  });

  it('runFrame: a simulator frame in, outputs and pages read out', async () => {
    const { runFrame } = await import('../../src/gpu/backend.ts');
    const gpu = new GpuAttentionBackend(await requireGpu());
    const frame = { blockTables: [[4, 1, 7], [0, null, 2, 3]], contextLens: [40, 60], windowTokens: 20, sinkTokens: 0, tokensPerBlock: 16, numQoHeads: 4, numKvHeads: 2, headDim: 32, seed: 5 };
    const r = await runFrame(gpu, frame);
    expect(r.pagesRead.map((p) => p.slots)).toEqual([[1, 7], [2, 3]]);
    expect(maxScaledError(r.output, referencePagedDecode(r.input))).toBeLessThan(1e-5);
  });
});

describe('pools from a plan at a demo scale', () => {
  it('allocates K and V per pool group, capped to two bindings, labelled', async () => {
    const ctx = await requireGpu();
    const { allocatePlanPools, destroyPlanPools } = await import('../../src/gpu/plan-pools.ts');
    const group = (index: number, name: string) => ({ index, name, lifeCycleIds: [index], slotSizeList: [1], slotBytes: 1, roles: [], layerIds: [] });
    const plan = { tokensPerBlock: 64, poolGroups: [group(0, 'SWA'), group(1, 'FULL')], slotCounts: [10, 1_000_000] };
    const slotBytes = 64 * 2 * 32 * 4; // 16 KiB
    const pools = await allocatePlanPools(ctx, plan, { numKvHeads: 2, headDim: 32, storage: 'f32', maxBindingBytes: 100 * slotBytes });
    expect(pools[0].shape.numSlots).toBe(10);
    expect(pools[0].k.bindings).toHaveLength(1);
    expect(pools[0].k.bindings[0].label).toBe('SWA K pool binding 0');
    expect(pools[1].shape.capped).toBe(true);
    expect(pools[1].shape.numSlots).toBe(200);
    expect(pools[1].k.bindings).toHaveLength(2);
    expect(pools[1].v.bindings[1].label).toBe('FULL V pool binding 1');
    destroyPlanPools(pools);
    // default budget: 256 MiB per pool at most, whatever the device allows per binding
    const big = await allocatePlanPools(ctx, plan, { numKvHeads: 2, headDim: 32, storage: 'f16' });
    expect(big[1].shape.poolBytes).toBeLessThanOrEqual(256 * 1024 * 1024);
    destroyPlanPools(big);
  });
});

describe('device loss', () => {
  it('a lost device is reported and the next acquire gets a fresh one', async () => {
    const { acquireGpu } = await import('../../src/gpu/device.ts');
    const ctx = await requireGpu();
    ctx.device.destroy();
    await ctx.device.lost;
    expect(ctx.lostReason).toMatch(/destroyed/);
    await expect(withErrorScopes(ctx, 'after loss', () => 1)).rejects.toThrow(/device lost/);
    const fresh = await acquireGpu();
    expect(fresh).not.toBe(ctx);
    expect(fresh?.lostReason).toBeNull();
  });
});
