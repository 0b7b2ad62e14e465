/**
 * Built-in model presets. Layer layouts are written here as patterns over the layer index (the
 * way the HF configs define them); citations and notes come from preset-meta.ts. Both files are
 * transcriptions of the shared reference model-presets.json.
 *
 * Defaults: DeepSeek-V4 uses tokens_per_block 256 and fp8 (the #15401 configuration; TensorRT-LLM
 * allows only 128/256). Everything else uses bf16 (the checkpoints' dtype) and tokens_per_block 32,
 * TensorRT-LLM's default KvCacheConfig.tokens_per_block.
 */
import type { KvDtype } from './dtype.ts';
import { InputError } from './errors.ts';
import { ownLookup } from './parse.ts';
import { PRESET_META } from './preset-meta.ts';
import {
  type CompressedSpec,
  chunked,
  full,
  gatedDeltaNet,
  type LayerSpec,
  layersFromPattern,
  type ModelDefaults,
  type ModelSpec,
  mamba1,
  mamba2,
  sliding,
} from './spec.ts';

export const DEFAULT_TOKENS_PER_BLOCK = 32;
export const DSV4_DEFAULT_TOKENS_PER_BLOCK = 256;

const STD_DEFAULTS: ModelDefaults = { kvDtype: 'bf16', tokensPerBlock: DEFAULT_TOKENS_PER_BLOCK };
const DSV4_DEFAULTS: ModelDefaults = { kvDtype: 'fp8', tokensPerBlock: DSV4_DEFAULT_TOKENS_PER_BLOCK };

/** DeepSeek-V4 layer for one compress_ratios entry (0 in HF configs means SWA only). */
export function dsv4Layer(ratio: number, p: { windowTokens: number; headDim: number; indexHeadDim: number; numKvHeads?: number }): CompressedSpec {
  const r = ratio === 0 ? 1 : ratio;
  return {
    kind: 'compressed',
    ratio: r,
    windowTokens: p.windowTokens,
    numKvHeads: p.numKvHeads ?? 1,
    headDim: p.headDim,
    // Only CSA (ratio 4) layers run the lightning indexer; its keys are fp8 in TensorRT-LLM.
    indexer: r === 4 ? { headDim: p.indexHeadDim, dtype: 'fp8' } : null,
  };
}

const DSV4_DIMS = { windowTokens: 128, headDim: 512, indexHeadDim: 128 };
/** Flash: [0, 0, (4, 128) x 20, 4]; Pro: [128, 128, (4, 128) x 29, 4] (MTP entry dropped). */
const FLASH_RATIOS = [0, 0, ...Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 4 : 128)), 4];
const PRO_RATIOS = [128, 128, ...Array.from({ length: 58 }, (_, i) => (i % 2 === 0 ? 4 : 128)), 4];

/** Global every `period` layers at (i+1) % period == 0, local otherwise (Gemma 3, Cohere2, Llama 4, Qwen3-Next). */
function everyNth(n: number, period: number, global: LayerSpec, local: LayerSpec): LayerSpec[] {
  return layersFromPattern(n, (i) => ((i + 1) % period === 0 ? global : local));
}

/** Even layers sliding, odd layers full (Gemma 2, gpt-oss). */
function alternating(n: number, swa: LayerSpec, glob: LayerSpec): LayerSpec[] {
  return layersFromPattern(n, (i) => (i % 2 === 0 ? swa : glob));
}

function gemma3n(): LayerSpec[] {
  // 35 layers, (i+1) % 5 == 0 global; the last 15 layers reuse the KV of the last owning layer of
  // their type, so only layers 0..19 own cache.
  const own = everyNth(20, 5, full(2, 256), sliding(512, 2, 256));
  const shared = Array.from({ length: 15 }, (_, k): LayerSpec => ({ kind: 'shared', sourceLayer: (20 + k + 1) % 5 === 0 ? 19 : 18 }));
  return [...own, ...shared];
}

function nemotronH8b(): LayerSpec[] {
  // hybrid_override_pattern: M = Mamba-2, * = attention, - = MLP only. ssm state fp32 (mamba_ssm_cache_dtype).
  const pattern = 'M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M-';
  const m = mamba2({ numHeads: 128, headDim: 64, dState: 128, nGroups: 8, dConv: 4 }, 'bf16', 'fp32');
  return [...pattern].map((c): LayerSpec => (c === 'M' ? m : c === '*' ? full(8, 128) : { kind: 'none' }));
}

const gdn = (numValueHeads: number) =>
  gatedDeltaNet({ numKeyHeads: 16, numValueHeads, keyHeadDim: 128, valueHeadDim: 128, convKernel: 4 }, 'bf16', 'fp32');

