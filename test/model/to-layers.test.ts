import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.ts';
import { getPreset, listPresets } from '../../src/model/presets.ts';
import { full, mamba1, sliding } from '../../src/model/spec.ts';
import { modelToLayers } from '../../src/model/to-layers.ts';
import type { LayerJson } from '../../src/planner/scenario.ts';

const golden: LayerJson[] = JSON.parse(readFileSync(new URL('../fixtures/model/dsv4-flash-fp8-tpb256-layers.json', import.meta.url), 'utf8'));

/**
 * Independent re-statement of spec §1.1 (life cycle = (window, sink blocks); coalesce same-size
 * buffers; pool group = identical descending slot_size_list) to check slot bytes without the planner.
 */
function slotBytes(layers: LayerJson[], tpb: number): number[] {
  const lcs = new Map<string, Map<number, number>>();
  for (const l of layers) {
    const key = l.kind === 'ssm' ? 'ssm' : `${l.window}/${Math.ceil((l.sink_tokens ?? 0) / tpb)}`;
    const sizes = lcs.get(key) ?? new Map<number, number>();
    for (const b of l.buffers) sizes.set(b.bytes_per_block, (sizes.get(b.bytes_per_block) ?? 0) + 1);
    lcs.set(key, sizes);
  }
  const groups: string[] = [];
  const bytes: number[] = [];
  for (const sizes of lcs.values()) {
    const list = [...sizes].map(([s, n]) => s * n).sort((a, b) => b - a);
    const k = list.join(',');
    if (!groups.includes(k)) {
      groups.push(k);
      bytes.push(list.reduce((a, b) => a + b, 0));
    }
  }
  return bytes;
}

describe('modelToLayers: DeepSeek-V4', () => {
  const flash = getPreset('deepseek-v4-flash');

  it('reproduces the golden cases layer list exactly at fp8 / tpb 256 / draft 0', () => {
    expect(modelToLayers(flash, { tokensPerBlock: 256, kvDtype: 'fp8', draftTokens: 0 })).toEqual(golden);
  });

  it('the fixture is the layer list of every 15401-era golden case', () => {
    const text = readFileSync(new URL('../fixtures/cases/trtllm-15401/dsv4-flash-fp8-40g.json', import.meta.url), 'utf8');
    for (const c of JSON.parse(text).cases) expect(c.input.layers).toEqual(golden);
  });

  it('gives the spec §1.3 slot bytes at fp8 and bf16', () => {
    expect(slotBytes(modelToLayers(flash, { tokensPerBlock: 256, kvDtype: 'fp8' }), 256)).toEqual([26607616, 886016, 55050240]);
    expect(slotBytes(modelToLayers(flash, { tokensPerBlock: 256, kvDtype: 'bf16' }), 256)).toEqual([32243712, 1594624, 55050240]);
  });

  it('widens SWA and state windows by the draft length', () => {
    const layers = modelToLayers(flash, { tokensPerBlock: 256, kvDtype: 'fp8', draftTokens: 3 });
    expect(new Set(layers.map((l) => l.window))).toEqual(new Set([131, null, 11]));
    expect(layers.length).toBe(105);
  });

  it('Pro: 61 layers = 30 CSA x 3 + 31 HCA x 2 manager layers', () => {
    expect(modelToLayers(getPreset('deepseek-v4-pro'), { tokensPerBlock: 128, kvDtype: 'fp8' })).toHaveLength(30 * 3 + 31 * 2);
  });

  it('rejects tokens_per_block outside {128, 256} and other kv dtypes, naming the field', () => {
    expect(() => modelToLayers(flash, { tokensPerBlock: 64, kvDtype: 'fp8' })).toThrow(/^tokens_per_block: got 64/);
    expect(() => modelToLayers(flash, { tokensPerBlock: 256, kvDtype: 'nvfp4' })).toThrow(/^kv_dtype/);
    const twoHeads = { layers: flash.layers.map((l) => (l.kind === 'compressed' ? { ...l, numKvHeads: 2 } : l)) };
    expect(() => modelToLayers(twoHeads, { tokensPerBlock: 256, kvDtype: 'fp8' })).toThrow(InputError);
  });
});

