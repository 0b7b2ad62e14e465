import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maxScaledError, referencePagedDecode } from '../../src/attn/reference.ts';
import { planSplits } from '../../src/attn/split.ts';
import { chooseVariant, prepareTextureDecode, type TextureVariant, variantKey, variantSource } from '../../src/gpu/attention-texture.ts';
import { roundToHalf } from '../../src/gpu/buffers.ts';
import { type BufferVariant, bufferKernelSource } from '../../src/gpu/decode-buffer-wgsl.ts';
import type { DecodeVariant } from '../../src/gpu/decode-wgsl.ts';
import type { WideVariant } from '../../src/gpu/decode-wide-wgsl.ts';
import { submitAndWait } from '../../src/gpu/kernels.ts';
import { AttentionParams, TextureParams, WorkItemLayout } from '../../src/gpu/layout.ts';
import { texelOf, texturePoolLayout, toTextureLayout } from '../../src/gpu/texture-pool.ts';
import { buildCase } from './cases.ts';
import { failOnUncapturedErrors, requireGpu } from './gpu-context.ts';
import { parseStruct } from './wgsl-struct.ts';

failOnUncapturedErrors();

const SMALL: DecodeVariant = { kind: 'narrow', lanes: 2, wg: 4, nj: 1, hb: 1, kb: 2, format: 'rgba32float', prefetch: false };
const SMALL_BUFFER: BufferVariant = { hb: 2, split: true, qStage: false, f16: false };
const SMALL_WIDE: WideVariant = { kind: 'wide', lanes: 4, nj: 1, hb: 2, kc: 8, format: 'rgba32float' };

describe('generated texture-path kernels', () => {
  it('declare the structs the host packs (TexParams, WorkItem)', () => {
    for (const v of [chooseVariant(8, 128, 4, 'f32'), chooseVariant(8, 512, 16, 'f32')]) {
      const src = variantSource(v);
      for (const layout of [TextureParams, WorkItemLayout]) {
        const wgsl = parseStruct(src, layout.name);
        expect(layout.fields.map((f) => [f.name, f.type, f.offset])).toEqual(wgsl.fields.map((f) => [f.name, f.type, f.offset]));
      }
    }
    expect(TextureParams.size % 16).toBe(0);
  });

  it('the buffer kernel and the previous (baseline) kernel declare the structs the host packs (Params, WorkItem)', () => {
    const previous = readFileSync(new URL('../../bench/gpu-baseline/previous_paged_decode_attention.wgsl', import.meta.url), 'utf8');
    for (const src of [bufferKernelSource(SMALL_BUFFER), bufferKernelSource({ hb: 16, split: false, qStage: false, f16: true }), previous]) {
      for (const layout of [AttentionParams, WorkItemLayout]) {
        const wgsl = parseStruct(src, layout.name);
        expect(layout.fields.map((f) => [f.name, f.type, f.offset])).toEqual(wgsl.fields.map((f) => [f.name, f.type, f.offset]));
      }
    }
  });

  it('small variants, as generated', () => {
    expect(variantSource(SMALL)).toMatchSnapshot();
    expect(variantSource(SMALL_WIDE)).toMatchSnapshot();
    expect(bufferKernelSource(SMALL_BUFFER)).toMatchSnapshot();
  });

  it('the generated source stays short: loops, not unrolled keys (latent d512 x 16 heads included)', () => {
    for (const v of [chooseVariant(8, 128, 4, 'f32'), chooseVariant(8, 512, 16, 'f32'), chooseVariant(32, 512, 16, 'f16')]) {
      expect(variantSource(v).split('\n').length, variantKey(v)).toBeLessThan(250);
    }
    for (const hb of [1, 16]) expect(bufferKernelSource({ hb, split: true, qStage: true, f16: true }).split('\n').length).toBeLessThan(250);
  });

  it('the variants the kernel picks: lanes from the subgroup size, heads split when registers would spill', () => {
    expect(chooseVariant(8, 128, 4, 'f32')).toEqual({ kind: 'narrow', lanes: 8, wg: 8, nj: 4, hb: 4, kb: 4, format: 'rgba32float', prefetch: false });
    expect(chooseVariant(4, 128, 4, 'f32')).toMatchObject({ kind: 'wide', lanes: 4, nj: 4, hb: 4 });
    expect(chooseVariant(4, 64, 4, 'f32')).toMatchObject({ kind: 'narrow', lanes: 4, nj: 4, hb: 4, kb: 4 });
    expect(chooseVariant(32, 128, 4, 'f16')).toMatchObject({ lanes: 32, wg: 32, nj: 1, hb: 4, kb: 4, format: 'rgba16float' });
    expect(chooseVariant(32, 64, 1, 'f32')).toMatchObject({ lanes: 16, wg: 32, nj: 1 });
    // wide heads: one pass over K/V for the whole group, column blocks of 8 x 4 vec4s
    expect(chooseVariant(8, 512, 16, 'f32')).toEqual({ kind: 'wide', lanes: 8, nj: 4, hb: 16, kc: 128, format: 'rgba32float' });
    expect(chooseVariant(8, 256, 3, 'f16')).toMatchObject({ kind: 'wide', hb: 4, format: 'rgba16float' });
    expect(chooseVariant(32, 512, 8, 'f32')).toMatchObject({ kind: 'narrow', lanes: 32, nj: 4, hb: 8 });
    expect(chooseVariant(8, 128, 8, 'f32', 4)).toMatchObject({ kind: 'wide', lanes: 4, nj: 4, hb: 8 });
    expect(chooseVariant(8, 64, 8, 'f32', 4)).toMatchObject({ kind: 'narrow', lanes: 4, wg: 8, nj: 4, hb: 8, kb: 2 });
    // every key names the variant completely
    expect(variantKey(SMALL)).toBe('decode_tex:l2:wg4:nj1:hb1:kb2:rgba32float');
    expect(variantKey({ ...SMALL, prefetch: true })).toBe('decode_tex:l2:wg4:nj1:hb1:kb2:rgba32float:pf');
    expect(variantKey(SMALL_WIDE)).toBe('decode_wide:l4:nj1:hb2:kc8:rgba32float');
  });

  // A software driver compiles at the first dispatch, so "compiles" means: runs, and is right.
  // Head dim 32 = two column blocks of the small wide variant; chunks of 8 keys, some empty.
  // The narrow one at head dim 8, group 1 (what it covers: nj x lanes columns, hb heads).
  const forcedCases: Array<[string, TextureVariant, 'f32' | 'f16', number, number]> = [
    ['narrow', SMALL, 'f32', 8, 1],
    ['narrow, f16 texels', { ...SMALL, format: 'rgba16float' }, 'f16', 8, 1],
    ['narrow, prefetch', { ...SMALL, prefetch: true }, 'f32', 8, 1],
    ['wide', SMALL_WIDE, 'f32', 32, 2],
  ];
  for (const [name, v, storage, headDim, group] of forcedCases) {
    it(`the small ${name} variant runs on this adapter and matches the reference`, async () => {
      const ctx = await requireGpu();
      if (storage === 'f16' && !ctx.hasF16) return expect(ctx.hasF16).toBe(false);
      const input = buildCase({ headDim, group, numKvHeads: 2, tokensPerBlock: 4, windowTokens: 30, sinkTokens: 2, lens: [70, 9, 1], seed: 17 });
      const rounded = storage === 'f16' ? { ...input, kPool: roundToHalf(input.kPool), vPool: roundToHalf(input.vPool) } : input;
      const p = await prepareTextureDecode(ctx, input, planSplits(input, 20), storage, undefined, v);
      await submitAndWait(ctx, p, name);
      expect(maxScaledError(await p.readOutput(), referencePagedDecode(rounded))).toBeLessThan(1e-5);
      p.destroy();
    });
  }
});

