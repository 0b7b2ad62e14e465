import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.ts';
import { importHfConfig, parseHfConfigText } from '../../src/model/hf-config.ts';
import { getPreset } from '../../src/model/presets.ts';
import { modelToLayers } from '../../src/model/to-layers.ts';

const dir = new URL('../../public/examples/', import.meta.url);
const examples = readdirSync(dir).filter((f) => f.endsWith('.config.json'));
const load = (f: string) => JSON.parse(readFileSync(new URL(f, dir), 'utf8'));

/** Expect an InputError whose field is exactly `field`. */
function expectField(raw: unknown, field: string): InputError {
  try {
    importHfConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).field).toBe(field);
    expect((e as InputError).message.startsWith(`${field}: got `)).toBe(true);
    return e as InputError;
  }
  throw new Error(`expected an InputError naming ${field}`);
}

describe('HF config import: real-shaped configs give the preset layouts', () => {
  it('has the example configs the task lists', () => {
    for (const id of ['gemma-2-9b', 'gpt-oss-20b', 'llama-4-scout', 'qwen3-next-80b-a3b', 'deepseek-v4-flash', 'deepseek-v3', 'mistral-7b-v0.1']) {
      expect(examples).toContain(`${id}.config.json`);
    }
  });

  for (const f of examples) {
    const id = f.replace('.config.json', '');
    it(`${id}: same layers, max context and defaults as the preset`, () => {
      const m = importHfConfig(load(f), { id });
      const p = getPreset(id);
      expect(m.layers).toEqual(p.layers);
      expect(m.maxContext).toBe(p.maxContext);
      expect(m.defaults).toEqual(p.defaults);
      expect(modelToLayers(m, m.defaults)).toEqual(modelToLayers(p, p.defaults));
    });
  }

  it('DSV4-Flash config reproduces the golden manager layers', () => {
    const golden = JSON.parse(readFileSync(new URL('../fixtures/model/dsv4-flash-fp8-tpb256-layers.json', import.meta.url), 'utf8'));
    const m = importHfConfig(load('deepseek-v4-flash.config.json'));
    expect(modelToLayers(m, { tokensPerBlock: 256, kvDtype: 'fp8', draftTokens: 0 })).toEqual(golden);
  });

  it('phi-4-mini: a window at least the context is full attention, with a note', () => {
    const m = importHfConfig(load('phi-4-mini.config.json'));
    expect(m.layers.every((l) => l.kind === 'full')).toBe(true);
    expect(m.notes).toMatch(/sliding_window 262144 >= max_position_embeddings 131072/);
  });

  it('head_dim defaults to hidden_size / num_attention_heads and kv heads to attention heads', () => {
    const m = importHfConfig({ num_hidden_layers: 2, max_position_embeddings: 2048, hidden_size: 1024, num_attention_heads: 8 });
    expect(m.layers[0]).toEqual({ kind: 'full', numKvHeads: 8, headDimK: 128, headDimV: 128 });
  });

  it('ignores unrelated keys whatever their values', () => {
    const m = importHfConfig({ ...load('llama-3.1-8b.config.json'), vocab_size: 'banana', rope_theta: null, foo: { bar: 1 } });
    expect(m.layers).toEqual(getPreset('llama-3.1-8b').layers);
  });

  it('Qwen2-style use_sliding_window=false disables sliding_window; max_window_layers splits the stack', () => {
    const base = { num_hidden_layers: 4, max_position_embeddings: 32768, hidden_size: 512, num_attention_heads: 4, sliding_window: 4096 };
    expect(importHfConfig({ ...base, use_sliding_window: false }).layers.map((l) => l.kind)).toEqual(['full', 'full', 'full', 'full']);
    expect(importHfConfig({ ...base, use_sliding_window: true, max_window_layers: 2 }).layers.map((l) => l.kind)).toEqual(['full', 'full', 'swa', 'swa']);
  });

  it('Llama 4 no_rope_layers list: 1 = RoPE chunked, 0 = NoPE global', () => {
    const m = importHfConfig({ num_hidden_layers: 3, max_position_embeddings: 65536, hidden_size: 256, num_attention_heads: 2, attention_chunk_size: 64, no_rope_layers: [1, 0, 1] });
    expect(m.layers.map((l) => l.kind)).toEqual(['chunked', 'full', 'chunked']);
  });

  it('layers_block_type lists mamba / attention / mlp', () => {
    const m = importHfConfig({ ...load('jamba-v0.1.config.json'), num_hidden_layers: 3, layers_block_type: ['mamba', 'attention', 'mlp'] });
    expect(m.layers.map((l) => l.kind)).toEqual(['recurrent', 'full', 'none']);
  });

  it('parses text and names malformed JSON', () => {
    expect(parseHfConfigText(readFileSync(new URL('mistral-7b-v0.1.config.json', dir), 'utf8')).layers).toHaveLength(32);
    expect(() => parseHfConfigText('{"num_hidden_layers": 4,')).toThrow(/^config\.json: got .*valid JSON/);
  });
});

