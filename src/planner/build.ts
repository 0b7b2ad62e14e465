/**
 * Engine knobs + constraint mode -> engine scenario: how TensorRT-LLM's PyTorch wrapper builds
 * `typical_step` and `constraints` (spec §2.9), in the versions that matter for issue #15401, plus
 * the playground's own straddle-aware `safe` floors.
 *
 * Notation: a KV cache desc is (capacity, history); a decode is (h + 1 + d, h); a fresh prefill
 * chunk is (P, 0). `d` = draft tokens, `x` = num_extra_kv_tokens.
 */
import { describeLimit, LIMITS } from '../limits.ts';
import { InputError, requireInt } from '../model/errors.ts';
import { type LifeCycle, nonStaleBlocks } from './lifecycle.ts';
import type { BatchJson, EngineScenario, LayerJson } from './scenario.ts';
import { cachedStorageLayout } from './storage.ts';

export const CONSTRAINT_MODES = ['main', 'as-shipped', 'issue-fix', 'upstream', 'safe', 'custom'] as const;
export type ConstraintMode = (typeof CONSTRAINT_MODES)[number];

export const CONSTRAINT_MODE_STORIES: Record<ConstraintMode, string> = {
  main: 'the wrapper at 0076e93: typical step and C1\', C2\' only when pool_ratio is unset and a typical length exists (none built otherwise)',
  'as-shipped': 'the DSV4 wrapper as in #15401: one long decode (C1) only, max_num_tokens not passed (#16269)',
  'issue-fix': 'C1 plus maxBatchSize aligned one-block decodes (the #15401 proposal, PR #15462)',
  upstream: 'one long decode plus maxBatchSize-1 minimal decodes (C1\', PR #16545) and the context budget',
  safe: 'straddle-aware: maxBatchSize decodes at worst block alignment per window, plus one context chunk',
  custom: 'typical step and constraints taken from a scenario file as given',
};

export interface EngineKnobs {
  tokensPerBlock: number;
  maxSeqLen: number;
  maxBatchSize: number;
  /** Per-iteration token budget; null = not set. */
  maxNumTokens: number | null;
  quotaBytes: number;
  /** MTP / speculative draft length d. */
  draftTokens: number;
  numExtraKvTokens: number;
  /** kv_cache_config.avg_seq_len; null = use maxSeqLen for the typical step. */
  avgSeqLen: number | null;
  /** kv_cache_config.pool_ratio; when set there is no typical step and it is the initial ratio. */
  poolRatio: number[] | null;
  /**
   * SWA scratch reuse (spec §2.3): out-of-window prompt blocks share coalesced slots layer by
   * layer; the value is max_rewind_len (tokens kept out of scratch for speculative rewind). Off when absent.
   */
  swaScratchRewindTokens?: number | null;
  /**
   * Where the length of poolRatio is checked: 'pool-group' (default; the #15401-era ratio) or
   * 'life-cycle' (main) as an input error here, or 'engine': left to the engine's own refusal.
   */
  poolRatioPer?: 'pool-group' | 'life-cycle' | 'engine';
  /** Mode main: max_cuda_graph_batch_size (caps C1' in the estimation pass of a model without windows, PR #18910). */
  maxCudaGraphBatchSize?: number | null;
  /** Mode main: this is the KV-cache estimation pass (where the CUDA-graph cap applies). */
  estimationPass?: boolean;
  /** Mode main: the model is DeepSeek-V4, whose typical length is avg_seq_len or max_seq_len. */
  typicalLengthFromMaxSeqLen?: boolean;
}

export function validateKnobs(k: EngineKnobs): void {
  // Upper bounds from the one limits table: past them the work would no longer be bounded.
  requireInt('tokensPerBlock', k.tokensPerBlock, 1, LIMITS.tokensPerBlock.max);
  requireInt('maxSeqLen', k.maxSeqLen, 1, LIMITS.tokens.max);
  requireInt('maxBatchSize', k.maxBatchSize, 1, LIMITS.batchSize.max);
  if (k.maxNumTokens !== null) requireInt('maxNumTokens', k.maxNumTokens, 1, LIMITS.tokens.max);
  if (!(typeof k.quotaBytes === 'number' && Number.isFinite(k.quotaBytes) && k.quotaBytes > 0 && k.quotaBytes <= LIMITS.bytes.max)) {
    throw new InputError('quotaBytes', k.quotaBytes, `a byte count > 0 (the engine asserts the quota is positive) and ${describeLimit('bytes')}`);
  }
  requireInt('draftTokens', k.draftTokens, 0, LIMITS.draftTokens.max);
  requireInt('numExtraKvTokens', k.numExtraKvTokens, 0, LIMITS.draftTokens.max);
  if (k.avgSeqLen !== null) requireInt('avgSeqLen', k.avgSeqLen, 1, k.maxSeqLen);
  if (k.maxCudaGraphBatchSize !== undefined && k.maxCudaGraphBatchSize !== null) requireInt('maxCudaGraphBatchSize', k.maxCudaGraphBatchSize, 1, LIMITS.batchSize.max);
  if (k.swaScratchRewindTokens !== undefined && k.swaScratchRewindTokens !== null) requireInt('swaScratchRewindTokens', k.swaScratchRewindTokens, 0, LIMITS.tokens.max);
  if (k.poolRatio !== null) {
    k.poolRatio.forEach((r, i) => {
      if (!(typeof r === 'number' && Number.isFinite(r) && r > 0)) throw new InputError(`poolRatio[${i}]`, r, 'a number > 0');
    });
  }
}

