import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cacheFootprint, describeModel, modelDefaults } from '../../src/model/describe.ts';
import { InputError } from '../../src/model/errors.ts';
import { getPreset, listPresets, PRESET_ALIASES, presetId, presetIds } from '../../src/model/presets.ts';
import type { LayerSpec } from '../../src/model/spec.ts';

/** The reference preset table, copied verbatim into test/fixtures/model/: the presets are transcriptions of it. */
const reference: any[] = JSON.parse(readFileSync(new URL('../fixtures/model/model-presets.json', import.meta.url), 'utf8'));

const REQUIRED = [
  'deepseek-v4-flash',
  'deepseek-v4-pro',
  'deepseek-v3',
  'gpt-oss-20b',
  'gpt-oss-120b',
  'gemma-2-9b',
  'gemma-3-27b',
  'mistral-7b',
  'llama-4-scout',
  'command-a',
  'qwen3-next-80b-a3b',
  'jamba-v0.1',
  'llama-3.1-8b',
];

/** The reference groups layer types; map each spec to the reference's `type` name. */
function refType(l: LayerSpec): string {
  if (l.kind === 'recurrent') return l.variant;
  if (l.kind === 'parallel') return 'full+mamba2';
  return l.kind;
}

describe('presets', () => {
  it('has every required preset, each citing a source', () => {
    for (const id of REQUIRED) {
      const p = getPreset(id);
      expect(p.source.length).toBeGreaterThan(0);
      expect(p.layers.length).toBeGreaterThan(0);
    }
  });

  it('covers every model of the reference, in its order, with its layer count and max context', () => {
    expect(listPresets().map((p) => p.id)).toEqual(reference.map((r) => r.id));
    for (const r of reference) {
      const p = getPreset(r.id);
      expect([p.layers.length, p.maxContext, p.verified, p.source]).toEqual([r.numLayers, r.maxContext, r.verified, r.source]);
    }
  });

  it('per-type layer counts match the reference groups', () => {
    for (const r of reference) {
      const p = getPreset(r.id);
      const want = new Map<string, number>();
      for (const g of r.layers) {
        // DSV4: every layer has the swa group; compressed groups are the ratio 4/128 subsets.
        if (r.id.startsWith('deepseek-v4')) continue;
        want.set(g.type, (want.get(g.type) ?? 0) + g.count);
      }
      if (r.id.startsWith('deepseek-v4')) {
        const ratios = p.layers.map((l) => (l.kind === 'compressed' ? l.ratio : -1));
        const [csa, hca] = [r.layers[1], r.layers[2]];
        expect(ratios.filter((x) => x === 4).length).toBe(csa.count);
        expect(ratios.filter((x) => x === 128).length).toBe(hca.count);
        continue;
      }
      const got = new Map<string, number>();
      for (const l of p.layers) got.set(refType(l), (got.get(refType(l)) ?? 0) + 1);
      expect(Object.fromEntries(got), r.id).toEqual(Object.fromEntries(want));
    }
  });

  it('bf16 footprints equal the reference aggregates for every preset', () => {
    for (const r of reference) {
      const fp = cacheFootprint(getPreset(r.id), 'bf16');
      expect([fp.growingBytesPerToken, fp.windowBoundedBytesPerSeq, fp.stateBytesPerSeq], r.id).toEqual([
        r.growingBytesPerTokenBf16,
        r.windowBoundedBytesPerSeqBf16,
        r.stateBytesPerSeq,
      ]);
    }
  });

  it('DSV4-Flash at fp8 grows 3461 B per token (reference note)', () => {
    expect(cacheFootprint(getPreset('deepseek-v4-flash'), 'fp8').growingBytesPerToken).toBe(3461);
  });

  it('layouts follow the documented patterns', () => {
    const kinds = (id: string) => getPreset(id).layers.map((l) => l.kind);
    expect(kinds('gemma-2-9b').slice(0, 4)).toEqual(['swa', 'full', 'swa', 'full']);
    expect(kinds('gemma-3-27b').slice(0, 6)).toEqual(['swa', 'swa', 'swa', 'swa', 'swa', 'full']);
    expect(kinds('jamba-v0.1').flatMap((k, i) => (k === 'full' ? [i] : []))).toEqual([4, 12, 20, 28]);
    expect(kinds('nemotron-h-8b').flatMap((k, i) => (k === 'full' ? [i] : []))).toEqual([7, 18, 29, 40]);
    expect(kinds('llama-4-scout').flatMap((k, i) => (k === 'full' ? [i] : []))).toEqual(Array.from({ length: 12 }, (_, i) => 4 * i + 3));
    const flash = getPreset('deepseek-v4-flash').layers.map((l) => (l.kind === 'compressed' ? l.ratio : 0));
    expect(flash.slice(0, 5)).toEqual([1, 1, 4, 128, 4]);
    expect(flash.at(-1)).toBe(4);
  });

  it('unknown ids are an InputError that lists the valid ids', () => {
    expect(() => getPreset('llama-9')).toThrow(InputError);
    expect(() => getPreset('llama-9')).toThrow(/preset: got "llama-9"; expected one of deepseek-v4-flash, .*llama-3\.1-8b/);
  });

  it('accepts aliases and case', () => {
    expect(getPreset('Mistral-7B').id).toBe('mistral-7b-v0.1');
    for (const [alias, id] of Object.entries(PRESET_ALIASES)) {
      expect(presetIds()).toContain(id);
      expect(presetId(` ${alias.toUpperCase()} `)).toBe(id);
    }
    // Names from input are own keys only: nothing reaches Object.prototype.
    for (const k of ['constructor', '__proto__', 'toString']) expect(presetId(k)).toBeNull();
  });

  it('defaults: DSV4 fp8 / 256, others bf16 / 32', () => {
    expect(modelDefaults(getPreset('deepseek-v4-pro'))).toEqual({ maxContext: 1048576, kvDtype: 'fp8', tokensPerBlock: 256 });
    expect(modelDefaults(getPreset('llama-3.1-8b'))).toEqual({ maxContext: 131072, kvDtype: 'bf16', tokensPerBlock: 32 });
  });

  it('describeModel gives one line', () => {
    const s = describeModel(getPreset('gemma-2-9b'));
    expect(s).toBe('Gemma 2 9B: 42 layers (21 swa 4096, 21 full); max context 8192; bf16 KV 168.0 KiB/token growing; 672.0 MiB/request windowed');
    for (const p of listPresets()) expect(describeModel(p)).not.toMatch(/\n/);
  });
});
