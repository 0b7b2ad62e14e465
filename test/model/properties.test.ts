import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KV_DTYPES } from '../../src/model/dtype.ts';
import { InputError } from '../../src/model/errors.ts';
import { importHfConfig } from '../../src/model/hf-config.ts';
import { dsv4Layer, listPresets } from '../../src/model/presets.ts';
import { chunked, full, type LayerSpec, mamba1, sliding } from '../../src/model/spec.ts';
import { modelToLayers } from '../../src/model/to-layers.ts';
import { parseScenario } from '../../src/planner/scenario.ts';

const nonDsv4 = listPresets().filter((p) => !p.layers.some((l) => l.kind === 'compressed'));
const dsv4 = listPresets().filter((p) => p.layers.some((l) => l.kind === 'compressed'));

const arbLayer: fc.Arbitrary<LayerSpec> = fc.oneof(
  fc.record({ h: fc.integer({ min: 1, max: 16 }), d: fc.constantFrom(32, 64, 128, 256) }).map(({ h, d }) => full(h, d)),
  fc.record({ w: fc.integer({ min: 1, max: 8192 }), h: fc.integer({ min: 1, max: 16 }), d: fc.constantFrom(64, 128) }).map(({ w, h, d }) => sliding(w, h, d)),
  fc.record({ c: fc.integer({ min: 1, max: 8192 }), h: fc.integer({ min: 1, max: 8 }) }).map(({ c, h }) => chunked(c, h, 128)),
  fc.constant<LayerSpec>({ kind: 'mla', kvLoraRank: 512, ropeDim: 64 }),
  fc.constant<LayerSpec>(mamba1(1024, 16, 4, 'bf16', 'fp32')),
  fc.constant<LayerSpec>({ kind: 'none' }),
);

describe('modelToLayers properties', () => {
  it('attention bytes scale linearly with tokens per block; SSM state does not', () => {
    fc.assert(
      fc.property(fc.array(arbLayer, { minLength: 1, maxLength: 12 }), fc.constantFrom(...KV_DTYPES), fc.integer({ min: 1, max: 128 }), fc.integer({ min: 2, max: 4 }), (layers, kvDtype, tpb, k) => {
        fc.pre(layers.some((l) => l.kind !== 'none'));
        const a = modelToLayers({ layers }, { tokensPerBlock: tpb, kvDtype });
        const b = modelToLayers({ layers }, { tokensPerBlock: tpb * k, kvDtype });
        expect(b.length).toBe(a.length);
        a.forEach((l, i) => {
          const factor = l.kind === 'ssm' ? 1 : k;
          expect(b[i].buffers.map((x) => x.bytes_per_block)).toEqual(l.buffers.map((x) => x.bytes_per_block * factor));
        });
      }),
    );
  });

  it('one manager layer per cache-owning model layer, in order, with running ids', () => {
    fc.assert(
      fc.property(fc.array(arbLayer, { minLength: 1, maxLength: 20 }), (layers) => {
        const owning = layers.filter((l) => l.kind !== 'none');
        fc.pre(owning.length > 0);
        const out = modelToLayers({ layers }, { tokensPerBlock: 16, kvDtype: 'fp8' });
        expect(out.map((l) => l.layer_id)).toEqual(owning.map((_, i) => i));
        expect(out.map((l) => l.kind)).toEqual(owning.map((l) => (l.kind === 'recurrent' ? 'ssm' : 'attn')));
      }),
    );
  });

  it('every preset, every dtype it accepts and several tpb give a valid engine scenario', () => {
    for (const p of nonDsv4) {
      for (const kvDtype of KV_DTYPES) {
        for (const tokensPerBlock of [1, 16, 32, 64]) {
          const layers = modelToLayers(p, { tokensPerBlock, kvDtype });
          expect(() => parseScenario({ tokens_per_block: tokensPerBlock, layers, gpu_quota_bytes: 1, typical_step: null, constraints: [] })).not.toThrow();
        }
      }
    }
    for (const p of dsv4) {
      for (const kvDtype of ['fp8', 'bf16'] as const) {
        for (const tokensPerBlock of [128, 256]) {
          const layers = modelToLayers(p, { tokensPerBlock, kvDtype, draftTokens: 2 });
          expect(() => parseScenario({ tokens_per_block: tokensPerBlock, layers, gpu_quota_bytes: 1, typical_step: null, constraints: [] })).not.toThrow();
        }
      }
    }
  });

  it('DSV4: tpb 128 halves every per-block byte count of tpb 256', () => {
    for (const p of dsv4) {
      const a = modelToLayers(p, { tokensPerBlock: 128, kvDtype: 'fp8' });
      const b = modelToLayers(p, { tokensPerBlock: 256, kvDtype: 'fp8' });
      expect(b.map((l) => l.buffers.map((x) => x.bytes_per_block))).toEqual(a.map((l) => l.buffers.map((x) => x.bytes_per_block * 2)));
    }
  });

  it('HF import preserves the layer count for random sliding/full layouts', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('full_attention', 'sliding_attention'), { minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 4096 }), (types, w) => {
        const m = importHfConfig({ num_hidden_layers: types.length, max_position_embeddings: 8192, num_attention_heads: 8, num_key_value_heads: 2, head_dim: 64, sliding_window: w, layer_types: types });
        expect(m.layers.map((l) => l.kind)).toEqual(types.map((t) => (t === 'full_attention' ? 'full' : 'swa')));
        expect(modelToLayers(m, { tokensPerBlock: 32, kvDtype: 'bf16' })).toHaveLength(types.length);
      }),
    );
  });
});

