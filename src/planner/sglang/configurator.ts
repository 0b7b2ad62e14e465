/**
 * SGLang's hybrid-SWA pool split, a port of the formulas in
 * `python/sglang/srt/model_executor/pool_configurator.py` at sgl-project/sglang@003fca8
 * (003fca8027387a3d6565b2c08e497e3020ac6211): `HybridSWAPoolConfigurator` and
 * `SWAChunkCapPoolConfigurator`, chosen as `create_memory_pool_configurator` does. No golden cases
 * exist for SGLang: the tests check these formulas by hand on small numbers.
 *
 * Two token pools: FULL (full-attention layers, every token) and SWA (window layers).
 *
 *   ratio split (HybridSWA), r = swa_full_tokens_ratio (0.8 by default):
 *     cell  = F * (n_full + draft_full) + S * draft_swa + r * S * n_swa + draft_cell  bytes/token
 *     full  = floor_page(available // cell);  swa = floor_page(int(full * r))
 *     error when window + page >= swa (the prefill admission floor); no full layers: no ratio,
 *     swa = floor_page(available // (S * n_swa + ...)), full = 0
 *   chunk cap (SWAChunkCap): when max_running_requests is set, the radix cache is off, chunked
 *   prefill is on, there is a window and at least one full layer:
 *     per_request = window + eviction_interval * draft_tokens + page + decode_alloc(page)
 *     swa  = ceil_page(per_request * requests + chunks_in_flight * chunk + page)
 *     full = floor_page((available - swa * S * n_swa) // (F * (n_full + draft_full) + S * draft_swa))
 */
import { floorDiv } from '../pymath.ts';
import { pyFixed2 } from '../vllm/pyfmt.ts';

export interface SglangInput {
  readonly availableBytes: number;
  readonly pageSize: number;
  /** Bytes per token of one full / one SWA layer (heads x (head + v_head) x dtype). */
  readonly fullPerToken: number;
  readonly swaPerToken: number;
  readonly fullLayers: number;
  readonly swaLayers: number;
  readonly slidingWindow: number | null;
  readonly swaFullTokensRatio: number;
  /** Chunk-cap conditions and terms. */
  readonly maxRunningRequests: number | null;
  readonly disableRadixCache: boolean;
  readonly chunkedPrefillSize: number | null;
  readonly disableOverlapSchedule: boolean;
  /** SGLANG_SWA_EVICTION_INTERVAL (decode batches between SWA evictions). */
  readonly swaEvictionInterval: number;
}

export interface SglangPools {
  readonly configurator: 'HybridSWAPoolConfigurator' | 'SWAChunkCapPoolConfigurator';
  readonly fullTokens: number;
  readonly swaTokens: number;
  /** Bytes per max_total token (HybridSWA) or the full pool's bytes per token (chunk cap). */
  readonly cellBytes: number;
  readonly swaCapTokens: number | null;
  readonly log: readonly string[];
}

export type SglangResult = { readonly ok: true; readonly pools: SglangPools } | { readonly ok: false; readonly error: { readonly type: string; readonly message: string } };

/** Python `int(a // b)` for an int a and a float b (float floor division, fmod based as CPython). */
export function pyFloorDivFloat(a: number, b: number): number {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return 0;
  const floor = Math.floor(div);
  return div - floor > 0.5 ? floor + 1 : floor;
}

/** SWAChunkCapPoolConfigurator.is_applicable. */
export function chunkCapApplies(i: SglangInput): boolean {
  return i.maxRunningRequests !== null && i.disableRadixCache && i.chunkedPrefillSize !== null && i.slidingWindow !== null && i.fullLayers > 0;
}

const NOT_ENOUGH = 'Not enough memory. Please try to increase --mem-fraction-static.';
const floorPage = (x: number, page: number) => Math.floor(x / page) * page;

