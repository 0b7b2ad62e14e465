/**
 * Import of a Hugging Face config.json into a ModelSpec. The layer layout is read the way the
 * model's transformers/vLLM code derives it, in this order of precedence:
 *
 *   compress_ratios          DeepSeek-V4 (0 -> SWA only, 4 -> CSA, 128 -> HCA)
 *   layer_types              explicit per-layer list (gpt-oss, Gemma 3/3n, Qwen3-Next, ...)
 *   layers_block_type        explicit list of mamba / attention / mlp (Jamba-style hybrids)
 *   hybrid_override_pattern  Nemotron-H string: M = Mamba-2, * = attention, - / E = no cache
 *   attn_layer_period/offset Jamba: attention where i % period == offset, Mamba-1 elsewhere
 *   full_attention_interval  Qwen3-Next: full where (i+1) % k == 0, Gated DeltaNet elsewhere
 *   sliding_window_pattern   Gemma 3 / Cohere2: full where (i+1) % p == 0, sliding elsewhere
 *   model_type gemma2        even layers sliding, odd layers full
 *   attention_chunk_size     Llama 4: chunked on RoPE layers, full on NoPE layers
 *                            (no_rope_layers list, or every no_rope_layer_interval-th layer)
 *   sliding_window           every layer sliding (Mistral), unless use_sliding_window is false
 *   otherwise                every layer full attention; kv_lora_rank turns it into MLA
 *
 * Unrelated keys (vocab_size, rope_theta, ...) are ignored. Missing, unknown or contradictory
 * values that change the cache throw an InputError naming the field.
 */

import { LIMITS } from '../limits.ts';
import { type KvDtype, parseKvDtype } from './dtype.ts';
import { InputError } from './errors.ts';
import { HfReader, isObject } from './hf-reader.ts';
import { ownLookup, parseJsonChecked } from './parse.ts';
import { DEFAULT_TOKENS_PER_BLOCK, DSV4_DEFAULT_TOKENS_PER_BLOCK, dsv4Layer } from './presets.ts';
import { chunked, full, gatedDeltaNet, type LayerSpec, type ModelSpec, mamba1, mamba2, type RecurrentSpec, sliding } from './spec.ts';

export interface HfImportOptions {
  id?: string;
  name?: string;
  /** Citation for the config (file name or repository). */
  source?: string;
}

/** Per-layer cache type before dimensions are attached. */
type LayerType = 'full' | 'swa' | 'chunked' | 'gdn' | 'mamba' | 'none';

const LAYER_TYPE_NAMES: Record<string, LayerType> = {
  full_attention: 'full',
  attention: 'full',
  sliding_attention: 'swa',
  chunked_attention: 'chunked',
  linear_attention: 'gdn',
  mamba: 'mamba',
  mlp: 'none',
  moe: 'none',
};

/**
 * model_type values whose layout this importer reads (by the rules above). Another value is
 * imported by the generic rules, with a warning: its layout may need keys this importer ignores.
 */
const KNOWN_MODEL_TYPES = new Set([
  'llama', 'llama4', 'llama4_text', 'mistral', 'mixtral', 'ministral', 'qwen2', 'qwen2_moe', 'qwen3', 'qwen3_moe', 'qwen3_next',
  'gemma', 'gemma2', 'gemma3', 'gemma3_text', 'gemma3n', 'gemma3n_text', 'cohere', 'cohere2', 'gpt_oss', 'phi3', 'phi', 'granite',
  'deepseek_v2', 'deepseek_v3', 'deepseek_v4', 'jamba', 'nemotron_h', 'falcon_h1', 'falcon_mamba', 'mamba', 'mamba2', 'olmo2', 'starcoder2',
]);
/** Pure recurrent models: every layer is a Mamba mixer, and there is no context limit. */
const PURE_MAMBA = new Set(['mamba', 'falcon_mamba', 'mamba2']);

/** Parse config.json text; malformed or too deeply nested JSON is an InputError like any other bad input. */
export function parseHfConfigText(text: string, opts: HfImportOptions = {}): ModelSpec {
  return importHfConfig(parseJsonChecked(text, 'config.json'), opts);
}