/** Layer layouts per preset id (the numbers are in model-presets.md with their sources). */
const LAYOUTS: Record<string, () => LayerSpec[]> = {
  'deepseek-v4-flash': () => FLASH_RATIOS.map((r) => dsv4Layer(r, DSV4_DIMS)),
  'deepseek-v4-pro': () => PRO_RATIOS.map((r) => dsv4Layer(r, DSV4_DIMS)),
  'deepseek-v3': () => layersFromPattern(61, () => ({ kind: 'mla', kvLoraRank: 512, ropeDim: 64 })),
  'gemma-2-2b': () => alternating(26, sliding(4096, 4, 256), full(4, 256)),
  'gemma-2-9b': () => alternating(42, sliding(4096, 8, 256), full(8, 256)),
  'gemma-2-27b': () => alternating(46, sliding(4096, 16, 128), full(16, 128)),
  'gemma-3-1b': () => everyNth(26, 6, full(1, 256), sliding(512, 1, 256)),
  'gemma-3-4b': () => everyNth(34, 6, full(4, 256), sliding(1024, 4, 256)),
  'gemma-3-12b': () => everyNth(48, 6, full(8, 256), sliding(1024, 8, 256)),
  'gemma-3-27b': () => everyNth(62, 6, full(16, 128), sliding(1024, 16, 128)),
  'gemma-3n-e4b': gemma3n,
  'mistral-7b-v0.1': () => layersFromPattern(32, () => sliding(4096, 8, 128)),
  'ministral-8b-2410': () => everyNth(36, 4, full(8, 128), sliding(32768, 8, 128)),
  'gpt-oss-20b': () => alternating(24, sliding(128, 8, 64), full(8, 64)),
  'gpt-oss-120b': () => alternating(36, sliding(128, 8, 64), full(8, 64)),
  'llama-4-scout': () => everyNth(48, 4, full(8, 128), chunked(8192, 8, 128)),
  'llama-4-maverick': () => everyNth(48, 4, full(8, 128), chunked(8192, 8, 128)),
  'command-r7b': () => everyNth(32, 4, full(8, 128), sliding(4096, 8, 128)),
  'command-a': () => everyNth(64, 4, full(8, 128), sliding(4096, 8, 128)),
  'qwen3-next-80b-a3b': () => everyNth(48, 4, full(2, 256), gdn(32)),
  'qwen3.5-35b-a3b': () => everyNth(40, 4, full(2, 256), gdn(32)),
  'qwen3.5-397b-a17b': () => everyNth(60, 4, full(2, 256), gdn(64)),
  // Jamba: attention where i % 8 == 4; Mamba-1 state in the model dtype (bf16).
  'jamba-v0.1': () => layersFromPattern(32, (i) => (i % 8 === 4 ? full(8, 128) : mamba1(8192, 16, 4, 'bf16', 'bf16'))),
  'nemotron-h-8b': nemotronH8b,
  'falcon-h1-defaults': () =>
    layersFromPattern(32, () => ({
      kind: 'parallel',
      attention: full(8, 128),
      state: mamba2({ numHeads: 128, headDim: 8, dState: 256, nGroups: 1, dConv: 4 }, 'bf16', 'fp32'),
    })),
  'phi-4-mini': () => layersFromPattern(32, () => full(8, 128)),
  'llama-3.1-8b': () => layersFromPattern(32, () => full(8, 128)),
  'llama-3.1-70b': () => layersFromPattern(80, () => full(8, 128)),
  'qwen2.5-7b': () => layersFromPattern(28, () => full(4, 128)),
};

/** Short ids people type, mapped to the canonical preset id. */
/** Short names accepted for a preset id (CLI and links); a link with one reads as the canonical id. */
export const PRESET_ALIASES: Readonly<Record<string, string>> = Object.freeze({ 'mistral-7b': 'mistral-7b-v0.1', jamba: 'jamba-v0.1', 'falcon-h1': 'falcon-h1-defaults' });

let cache: Map<string, ModelSpec> | null = null;

function build(): Map<string, ModelSpec> {
  const m = new Map<string, ModelSpec>();
  for (const [id, layout] of Object.entries(LAYOUTS)) {
    const meta = PRESET_META[id];
    if (!meta) throw new Error(`preset ${id} has no citation in preset-meta.ts`);
    const layers = layout();
    const dsv4 = layers.some((l) => l.kind === 'compressed');
    m.set(id, { id, ...meta, layers, defaults: dsv4 ? DSV4_DEFAULTS : STD_DEFAULTS });
  }
  return m;
}

function presets(): Map<string, ModelSpec> {
  if (cache === null) cache = build();
  return cache;
}

/** All presets, in the reference's order. */
export function listPresets(): ModelSpec[] {
  return [...presets().values()];
}

export function presetIds(): string[] {
  return [...presets().keys()];
}

/** The canonical id of a preset id or alias (any case, blanks trimmed), or null. */
export function presetId(id: string): string | null {
  if (typeof id !== 'string') return null;
  const key = id.trim().toLowerCase();
  const canonical = ownLookup(PRESET_ALIASES, key) ?? key;
  return presets().has(canonical) ? canonical : null;
}

/** A preset by id (or short alias); InputError listing the valid ids otherwise. */
export function getPreset(id: string): ModelSpec {
  const canonical = presetId(id);
  if (canonical === null) throw new InputError('preset', id, `one of ${presetIds().join(', ')}`);
  return presets().get(canonical)!;
}

export function hasPreset(id: string): boolean {
  return presetId(id) !== null;
}

/** The kv dtype a preset is usually served with; exported for CLI/UI defaults. */
export function defaultKvDtype(model: ModelSpec): KvDtype {
  return model.defaults.kvDtype;
}