describe('texture pool layout (head-major)', () => {
  const shape = { numSlots: 5, tokensPerBlock: 4, numKvHeads: 3, headDim: 8 };

  it('every element lands where texelOf says, once', () => {
    const layout = texturePoolLayout(shape, 16);
    expect(layout).toMatchObject({ d4: 2, rowShift: 3, width: 16, height: 8, rows: 60 });
    if (!layout) return;
    const n = shape.numSlots * shape.tokensPerBlock * shape.numKvHeads * shape.headDim;
    const data = Float32Array.from({ length: n }, (_, i) => i + 1);
    const tex = toTextureLayout(data, shape, layout);
    const seen = new Set<number>();
    for (let slot = 0; slot < shape.numSlots; slot++) {
      for (let t = 0; t < shape.tokensPerBlock; t++) {
        for (let h = 0; h < shape.numKvHeads; h++) {
          for (let c = 0; c < 2; c++) {
            const [x, y] = texelOf(layout, shape, slot, t, h, c);
            const at = (y * layout.width + x) * 4;
            const src = ((slot * shape.tokensPerBlock + t) * shape.numKvHeads + h) * shape.headDim + c * 4;
            expect(Array.from(tex.subarray(at, at + 4))).toEqual(Array.from(data.subarray(src, src + 4)));
            seen.add(at);
          }
        }
      }
    }
    expect(seen.size).toBe(n / 4);
  });

  it('a pool too big for one texture has no layout (the buffer path serves it)', () => {
    expect(texturePoolLayout(shape, 4)).toBeNull();
    expect(texturePoolLayout({ ...shape, numSlots: 1 }, 64)).toMatchObject({ height: 1, width: 24 });
  });
});