function modelTypeWarnings(c: HfReader, raw: Record<string, unknown>): string[] {
  const types = [raw.model_type, isObject(raw.text_config) ? raw.text_config.model_type : undefined].filter((t) => t !== undefined);
  if (types.some((t) => typeof t === 'string' && KNOWN_MODEL_TYPES.has(t))) return [];
  if (types.length === 0) return ['model_type: none given; the layout was read by the generic rules (check the layer kinds)'];
  return [`${c.field('model_type')}: ${JSON.stringify(types[types.length - 1]).slice(0, 60)} is not a model type this importer knows; the layout was read by the generic rules (check the layer kinds)`];
}

export function importHfConfig(raw: unknown, opts: HfImportOptions = {}): ModelSpec {
  if (!isObject(raw)) throw new InputError('config.json', raw, 'a JSON object (a Hugging Face config.json)');
  const c = new HfReader(raw);
  const n = c.int('num_hidden_layers', 1, LIMITS.layers.max);
  const pureMamba = PURE_MAMBA.has(String(c.raw('model_type')));
  const notes: string[] = [];
  // A pure recurrent model has no position limit; plan it up to a long default unless told.
  const maxContext = pureMamba && !c.has('max_position_embeddings') ? PURE_MAMBA_CONTEXT : c.int('max_position_embeddings', 1, LIMITS.tokens.max);
  if (pureMamba && !c.has('max_position_embeddings')) notes.push(`No max_position_embeddings (recurrent state has no context limit): maxSeqLen defaults to ${PURE_MAMBA_CONTEXT}.`);
  const modelDtype = modelDtypeOf(c);
  const types = pureMamba ? periodic(n, () => true, 'mamba', 'mamba') : null;
  const layers = c.has('compress_ratios') ? dsv4Layers(c, n) : attachDims(c, types ?? layerTypes(c, n), maxContext, modelDtype, notes);
  const warnings = modelTypeWarnings(c, raw);
  const dsv4 = layers.some((l) => l.kind === 'compressed');
  const name = opts.name ?? nameOf(raw);
  return {
    id: opts.id ?? 'hf-config',
    name,
    source: [opts.source ?? 'Hugging Face config.json (user supplied)'],
    maxContext,
    layers,
    notes: notes.join(' '),
    verified: true,
    ...(warnings.length > 0 ? { warnings } : {}),
    // DSV4: the #15401 serving configuration; others: the checkpoint dtype and TensorRT-LLM's tpb.
    defaults: dsv4 ? { kvDtype: 'fp8', tokensPerBlock: DSV4_DEFAULT_TOKENS_PER_BLOCK } : { kvDtype: modelDtype, tokensPerBlock: DEFAULT_TOKENS_PER_BLOCK },
  };
}

/** maxSeqLen of a pure recurrent model without max_position_embeddings (any value sizes it the same). */
const PURE_MAMBA_CONTEXT = 131_072;

function nameOf(raw: Record<string, unknown>): string {
  for (const k of ['_name_or_path', 'model_type']) if (typeof raw[k] === 'string' && raw[k] !== '') return raw[k] as string;
  return 'imported config.json';
}

const CHECKPOINT_DTYPES: Readonly<Record<string, KvDtype>> = { bfloat16: 'bf16', float16: 'fp16', float32: 'bf16', auto: 'bf16' };

/**
 * The KV dtype an engine picks by default for this checkpoint: its dtype, except that float32
 * checkpoints (Gemma 2 ships one) are served in bf16; "auto" and no dtype mean bf16. Any other
 * value is refused, naming the field (an own-property lookup: "__proto__" is not a dtype).
 */
function modelDtypeOf(c: HfReader): KvDtype {
  const name = c.has('torch_dtype') ? 'torch_dtype' : 'dtype';
  const v = c.raw(name);
  if (v === undefined) return 'bf16';
  const d = ownLookup(CHECKPOINT_DTYPES, v);
  if (d === undefined) throw new InputError(c.field(name), v, `one of ${Object.keys(CHECKPOINT_DTYPES).join(', ')}`);
  return d;
}

// ---- DeepSeek-V4 -------------------------------------------------------------------------------

