/**
 * Other engines' pool strategies, for a side-by-side with trtllm-v2 (each engine's documented formula, cited per sizer below):
 *
 *   vllm        one shared block pool; layers cut into equal-size groups (padding), pages unified
 *   sglang      two pools, full and SWA, split by swa_full_tokens_ratio (default 0.8)
 *   trtllm-v1   one pool per window size, a static share by window x layers x bytes/token
 *   llama.cpp   unified cells; SWA cache = PAD(n_swa * n_seq + n_ubatch, 256)
 *
 * These are sizing models written from each engine's documented formula, not ports (the ports are
 * the registry engines vllm-v1 and sglang, src/planner/vllm and src/planner/sglang): they answer
 * "how many long requests / short decodes fit, and how much memory is stranded" for the same
 * layers and quota. Layers come in the engine scenario form, so any preset or config works.
 */
import { decodeBlocksRange } from './lifecycle.ts';
import { divUp } from './pymath.ts';
import type { LayerJson } from './scenario.ts';

export const PEER_ENGINES = ['vllm', 'sglang', 'trtllm-v1', 'llama.cpp'] as const;
export type PeerEngine = (typeof PEER_ENGINES)[number];

export interface PeerKnobs {
  tokensPerBlock: number;
  maxSeqLen: number;
  maxBatchSize: number;
  maxNumTokens: number | null;
  quotaBytes: number;
}

export interface PeerPool {
  readonly name: string;
  /** Blocks (pages) in the pool; tokens = blocks x tokensPerBlock for token pools. */
  readonly blocks: number;
  readonly bytes: number;
}

export interface PeerSizing {
  readonly engine: PeerEngine;
  readonly topology: string;
  readonly supported: boolean;
  readonly pools: readonly PeerPool[];
  /** Concurrent requests of maxSeqLen tokens (decoding at their last token). */
  readonly maxLongRequests: number;
  /**
   * Concurrent decodes the windowed pools allow, for requests past their window, at the worst
   * block alignment (the straddle): the #15401 failure mode. Infinity when nothing is windowed.
   */
  readonly maxShortDecodes: number;
  /** Bytes the layout can never use (group padding, page padding, rounding). */
  readonly strandedBytes: number;
  readonly notes: readonly string[];
}

interface LayerKind {
  kind: 'full' | 'swa' | 'ssm';
  window: number | null;
  /** attention: bytes per block of this layer (all its buffers); ssm: state bytes per request. */
  pageBytes: number;
}

function kinds(layers: readonly LayerJson[]): LayerKind[] {
  return layers.map((l) => ({
    kind: l.kind === 'ssm' ? 'ssm' : l.window === null ? 'full' : 'swa',
    window: l.window,
    pageBytes: l.buffers.reduce((a, b) => a + b.bytes_per_block, 0),
  }));
}

/** Blocks one decode holds in a window of w tokens at the worst alignment (same rule as the planner). */
const windowBlocks = (w: number, tpb: number) => decodeBlocksRange({ id: 0, kind: 'attn', windowTokens: w, sinkBlocks: 0 }, tpb).worst;

const unsupported = (engine: PeerEngine, topology: string, why: string): PeerSizing => ({ engine, topology, supported: false, pools: [], maxLongRequests: 0, maxShortDecodes: 0, strandedBytes: 0, notes: [why] });

/** vLLM v1: `_get_kv_cache_groups_uniform_page_size` + `max_memory_usage_bytes` per spec. */
export function vllmSizing(layers: readonly LayerJson[], k: PeerKnobs): PeerSizing {
  const ls = kinds(layers);
  const tpb = k.tokensPerBlock;
  const chunk = k.maxNumTokens ?? k.maxSeqLen;
  const byType = new Map<string, LayerKind[]>();
  for (const l of ls) byType.set(`${l.kind}:${l.window}`, [...(byType.get(`${l.kind}:${l.window}`) ?? []), l]);
  const counts = [...byType.values()].map((v) => v.length);
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  const groupSize = max < 1.5 * min ? max : min; // equal-size groups; short ones padded
  const page = Math.max(...ls.map((l) => l.pageBytes)); // smaller pages padded to the largest
  const numBlocks = Math.floor(k.quotaBytes / page / groupSize);
  let perLong = 0;
  let perShort = 0;
  let paddingLayers = 0;
  let pagePadding = 0;
  let totalGroups = 0;
  for (const [key, members] of byType) {
    const groups = divUp(members.length, groupSize);
    paddingLayers += groups * groupSize - members.length;
    totalGroups += groups;
    pagePadding += members.reduce((a, l) => a + (page - l.pageBytes), 0);
    const [kind] = key.split(':');
    const w = members[0].window ?? 0;
    // pages one request may need: the per-spec bound vLLM admits with (the +1 is the straddle)
    const long = kind === 'ssm' ? 1 : kind === 'full' ? divUp(k.maxSeqLen, tpb) : divUp(Math.min(w - 1 + chunk, k.maxSeqLen), tpb) + 1;
    perLong += groups * long;
    if (kind === 'swa') perShort += groups * windowBlocks(w, tpb);
  }
  return {
    engine: 'vllm',
    topology: `one shared pool of ${numBlocks} blocks x ${groupSize} layers per group`,
    supported: true,
    pools: [{ name: 'shared', blocks: numBlocks, bytes: numBlocks * page * groupSize }],
    maxLongRequests: Math.floor(numBlocks / perLong),
    maxShortDecodes: perShort === 0 ? Number.POSITIVE_INFINITY : Math.floor(numBlocks / perShort),
    // Every block spans groupSize layer slots; padding slots and padded pages are never read.
    // Reported as vLLM's warning does: the most it may waste.
    strandedBytes: Math.floor((numBlocks * page * groupSize * (paddingLayers * page + pagePadding)) / (totalGroups * groupSize * page)),
    notes: [
      `${byType.size} layer types cut into groups of ${groupSize} (${paddingLayers} padding layers)`,
      'admission bound per request: full cdiv(maxSeqLen, B); SWA cdiv(min(W-1+maxNumTokens, maxSeqLen), B)+1; state 1',
      'an approximation on our block size; the exact port of vLLM v1 @001cabc is --engine vllm-v1',
    ],
  };
}