describe('modelToLayers: other kinds (hand-checked)', () => {
  it('full attention: key and value = heads x headDim x dtype bytes x tpb', () => {
    // 8 heads x 128 x 2 B x 32 tokens = 65536
    const [l] = modelToLayers({ layers: [full(8, 128)] }, { tokensPerBlock: 32, kvDtype: 'bf16' });
    expect(l).toEqual({
      layer_id: 0,
      kind: 'attn',
      window: null,
      sink_tokens: null,
      buffers: [
        { role: 'key', bytes_per_block: 65536 },
        { role: 'value', bytes_per_block: 65536 },
      ],
    });
  });

  it('nvfp4: 4-bit values plus one fp8 scale per 16 elements in block-scale buffers', () => {
    // per head: 128/2 = 64 value bytes, 128/16 = 8 scale bytes; x 8 heads x 16 tokens
    const [l] = modelToLayers({ layers: [full(8, 128)] }, { tokensPerBlock: 16, kvDtype: 'nvfp4' });
    expect(l.buffers).toEqual([
      { role: 'key', bytes_per_block: 8192 },
      { role: 'value', bytes_per_block: 8192 },
      { role: 'key_block_quant', bytes_per_block: 1024 },
      { role: 'value_block_quant', bytes_per_block: 1024 },
    ]);
  });

  it('sliding window with sinks keeps window and sink tokens', () => {
    const [l] = modelToLayers({ layers: [sliding(4, 1, 2, 3)] }, { tokensPerBlock: 4, kvDtype: 'fp32' });
    expect(l).toMatchObject({ window: 4, sink_tokens: 3 });
    expect(l.buffers.map((b) => b.bytes_per_block)).toEqual([32, 32]); // 1 x 2 x 4 B x 4
  });

  it('MLA: one K-only latent buffer (512 + 64) x 2 B x tpb', () => {
    const [l] = modelToLayers(getPreset('deepseek-v3'), { tokensPerBlock: 64, kvDtype: 'bf16' });
    expect(l.buffers).toEqual([{ role: 'key', bytes_per_block: 576 * 2 * 64 }]);
  });

  it('chunked attention becomes a window of the chunk size', () => {
    const layers = modelToLayers(getPreset('llama-4-scout'), { tokensPerBlock: 32, kvDtype: 'bf16' });
    expect(layers.filter((l) => l.window === 8192)).toHaveLength(36);
    expect(layers[3].window).toBeNull();
  });

  it('recurrent state: kind ssm, per-request conv + ssm bytes, independent of tpb', () => {
    const m = { layers: [mamba1(8192, 16, 4, 'bf16', 'fp32')] };
    const a = modelToLayers(m, { tokensPerBlock: 32, kvDtype: 'bf16' });
    const b = modelToLayers(m, { tokensPerBlock: 64, kvDtype: 'fp8' });
    expect(a).toEqual(b);
    expect(a[0]).toEqual({
      layer_id: 0,
      kind: 'ssm',
      window: null,
      sink_tokens: null,
      buffers: [
        { role: 'conv_state', bytes_per_block: 8192 * 3 * 2 },
        { role: 'ssm_state', bytes_per_block: 8192 * 16 * 4 },
      ],
    });
  });

  it('gemma-3n shared layers and Nemotron-H MLP layers register nothing', () => {
    expect(modelToLayers(getPreset('gemma-3n-e4b'), { tokensPerBlock: 32, kvDtype: 'bf16' })).toHaveLength(20);
    expect(modelToLayers(getPreset('nemotron-h-8b'), { tokensPerBlock: 32, kvDtype: 'bf16' })).toHaveLength(28);
  });

  it('every preset converts at its defaults with running layer ids', () => {
    for (const p of listPresets()) {
      const layers = modelToLayers(p, p.defaults);
      expect(layers.map((l) => l.layer_id)).toEqual(layers.map((_, i) => i));
      for (const l of layers) for (const b of l.buffers) expect(Number.isSafeInteger(b.bytes_per_block) && b.bytes_per_block > 0).toBe(true);
    }
  });
});