function dsv4Layers(c: HfReader, n: number): LayerSpec[] {
  const f = c.field('compress_ratios');
  const ratios = c.intArray('compress_ratios', 0)!;
  // The real configs carry one trailing entry per MTP layer; those are not main-model layers.
  const mtp = c.optInt('num_nextn_predict_layers', 0) ?? 0;
  if (ratios.length !== n && ratios.length !== n + mtp) {
    const ok = mtp > 0 ? `${n} or ${n + mtp} (num_hidden_layers + num_nextn_predict_layers)` : `${n} (num_hidden_layers)`;
    throw new InputError(`${f}.length`, ratios.length, ok);
  }
  ratios.forEach((r, i) => {
    if (![0, 1, 4, 128].includes(r)) throw new InputError(`${f}[${i}]`, r, '0 or 1 (SWA only), 4 (CSA) or 128 (HCA)');
  });
  if (!c.has('sliding_window')) throw new InputError('sliding_window', undefined, 'a positive integer: every DeepSeek-V4 layer keeps a sliding-window cache');
  const numKvHeads = c.optInt('num_key_value_heads') ?? 1;
  if (numKvHeads !== 1) throw new InputError(c.field('num_key_value_heads'), numKvHeads, '1 (DeepSeek-V4 attention is MQA over one latent head)');
  const main = ratios.slice(0, n);
  const dims = {
    windowTokens: c.int('sliding_window'),
    headDim: c.int('head_dim'),
    // The indexer exists only on CSA layers, so only they need its width.
    indexHeadDim: main.includes(4) ? c.int('index_head_dim') : 0,
  };
  return main.map((r) => dsv4Layer(r, dims));
}

// ---- layer types -------------------------------------------------------------------------------

function fromList(c: HfReader, name: string, n: number): LayerType[] {
  const list = c.array(name)!;
  const f = c.field(name);
  if (list.length !== n) throw new InputError(`${f}.length`, list.length, `${n} (num_hidden_layers)`);
  return list.map((v, i) => {
    const t = ownLookup(LAYER_TYPE_NAMES, v);
    if (t === undefined) throw new InputError(`${f}[${i}]`, v, `one of ${Object.keys(LAYER_TYPE_NAMES).join(', ')}`);
    return t;
  });
}

function periodic(n: number, isGlobal: (i: number) => boolean, global: LayerType, local: LayerType): LayerType[] {
  return Array.from({ length: n }, (_, i) => (isGlobal(i) ? global : local));
}

function layerTypes(c: HfReader, n: number): LayerType[] {
  if (c.has('layer_types')) {
    const types = fromList(c, 'layer_types', n);
    checkAgainst(c, 'sliding_window_pattern', types, (p, i) => ((i + 1) % p === 0 ? 'full' : 'swa'));
    checkAgainst(c, 'full_attention_interval', types, (k, i) => ((i + 1) % k === 0 ? 'full' : 'gdn'));
    return types;
  }
  if (c.has('layers_block_type')) return fromList(c, 'layers_block_type', n);
  if (c.has('hybrid_override_pattern')) return hybridPattern(c, n);
  if (c.has('attn_layer_period')) {
    const period = c.int('attn_layer_period');
    const offset = c.int('attn_layer_offset', 0);
    if (offset >= period) throw new InputError(c.field('attn_layer_offset'), offset, `an integer in [0, attn_layer_period - 1 = ${period - 1}]`);
    return periodic(n, (i) => i % period === offset, 'full', 'mamba');
  }
  if (c.has('mamba_d_ssm')) return periodic(n, () => true, 'full', 'full'); // parallel hybrid: see attachDims
  if (c.has('full_attention_interval')) {
    const k = c.int('full_attention_interval');
    return periodic(n, (i) => (i + 1) % k === 0, 'full', 'gdn');
  }
  if (c.has('sliding_window_pattern')) {
    const p = c.int('sliding_window_pattern');
    return periodic(n, (i) => (i + 1) % p === 0, 'full', 'swa');
  }
  if (c.raw('model_type') === 'gemma2') return periodic(n, (i) => i % 2 === 1, 'full', 'swa');
  if (c.has('attention_chunk_size')) return llama4Types(c, n);
  if (c.has('sliding_window') && c.bool('use_sliding_window') !== false) {
    // Qwen2-style: with use_sliding_window, only layers >= max_window_layers slide.
    const from = c.bool('use_sliding_window') === true ? (c.optInt('max_window_layers', 0) ?? 0) : 0;
    return periodic(n, (i) => i < from, 'full', 'swa');
  }
  return periodic(n, () => true, 'full', 'full');
}

/** A pattern field that is also given next to layer_types must agree with it. */
function checkAgainst(c: HfReader, name: string, types: LayerType[], derive: (k: number, i: number) => LayerType): void {
  if (!c.has(name)) return;
  const k = c.int(name);
  const kinds = new Set([derive(k, 0), derive(k, k - 1)]);
  types.forEach((t, i) => {
    // Only compare the kinds this pattern talks about (layer_types may also list other kinds).
    if (kinds.has(t) && derive(k, i) !== t) {
      throw new InputError(c.field(name), k, `a value consistent with layer_types (layer ${i} is ${t === 'swa' ? 'sliding' : t}), or no ${name}`);
    }
  });
}

