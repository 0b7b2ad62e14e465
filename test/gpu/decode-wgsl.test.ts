import { describe, expect, it } from 'vitest';
import { chooseVariant, variantKey } from '../../src/gpu/attention-texture.ts';
import { type DecodeVariant, decodeKernelSource } from '../../src/gpu/decode-wgsl.ts';
import { TextureParams, WorkItemLayout } from '../../src/gpu/layout.ts';
import { timeCompile } from '../../src/gpu/pipelines.ts';
import { texelOf, texturePoolLayout, toTextureLayout } from '../../src/gpu/texture-pool.ts';
import { failOnUncapturedErrors, requireGpu } from './gpu-context.ts';
import { parseStruct } from './wgsl-struct.ts';

failOnUncapturedErrors();

const SMALL: DecodeVariant = { lanes: 2, wg: 4, nj: 1, hb: 1, kb: 2, format: 'rgba32float' };

describe('generated texture-path kernel', () => {
  it('declares the structs the host packs (TexParams, WorkItem)', () => {
    const src = decodeKernelSource(chooseVariant(8, 128, 4, 'f32'));
    for (const layout of [TextureParams, WorkItemLayout]) {
      const wgsl = parseStruct(src, layout.name);
      expect(layout.fields.map((f) => [f.name, f.type, f.offset])).toEqual(wgsl.fields.map((f) => [f.name, f.type, f.offset]));
    }
    expect(TextureParams.size % 16).toBe(0);
  });

  it('a small variant, as generated', () => {
    expect(decodeKernelSource(SMALL)).toMatchSnapshot();
  });

  it('the variants the kernel picks: lanes from the subgroup size, heads split when registers would spill', () => {
    expect(chooseVariant(8, 128, 4, 'f32')).toEqual({ lanes: 8, wg: 8, nj: 4, hb: 4, kb: 4, format: 'rgba32float' });
    expect(chooseVariant(4, 128, 4, 'f32')).toMatchObject({ lanes: 4, nj: 8, hb: 4, kb: 2 });
    expect(chooseVariant(32, 128, 4, 'f16')).toMatchObject({ lanes: 32, wg: 32, nj: 1, hb: 4, kb: 4, format: 'rgba16float' });
    expect(chooseVariant(32, 64, 1, 'f32')).toMatchObject({ lanes: 16, wg: 32, nj: 1 });
    expect(chooseVariant(8, 512, 16, 'f32')).toMatchObject({ nj: 16, hb: 4, kb: 1 });
    expect(chooseVariant(8, 128, 8, 'f32', 4)).toMatchObject({ lanes: 4, wg: 8, nj: 8, hb: 8 });
    // every key names the variant completely
    expect(variantKey(SMALL)).toBe('decode_tex:l2:wg4:nj1:hb1:kb2:rgba32float');
  });

  it('the small variant and the f16-texel variant compile on this adapter', async () => {
    const ctx = await requireGpu();
    expect(await timeCompile(ctx, decodeKernelSource(SMALL))).toBeGreaterThan(0);
    expect(await timeCompile(ctx, decodeKernelSource({ ...SMALL, format: 'rgba16float' }))).toBeGreaterThan(0);
  });
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