function ratioSplit(i: SglangInput): SglangResult {
  if (i.swaLayers <= 0) return { ok: false, error: { type: 'AssertionError', message: 'Hybrid SWA model must have at least one SWA layer' } };
  const cell = i.fullLayers === 0 ? i.swaPerToken * i.swaLayers : i.fullPerToken * i.fullLayers + i.swaFullTokensRatio * i.swaPerToken * i.swaLayers;
  const maxTotal = pyFloorDivFloat(i.availableBytes, cell);
  if (i.fullLayers === 0) {
    const swa = floorPage(maxTotal, i.pageSize);
    if (swa <= 0) return { ok: false, error: { type: 'RuntimeError', message: NOT_ENOUGH } };
    return { ok: true, pools: { configurator: 'HybridSWAPoolConfigurator', fullTokens: 0, swaTokens: swa, cellBytes: cell, swaCapTokens: null, log: [`Use sliding window memory pool (all SWA). swa_layer_tokens=${swa}`] } };
  }
  const full = floorPage(maxTotal, i.pageSize);
  const swa = floorPage(Math.trunc(full * i.swaFullTokensRatio), i.pageSize);
  if (i.slidingWindow !== null && i.slidingWindow + i.pageSize >= swa) {
    return {
      ok: false,
      error: {
        type: 'ValueError',
        message: `SWA pool (${swa} tokens) cannot hold even one request: the prefill admission floor is sliding_window_size (${i.slidingWindow}) + page_size (${i.pageSize}). Increase --swa-full-tokens-ratio or the total KV budget.`,
      },
    };
  }
  if (full <= 0) return { ok: false, error: { type: 'RuntimeError', message: NOT_ENOUGH } };
  return {
    ok: true,
    pools: { configurator: 'HybridSWAPoolConfigurator', fullTokens: full, swaTokens: swa, cellBytes: cell, swaCapTokens: null, log: [`Use sliding window memory pool. full_layer_tokens=${full}, swa_layer_tokens=${swa}`] },
  };
}

/** The SWA token cap of SWAChunkCapPoolConfigurator (no speculative decoding, no disaggregation). */
export function swaChunkCap(i: SglangInput): number {
  const window = i.slidingWindow ?? 0;
  const perRequest = window + Math.max(1, i.swaEvictionInterval) * 1 + i.pageSize + i.pageSize;
  const chunksInFlight = i.disableOverlapSchedule ? 1 : 2;
  return perRequest * (i.maxRunningRequests ?? 0) + chunksInFlight * (i.chunkedPrefillSize ?? 0) + i.pageSize;
}

function chunkCapSplit(i: SglangInput): SglangResult {
  const cap = swaChunkCap(i);
  const swa = Math.ceil(cap / i.pageSize) * i.pageSize;
  const fixed = swa * i.swaPerToken * i.swaLayers;
  const fullCell = i.fullPerToken * i.fullLayers;
  const full = floorPage(floorDiv(i.availableBytes - fixed, fullCell), i.pageSize);
  if (full <= 0) {
    const gib = (b: number) => pyFixed2(b / 2 ** 30);
    return {
      ok: false,
      error: {
        type: 'RuntimeError',
        message: `SWA pool cap (${swa} tokens, ${gib(fixed)} GiB) leaves no room for the full KV pool within the available ${gib(i.availableBytes)} GiB. Reduce --max-running-requests, lower SGLANG_SWA_EVICTION_INTERVAL, or increase --mem-fraction-static.`,
      },
    };
  }
  return { ok: true, pools: { configurator: 'SWAChunkCapPoolConfigurator', fullTokens: full, swaTokens: swa, cellBytes: fullCell, swaCapTokens: cap, log: [] } };
}

/** create_memory_pool_configurator for a hybrid-SWA model, then calculate_pool_sizes. */
export function sglangPoolSizes(i: SglangInput): SglangResult {
  return chunkCapApplies(i) ? chunkCapSplit(i) : ratioSplit(i);
}