function hybridPattern(c: HfReader, n: number): LayerType[] {
  const f = c.field('hybrid_override_pattern');
  const p = c.string('hybrid_override_pattern')!;
  if (p.length !== n) throw new InputError(`${f}.length`, p.length, `${n} (num_hidden_layers)`);
  const map: Record<string, LayerType> = { M: 'mamba', '*': 'full', '-': 'none', E: 'none' };
  return [...p].map((ch, i) => {
    const t = ownLookup(map, ch);
    if (t === undefined) throw new InputError(`${f}[${i}]`, ch, 'M (Mamba-2), * (attention), - (MLP) or E (MoE)');
    return t;
  });
}

/** Llama 4: RoPE layers use chunked local attention, NoPE layers are global. */
function llama4Types(c: HfReader, n: number): LayerType[] {
  const list = c.array('no_rope_layers');
  if (list !== undefined && list.length > 0) {
    const f = c.field('no_rope_layers');
    if (list.length !== n) throw new InputError(`${f}.length`, list.length, `${n} (num_hidden_layers)`);
    return list.map((v, i) => {
      // transformers: 1 = this layer uses RoPE (chunked), 0 = NoPE (global).
      if (v !== 0 && v !== 1) throw new InputError(`${f}[${i}]`, v, '0 (NoPE, global) or 1 (RoPE, chunked)');
      return v === 1 ? 'chunked' : 'full';
    });
  }
  const k = c.optInt('no_rope_layer_interval') ?? 4;
  return periodic(n, (i) => (i + 1) % k === 0, 'full', 'chunked');
}

// ---- dimensions --------------------------------------------------------------------------------

function attachDims(c: HfReader, types: LayerType[], maxContext: number, modelDtype: KvDtype, notes: string[]): LayerSpec[] {
  const n = types.length;
  const shared = c.optInt('num_kv_shared_layers', 0) ?? 0;
  if (shared >= n) throw new InputError(c.field('num_kv_shared_layers'), shared, `an integer in [0, num_hidden_layers - 1 = ${n - 1}]`);
  const cache = new Map<LayerType, LayerSpec>();
  const spec = (t: LayerType): LayerSpec => {
    let s = cache.get(t);
    if (s === undefined) cache.set(t, (s = layerSpec(c, t, maxContext, modelDtype, notes)));
    return s;
  };
  const owners = n - shared;
  return types.map((t, i): LayerSpec => {
    if (i < owners) return spec(t);
    // Gemma 3n: the last layers reuse the KV of the last owning layer of the same type.
    const src = types.slice(0, owners).lastIndexOf(t);
    return { kind: 'shared', sourceLayer: src < 0 ? null : src };
  });
}

function layerSpec(c: HfReader, t: LayerType, maxContext: number, modelDtype: KvDtype, notes: string[]): LayerSpec {
  switch (t) {
    case 'full': {
      if (c.has('kv_lora_rank')) return { kind: 'mla', kvLoraRank: c.int('kv_lora_rank'), ropeDim: c.int('qk_rope_head_dim', 0) };
      const s = attnShape(c);
      if (c.has('mamba_d_ssm')) return { kind: 'parallel', attention: full(s.numKvHeads, s.headDim), state: falconMamba(c, modelDtype) };
      return full(s.numKvHeads, s.headDim);
    }
    case 'swa': {
      if (!c.has('sliding_window')) throw new InputError('sliding_window', undefined, 'a positive integer, because the layout has sliding-window layers');
      const w = c.int('sliding_window');
      const s = attnShape(c);
      if (w >= maxContext) {
        notes.push(`sliding_window ${w} >= max_position_embeddings ${maxContext}: the window never drops a token, so those layers are full attention.`);
        return full(s.numKvHeads, s.headDim);
      }
      return sliding(w, s.numKvHeads, s.headDim);
    }
    case 'chunked': {
      if (!c.has('attention_chunk_size')) throw new InputError('attention_chunk_size', undefined, 'a positive integer, because the layout has chunked-attention layers');
      const s = attnShape(c);
      return chunked(c.int('attention_chunk_size'), s.numKvHeads, s.headDim);
    }
    case 'gdn':
      // vLLM keeps the Gated DeltaNet state in fp32 and the conv state in the model dtype.
      return gatedDeltaNet(
        {
          numKeyHeads: c.int('linear_num_key_heads'),
          numValueHeads: c.int('linear_num_value_heads'),
          keyHeadDim: c.int('linear_key_head_dim'),
          valueHeadDim: c.int('linear_value_head_dim'),
          convKernel: c.int('linear_conv_kernel_dim', 2),
        },
        modelDtype,
        ssmDtypeOf(c, 'fp32'),
      );
    case 'mamba':
      return mambaSpec(c, modelDtype);
    case 'none':
      return { kind: 'none' };
  }
}