describe('HF config import: errors name the field', () => {
  const gptoss = () => load('gpt-oss-20b.config.json');

  it('not an object', () => {
    expectField([1, 2], 'config.json');
  });

  it('missing num_hidden_layers / max_position_embeddings', () => {
    const { num_hidden_layers: _, ...noLayers } = gptoss();
    expectField(noLayers, 'num_hidden_layers');
    const { max_position_embeddings: __, ...noCtx } = gptoss();
    expectField(noCtx, 'max_position_embeddings');
  });

  it('layer_types length differs from num_hidden_layers', () => {
    const e = expectField({ ...gptoss(), num_hidden_layers: 23 }, 'layer_types.length');
    expect(e.message).toMatch(/got 24; expected 23 \(num_hidden_layers\)/);
  });

  it('unknown layer type, listing the valid ones', () => {
    const c = gptoss();
    c.layer_types[5] = 'something_new';
    const e = expectField(c, 'layer_types[5]');
    expect(e.message).toMatch(/full_attention, .*sliding_attention/);
  });

  it('sliding layers without sliding_window', () => {
    expectField({ ...gptoss(), sliding_window: null }, 'sliding_window');
  });

  it('chunked layers without attention_chunk_size', () => {
    const c = gptoss();
    c.layer_types[0] = 'chunked_attention';
    expectField(c, 'attention_chunk_size');
  });

  it('nested text_config fields are named with their prefix', () => {
    const c = load('gemma-3n-e4b.config.json');
    c.text_config.layer_types.pop();
    expectField(c, 'text_config.layer_types.length');
    const d = load('gemma-3-27b.config.json');
    d.text_config.sliding_window = -4;
    expectField(d, 'text_config.sliding_window');
  });

  it('sliding_window_pattern contradicting layer_types', () => {
    expectField({ ...gptoss(), sliding_window_pattern: 6 }, 'sliding_window_pattern');
    expect(importHfConfig({ ...gptoss(), sliding_window_pattern: 2 }).layers).toHaveLength(24);
  });

  it('num_key_value_heads that does not divide the attention heads', () => {
    expectField({ ...gptoss(), num_key_value_heads: 7 }, 'num_key_value_heads');
  });

  it('head_dim that cannot be derived', () => {
    expectField({ num_hidden_layers: 2, max_position_embeddings: 2048, hidden_size: 1000, num_attention_heads: 3 }, 'head_dim');
  });

  it('DeepSeek-V4: compress_ratios length, values, kv heads, missing index_head_dim', () => {
    const v4 = () => load('deepseek-v4-flash.config.json');
    const short = v4();
    short.compress_ratios = short.compress_ratios.slice(0, 40);
    expect(expectField(short, 'compress_ratios.length').message).toMatch(/expected 43 or 44/);
    const bad = v4();
    bad.compress_ratios[7] = 16;
    expectField(bad, 'compress_ratios[7]');
    expectField({ ...v4(), num_key_value_heads: 8 }, 'num_key_value_heads');
    const { index_head_dim: _, ...noIdx } = v4();
    expectField(noIdx, 'index_head_dim');
    expectField({ ...v4(), sliding_window: null }, 'sliding_window');
  });

  it('hybrid_override_pattern with a wrong length or an unknown character', () => {
    const c = load('nemotron-h-8b.config.json');
    expectField({ ...c, num_hidden_layers: 50 }, 'hybrid_override_pattern.length');
    expectField({ ...c, hybrid_override_pattern: `${c.hybrid_override_pattern.slice(0, 51)}Q` }, 'hybrid_override_pattern[51]');
  });

  it('Jamba offset outside the period; missing Mamba dims; unknown ssm cache dtype', () => {
    const j = load('jamba-v0.1.config.json');
    expectField({ ...j, attn_layer_offset: 8 }, 'attn_layer_offset');
    const { mamba_d_state: _, ...noState } = j;
    expectField(noState, 'mamba_d_state');
    expectField({ ...j, mamba_ssm_cache_dtype: 'int3' }, 'mamba_ssm_cache_dtype');
  });

  it('Qwen3-Next without linear attention dims', () => {
    const { linear_num_value_heads: _, ...c } = load('qwen3-next-80b-a3b.config.json');
    expectField(c, 'linear_num_value_heads');
  });

  it('num_kv_shared_layers covering every layer', () => {
    const c = load('gemma-3n-e4b.config.json');
    c.text_config.num_kv_shared_layers = 35;
    expectField(c, 'text_config.num_kv_shared_layers');
  });

  it('no_rope_layers entries other than 0/1', () => {
    const c = load('llama-4-scout.config.json');
    c.text_config.no_rope_layers = Array.from({ length: 48 }, () => 2);
    expectField(c, 'text_config.no_rope_layers[0]');
  });
});
