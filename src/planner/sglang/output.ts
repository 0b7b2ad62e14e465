/** SGLang's two pools as a simulator layout (FULL, SWA) and as SGLang-named JSON. */
import type { PoolLayout } from '../types.ts';
import type { SglangInput, SglangResult } from './configurator.ts';

export type SglangLayout = PoolLayout;

/** FULL (pool group 0, no window) and SWA (pool group 1, window W), in pages of pageSize tokens. */
export function sglangLayout(input: SglangInput, r: SglangResult): SglangLayout | null {
  if (!r.ok) return null;
  const pg = (name: string, index: number, perToken: number, layers: number) => ({
    index,
    name,
    lifeCycleIds: [index],
    slotSizeList: [perToken * layers * input.pageSize],
    slotBytes: perToken * layers * input.pageSize,
    roles: [name === 'FULL' ? 'full attention' : `window ${input.slidingWindow}`],
    layerIds: [index],
  });
  return {
    tokensPerBlock: input.pageSize,
    lifeCycles: [
      { id: 0, kind: 'attn', windowTokens: null, sinkBlocks: 0 },
      { id: 1, kind: 'attn', windowTokens: input.slidingWindow, sinkBlocks: 0 },
    ],
    lifeCyclePoolGroup: [0, 1],
    poolGroups: [pg('FULL', 0, input.fullPerToken, input.fullLayers), pg('SWA', 1, input.swaPerToken, input.swaLayers)],
    slotCounts: [r.pools.fullTokens / input.pageSize, r.pools.swaTokens / input.pageSize],
    error: null,
  };
}

export function sglangJson(input: SglangInput, r: SglangResult): Record<string, unknown> {
  if (!r.ok) return { engine: 'sglang', error: r.error };
  const p = r.pools;
  return {
    engine: 'sglang',
    error: null,
    configurator: p.configurator,
    max_total_num_tokens: p.fullTokens === 0 ? p.swaTokens : p.fullTokens,
    full_max_total_num_tokens: p.fullTokens,
    swa_max_total_num_tokens: p.swaTokens,
    cell_size_bytes_per_token: p.cellBytes,
    swa_cap_tokens: p.swaCapTokens,
    page_size: input.pageSize,
    swa_full_tokens_ratio: input.swaFullTokensRatio,
    log: p.log,
    note: 'a port of the formulas in pool_configurator.py at sgl-project/sglang@003fca8; no golden cases exist for SGLang',
  };
}

/** The readable table of a SGLang split (kvpool plan, the page's Plan tab). */
export function renderSglang(title: string, input: SglangInput, r: SglangResult): string {
  const head = `${title}: SGLang hybrid SWA pools (a port of pool_configurator.py at sgl-project/sglang@003fca8; formula, no golden cases)`;
  if (!r.ok) return `${head}\nerror: ${r.error.type}: ${r.error.message}\n`;
  const p = r.pools;
  const rows = [
    `configurator: ${p.configurator}${p.swaCapTokens !== null ? ` (SWA cap ${p.swaCapTokens} tokens)` : ` (swa_full_tokens_ratio ${input.swaFullTokensRatio})`}`,
    `FULL pool: ${p.fullTokens} tokens x ${input.fullLayers} full layers x ${input.fullPerToken} B/token`,
    `SWA pool:  ${p.swaTokens} tokens x ${input.swaLayers} SWA layers x ${input.swaPerToken} B/token (window ${input.slidingWindow}, page ${input.pageSize})`,
    'two static pools: neither can borrow from the other; a request needs room in both',
  ];
  return `${head}\n${rows.join('\n')}\n`;
}