function ssmDtypeOf(c: HfReader, fallback: KvDtype): KvDtype {
  const v = c.raw('mamba_ssm_cache_dtype');
  return v === undefined || v === 'auto' ? fallback : parseKvDtype(v, c.field('mamba_ssm_cache_dtype'));
}

function mambaSpec(c: HfReader, modelDtype: KvDtype): RecurrentSpec {
  const type = c.raw('model_type');
  if (type === 'mamba' || type === 'falcon_mamba') {
    // Mamba-1 (transformers MambaConfig): vLLM sizes d_inner = intermediate_size, conv
    // (d_inner, conv_kernel - 1) and ssm (d_inner, state_size), both in the model dtype.
    const dInner = c.has('intermediate_size') ? c.int('intermediate_size') : c.int('expand') * c.int('hidden_size');
    return mamba1(dInner, c.int('state_size'), c.int('conv_kernel', 2), modelDtype, ssmDtypeOf(c, modelDtype));
  }
  if (type === 'mamba2') {
    // Mamba2Config: num_heads x head_dim heads, state_size, n_groups; ssm state in fp32 by default.
    const p = { numHeads: c.int('num_heads'), headDim: c.int('head_dim'), dState: c.int('state_size'), nGroups: c.int('n_groups'), dConv: c.int('conv_kernel', 2) };
    return mamba2(p, modelDtype, ssmDtypeOf(c, 'fp32'));
  }
  if (c.has('mamba_num_heads')) {
    // Nemotron-H (Mamba-2); transformers defaults its ssm cache to float32.
    const p = { numHeads: c.int('mamba_num_heads'), headDim: c.int('mamba_head_dim'), dState: c.int('ssm_state_size'), nGroups: c.int('n_groups'), dConv: c.int('conv_kernel', 2) };
    return mamba2(p, modelDtype, ssmDtypeOf(c, 'fp32'));
  }
  // Jamba (Mamba-1): d_inner = mamba_expand x hidden_size; state kept in the model dtype.
  const dInner = c.int('mamba_expand') * c.int('hidden_size');
  return mamba1(dInner, c.int('mamba_d_state'), c.int('mamba_d_conv', 2), modelDtype, ssmDtypeOf(c, modelDtype));
}

/** Falcon-H1: every layer runs attention and a Mamba-2 mixer in parallel. */
function falconMamba(c: HfReader, modelDtype: KvDtype): RecurrentSpec {
  const p = { numHeads: c.int('mamba_n_heads'), headDim: c.int('mamba_d_head'), dState: c.int('mamba_d_state'), nGroups: c.int('mamba_n_groups'), dConv: c.int('mamba_d_conv', 2) };
  return mamba2(p, modelDtype, ssmDtypeOf(c, 'fp32'));
}

/** KV heads and head dim; head_dim defaults to hidden_size / num_attention_heads as in transformers. */
function attnShape(c: HfReader): { numKvHeads: number; headDim: number } {
  const heads = c.int('num_attention_heads');
  const kv = c.optInt('num_key_value_heads') ?? heads;
  if (kv > heads || heads % kv !== 0) throw new InputError(c.field('num_key_value_heads'), kv, `a divisor of num_attention_heads = ${heads}`);
  const explicit = c.optInt('head_dim') ?? c.optInt('attention_head_dim');
  if (explicit !== undefined) return { numKvHeads: kv, headDim: explicit };
  const hidden = c.int('hidden_size');
  if (hidden % heads !== 0) throw new InputError('head_dim', undefined, `an integer: hidden_size ${hidden} is not a multiple of num_attention_heads ${heads}`);
  return { numKvHeads: kv, headDim: hidden / heads };
}

/** Alias used by the CLI (`kvpool plan --config`). */
export const modelFromHfConfig = importHfConfig;