/** SGLang: `set_num_token_hybrid` with swa_full_tokens_ratio. */
export function sglangSizing(layers: readonly LayerJson[], k: PeerKnobs, ratio = 0.8): PeerSizing {
  const ls = kinds(layers);
  if (ls.some((l) => l.kind === 'ssm')) return unsupported('sglang', 'full + SWA pools', 'recurrent-state layers use a separate Mamba pool not modelled here');
  const tpb = k.tokensPerBlock;
  const full = ls.filter((l) => l.kind === 'full');
  const swa = ls.filter((l) => l.kind === 'swa');
  const bpt = (l: LayerKind) => l.pageBytes / tpb;
  const uniform = Math.floor(k.quotaBytes / ls.reduce((a, l) => a + bpt(l), 0)); // as if all layers were full
  const total = uniform * ls.length;
  const fullTokens = swa.length === 0 ? uniform : Math.floor(total / (ratio * swa.length + full.length));
  const swaTokens = Math.floor(ratio * fullTokens);
  const fullPages = Math.floor(fullTokens / tpb);
  const swaPages = swa.length === 0 ? 0 : Math.floor(swaTokens / tpb);
  const fullBytes = fullPages * full.reduce((a, l) => a + l.pageBytes, 0);
  const swaBytes = swaPages * swa.reduce((a, l) => a + l.pageBytes, 0);
  const w = Math.max(0, ...swa.map((l) => l.window ?? 0));
  const longFull = full.length ? Math.floor(fullPages / divUp(k.maxSeqLen, tpb)) : Number.POSITIVE_INFINITY;
  const longSwa = swa.length ? Math.floor(swaPages / (divUp(Math.min(w, k.maxSeqLen), tpb) + 1)) : Number.POSITIVE_INFINITY;
  const shortSwa = swa.length ? Math.floor(swaPages / windowBlocks(w, tpb)) : Number.POSITIVE_INFINITY;
  return {
    engine: 'sglang',
    topology: `full pool ${fullTokens} tokens, SWA pool ${swaTokens} tokens (ratio ${ratio})`,
    supported: true,
    pools: [{ name: 'full', blocks: fullPages, bytes: fullBytes }, ...(swa.length ? [{ name: 'swa', blocks: swaPages, bytes: swaBytes }] : [])],
    maxLongRequests: Math.min(longFull, longSwa),
    maxShortDecodes: shortSwa,
    strandedBytes: Math.max(0, k.quotaBytes - fullBytes - swaBytes),
    notes: ['the split assumes equal bytes per token in every layer; the ratio is a guess the user tunes', 'an approximation; the port of SGLang @003fca8 (HybridSWA and chunk-cap configurators) is --engine sglang'],
  };
}

/** TensorRT-LLM V1 VSWA: one pool per window, static share by window x layers x bytes per token. */
export function trtllmV1Sizing(layers: readonly LayerJson[], k: PeerKnobs): PeerSizing {
  const ls = kinds(layers);
  if (ls.some((l) => l.kind === 'ssm')) return unsupported('trtllm-v1', 'one pool per window', 'V1 VSWA does not hold recurrent state');
  const tpb = k.tokensPerBlock;
  const byWindow = new Map<number, LayerKind[]>();
  for (const l of ls) {
    const w = Math.min(l.window ?? k.maxSeqLen, k.maxSeqLen);
    byWindow.set(w, [...(byWindow.get(w) ?? []), l]);
  }
  const weight = (w: number, m: LayerKind[]) => w * m.reduce((a, l) => a + l.pageBytes / tpb, 0);
  const totalWeight = [...byWindow].reduce((a, [w, m]) => a + weight(w, m), 0);
  let long = Number.POSITIVE_INFINITY;
  let short = Number.POSITIVE_INFINITY;
  let used = 0;
  const pools: PeerPool[] = [];
  for (const [w, m] of [...byWindow].sort((a, b) => a[0] - b[0])) {
    const blockBytes = m.reduce((a, l) => a + l.pageBytes, 0); // one block holds all layers of the window
    const blocks = Math.floor((k.quotaBytes * weight(w, m)) / totalWeight / blockBytes);
    const windowed = w < k.maxSeqLen;
    long = Math.min(long, Math.floor(blocks / (divUp(w, tpb) + (windowed ? 1 : 0))));
    if (windowed) short = Math.min(short, Math.floor(blocks / windowBlocks(w, tpb)));
    used += blocks * blockBytes;
    pools.push({ name: windowed ? `window ${w}` : 'full', blocks, bytes: blocks * blockBytes });
  }
  return {
    engine: 'trtllm-v1',
    topology: `${pools.length} window pool(s), static shares`,
    supported: true,
    pools,
    maxLongRequests: long,
    maxShortDecodes: short,
    strandedBytes: Math.max(0, k.quotaBytes - used),
    notes: ['the share is fixed at init; some versions still size as if every layer were full attention'],
  };
}