type Desc = [number, number] | [number, number, number];
const batch = (...kv: Desc[]): BatchJson => ({ kv_caches: kv.filter((d) => d.length < 3 || (d[2] ?? 1) > 0), system_prompt_length: 0 });

/** DSV4 `_build_cache_config` typical step: one context chunk + (mbs-1) decodes at length T. */
function typicalStep(k: EngineKnobs, ctxCap: number): BatchJson {
  const T = k.avgSeqLen ?? k.maxSeqLen;
  return batch([ctxCap, 0], [T, Math.max(0, T - k.draftTokens - 1), k.maxBatchSize - 1]);
}

/** C1: one long decode (the CUDA-graph warmup). It costs 1 block per windowed pool: the #15401 floor. */
const longDecode = (k: EngineKnobs): Desc => [k.maxSeqLen, k.maxSeqLen - 1];

/**
 * For each windowed life cycle, the decode position (capacity, history) near maxSeqLen whose
 * live window touches the most blocks: the straddle. Found by trying every residue mod tpb with
 * the stale-range rule itself.
 */
export function worstAlignedDecode(lc: LifeCycle, k: EngineKnobs): [number, number] {
  const tpb = k.tokensPerBlock;
  let best: [number, number] = [Math.min(k.maxSeqLen, tpb + 1 + k.draftTokens), Math.min(k.maxSeqLen, tpb + 1 + k.draftTokens) - 1 - k.draftTokens];
  let most = -1;
  const top = k.maxSeqLen - 1 - k.draftTokens; // largest history whose decode still fits maxSeqLen
  for (let h = Math.max(0, top - tpb + 1); h <= top; h++) {
    const n = nonStaleBlocks(lc, h + 1 + k.draftTokens, h, tpb);
    if (n > most) {
      most = n;
      best = [h + 1 + k.draftTokens, h];
    }
  }
  return best;
}

/**
 * Mode main: `_build_base_config` of the wrapper at 0076e93 (kv_cache_manager_v2.py). With T the
 * typical length, d the draft length, x the extra KV tokens:
 *   typical  [((mnt or T) + x, 0)] + [(T, max(0, T - d - 1))] * (mbs - 1)
 *   C1'      [(msl, msl - 1)] + [(1 + d + x, 0)] * (cbs - 1)     one long decode + minimal decodes (PR #16545)
 *   C2'      [(mnt + x, 0)]                                       only when max_num_tokens is set
 * cbs = min(mbs, max_cuda_graph_batch_size) in the estimation pass of a model with no windowed
 * layer (PR #18910), else mbs (at least 1). A window the engine resolves to None (one as long as
 * max_seq_len) is still counted as windowed here. With pool_ratio set, or no typical length, nothing is built: only
 * the structural floors remain (the #15401 shape survives on main).
 */
function mainBatches(k: EngineKnobs, layers: readonly LayerJson[]): { typical: BatchJson | null; constraints: BatchJson[] } {
  const T = k.avgSeqLen ?? (k.typicalLengthFromMaxSeqLen ? k.maxSeqLen : null);
  if (k.poolRatio !== null || T === null) return { typical: null, constraints: [] };
  const d = k.draftTokens;
  const x = k.numExtraKvTokens;
  const mbs = k.maxBatchSize;
  const windowed = layers.some((l) => l.kind === 'attn' && l.window !== null);
  const cap = k.maxCudaGraphBatchSize ?? null;
  const cbs = k.estimationPass && !windowed && cap !== null ? Math.min(mbs, cap) : mbs;
  const typical = batch([(k.maxNumTokens ?? T) + x, 0], [T, Math.max(0, T - d - 1), mbs - 1]);
  const c1 = batch([k.maxSeqLen, k.maxSeqLen - 1], [1 + d + x, 0, cbs - 1]);
  const c2 = k.maxNumTokens === null ? [] : [batch([k.maxNumTokens + x, 0])];
  return { typical, constraints: [c1, ...c2] };
}