describe('robustness: untrusted input fails as InputError, never a crash', () => {
  const isInputError = (f: () => unknown) => {
    try {
      f();
      return true;
    } catch (e) {
      return e instanceof InputError;
    }
  };

  it('HF import of arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), (raw) => isInputError(() => importHfConfig(raw))));
  });

  it('HF import with the known keys set to arbitrary JSON values', () => {
    const keys = [
      'num_hidden_layers',
      'max_position_embeddings',
      'num_attention_heads',
      'num_key_value_heads',
      'head_dim',
      'hidden_size',
      'sliding_window',
      'sliding_window_pattern',
      'layer_types',
      'attention_chunk_size',
      'no_rope_layers',
      'compress_ratios',
      'kv_lora_rank',
      'qk_rope_head_dim',
      'full_attention_interval',
      'hybrid_override_pattern',
      'attn_layer_period',
      'attn_layer_offset',
      'num_kv_shared_layers',
      'use_sliding_window',
      'mamba_ssm_cache_dtype',
      'text_config',
    ];
    const small = fc.oneof(fc.integer({ min: -2, max: 64 }), fc.jsonValue({ maxDepth: 1 }), fc.array(fc.constantFrom('full_attention', 'sliding_attention', 'mamba', 0, 1, 4, 128), { maxLength: 6 }));
    const arb = fc.dictionary(fc.constantFrom(...keys), small);
    fc.assert(
      fc.property(arb, (raw) =>
        isInputError(() => {
          const m = importHfConfig(raw);
          modelToLayers(m, m.defaults);
        }),
      ),
      { numRuns: 500 },
    );
  });

  it('modelToLayers refuses zero or fractional dimensions, naming the layer', () => {
    expect(() => modelToLayers({ layers: [full(8, 128), full(0, 128)] }, { tokensPerBlock: 16, kvDtype: 'bf16' })).toThrow(/^layers\[1\]\.numKvHeads: got 0/);
    expect(() => modelToLayers({ layers: [full(1.5, 128)] }, { tokensPerBlock: 3, kvDtype: 'nvfp4' })).toThrow(/^layers\[0\]\.numKvHeads: got 1\.5/);
    expect(() => modelToLayers({ layers: [{ kind: 'mla', kvLoraRank: 0.5, ropeDim: 0 }] }, { tokensPerBlock: 1, kvDtype: 'fp8' })).toThrow(/^layers\[0\]\.kvLoraRank: got 0\.5/);
    const odd = dsv4Layer(4, { windowTokens: 128, headDim: 512, indexHeadDim: 12.5 });
    expect(() => modelToLayers({ layers: [odd] }, { tokensPerBlock: 128, kvDtype: 'fp8' })).toThrow(/^layers\[0\]\.indexer\.headDim: got 12\.5/);
    expect(() => modelToLayers({ layers: [{ kind: 'none' }] }, { tokensPerBlock: 16, kvDtype: 'bf16' })).toThrow(/^layers: got 1/);
  });
});