/** llama.cpp `llama_kv_cache_iswa`: unified cells; SWA cache = min(n_ctx, PAD(n_swa * n_seq + n_ubatch, 256)). */
export function llamaCppSizing(layers: readonly LayerJson[], k: PeerKnobs): PeerSizing {
  const ls = kinds(layers);
  const tpb = k.tokensPerBlock;
  const nSeq = k.maxBatchSize;
  const nUbatch = Math.min(k.maxNumTokens ?? 512, 512);
  const fullBpt = ls.filter((l) => l.kind === 'full').reduce((a, l) => a + l.pageBytes / tpb, 0);
  const swaBpt = ls.filter((l) => l.kind === 'swa').reduce((a, l) => a + l.pageBytes / tpb, 0);
  const stateBytes = ls.filter((l) => l.kind === 'ssm').reduce((a, l) => a + l.pageBytes, 0) * nSeq; // n_seq_max recurrent cells
  const nSwa = Math.max(0, ...ls.filter((l) => l.kind === 'swa').map((l) => l.window ?? 0));
  const swaCells = (nCtx: number) => (swaBpt === 0 ? 0 : Math.min(nCtx, divUp(nSwa * nSeq + nUbatch, 256) * 256));
  const bytesAt = (nCtx: number) => nCtx * fullBpt + swaCells(nCtx) * swaBpt + stateBytes;
  if (bytesAt(256) > k.quotaBytes) return unsupported('llama.cpp', 'unified cells', 'the quota cannot hold 256 cells plus the SWA and state caches');
  let lo = 256; // cells come in multiples of 256 (n_pad)
  let hi = 256;
  while (bytesAt(hi * 2) <= k.quotaBytes && hi < 2 ** 40) hi *= 2;
  hi *= 2;
  while (hi - lo > 256) {
    const mid = Math.floor((lo + hi) / 512) * 256;
    if (bytesAt(mid) <= k.quotaBytes) lo = mid;
    else hi = mid;
  }
  const nCtx = fullBpt === 0 ? Math.max(lo, swaCells(lo)) : lo;
  const used = bytesAt(nCtx);
  return {
    engine: 'llama.cpp',
    topology: `${nCtx} unified cells, SWA cache ${swaCells(nCtx)} cells for ${nSeq} sequences`,
    supported: true,
    pools: [{ name: 'cells', blocks: Math.floor(nCtx / tpb), bytes: nCtx * fullBpt }, ...(swaBpt ? [{ name: 'swa cells', blocks: Math.floor(swaCells(nCtx) / tpb), bytes: swaCells(nCtx) * swaBpt }] : [])],
    maxLongRequests: Math.min(nSeq, fullBpt === 0 ? nSeq : Math.floor(nCtx / k.maxSeqLen)),
    maxShortDecodes: swaBpt === 0 ? Number.POSITIVE_INFINITY : nSeq, // the SWA cache holds n_seq windows by construction
    strandedBytes: Math.max(0, k.quotaBytes - used),
    notes: ['the SWA cache is sized for n_seq windows plus one micro-batch: no branching or rewind (no speculative decoding)'],
  };
}

/** DeepSeek-V4's compressed caches and compressor state (roles from the DSV4 registration). */
function hasCompressedCaches(layers: readonly LayerJson[]): boolean {
  return layers.some((l) => l.buffers.some((b) => /^(compress_kv|compressor_|indexer_)/.test(b.role)));
}

export function peerSizings(layers: readonly LayerJson[], k: PeerKnobs): PeerSizing[] {
  if (hasCompressedCaches(layers)) {
    const why = "DeepSeek-V4's compressed caches and compressor state are outside this engine's documented formula";
    return [
      unsupported('vllm', 'shared pool', 'vLLM serves DeepSeek-V4 with its own packed cross-layer layout, not the uniform-page grouping modelled here'),
      unsupported('sglang', 'full + SWA pools', why),
      unsupported('trtllm-v1', 'one pool per window', why),
      unsupported('llama.cpp', 'unified cells', why),
    ];
  }
  return [vllmSizing(layers, k), sglangSizing(layers, k), trtllmV1Sizing(layers, k), llamaCppSizing(layers, k)];
}