function modeBatches(mode: Exclude<ConstraintMode, 'custom' | 'main'>, k: EngineKnobs, layers: readonly LayerJson[]): { typical: BatchJson; constraints: BatchJson[] } {
  const x = k.numExtraKvTokens;
  const mbs = k.maxBatchSize;
  const T = k.avgSeqLen ?? k.maxSeqLen;
  // as-shipped: the MLA/DSV4 branch did not pass max_num_tokens (PR #16269), so no C2 and ctx_cap = T.
  const ctxCap = mode === 'as-shipped' || k.maxNumTokens === null ? T : k.maxNumTokens + x;
  const c2 = k.maxNumTokens === null || mode === 'as-shipped' ? [] : [batch([k.maxNumTokens + x, 0])];
  const typical = typicalStep(k, ctxCap);
  switch (mode) {
    case 'as-shipped':
      return { typical, constraints: [batch(longDecode(k))] };
    case 'issue-fix':
      // The fix: one aligned block per request in every pool: (tpb, tpb-1) x maxBatchSize.
      return { typical, constraints: [batch(longDecode(k)), batch([k.tokensPerBlock, k.tokensPerBlock - 1, mbs]), ...c2] };
    case 'upstream':
      return { typical, constraints: [batch(longDecode(k), [1 + k.draftTokens + x, 0, mbs - 1]), ...c2] };
    case 'safe': {
      const layout = cachedStorageLayout(layers, k.tokensPerBlock);
      const chunk: Desc = [Math.min(k.maxNumTokens ?? k.maxSeqLen, k.maxSeqLen) + x, 0];
      // One batch per windowed life cycle: every request at that window's worst alignment, in the
      // same step as one context chunk (the scheduler runs both in one pass).
      const straddles = layout.lifeCycles
        .filter((lc) => lc.kind === 'attn' && lc.windowTokens !== null)
        .map((lc) => batch([...worstAlignedDecode(lc, k), mbs], chunk));
      return { typical, constraints: [batch(longDecode(k), [1 + k.draftTokens + x, 0, mbs - 1]), ...straddles, batch(chunk)] };
    }
  }
}

export interface CustomBatches {
  typical_step: BatchJson | null;
  constraints: BatchJson[];
}

/** Assemble an engine scenario from manager layers, knobs and a constraint mode. */
export function buildScenario(layers: LayerJson[], knobs: EngineKnobs, mode: ConstraintMode, custom?: CustomBatches, name?: string): EngineScenario {
  validateKnobs(knobs);
  if (!(CONSTRAINT_MODES as readonly string[]).includes(mode)) throw new InputError('constraints', mode, CONSTRAINT_MODES.join(', '));
  let typical: BatchJson | null;
  let constraints: BatchJson[];
  if (mode === 'custom') {
    if (!custom) throw new InputError('constraints', 'custom', 'a scenario file that supplies typical_step and constraints (--scenario FILE)');
    typical = custom.typical_step;
    constraints = custom.constraints;
  } else if (mode === 'main') {
    ({ typical, constraints } = mainBatches(knobs, layers));
  } else {
    ({ typical, constraints } = modeBatches(mode, knobs, layers));
  }
  // An explicit pool_ratio replaces the typical step; constraints stay as floors (mode main builds
  // none). Its length is the engine's to check, one per pool group (@15401) or per life cycle
  // (@main); callers that plan one known version may ask for it here, as an input error.
  if (knobs.poolRatio !== null) {
    const per = knobs.poolRatioPer ?? 'pool-group';
    if (per !== 'engine') {
      const layout = cachedStorageLayout(layers, knobs.tokensPerBlock);
      const n = per === 'pool-group' ? layout.poolGroups.length : layout.lifeCycles.length;
      if (knobs.poolRatio.length !== n) throw new InputError('poolRatio', knobs.poolRatio.join(','), `${n} numbers, one per ${per === 'pool-group' ? 'pool group' : 'life cycle'}`);
    }
    typical = null;
  }
  return {
    ...(name ? { name } : {}),
    description: `${mode}: ${CONSTRAINT_MODE_STORIES[mode]}`,
    tokens_per_block: knobs.tokensPerBlock,
    layers,
    gpu_quota_bytes: knobs.quotaBytes,
    typical_step: typical,
    constraints,
    initial_pool_ratio: knobs.poolRatio,
    swa_scratch_reuse: knobs.swaScratchRewindTokens === undefined || knobs.swaScratchRewindTokens === null ? null : { max_rewind_len: knobs.swaScratchRewindTokens },
  };
}
