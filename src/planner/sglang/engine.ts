/**
 * The `sglang` registry entry: SGLang's FULL + SWA split (a port of the formulas in
 * pool_configurator.py at sgl-project/sglang@003fca8) of the layers of an engine scenario:
 * per-token bytes of a layer = its bytes per block / tokens per block; the page is the block.
 */
import type { EngineSizer, KnobSpec, KnobValues, SizeResult, SizerInput, SizerModelInput } from '../engines/types.ts';
import type { PoolLayout } from '../types.ts';
import type { SglangInput } from './configurator.ts';
import { sglangPoolSizes } from './configurator.ts';
import { sglangInputFromModel } from './from-model.ts';
import { renderSglang, sglangJson, sglangLayout } from './output.ts';

export const SGLANG_KNOBS: readonly KnobSpec[] = [
  { name: 'swaFullTokensRatio', flag: 'swa-full-tokens-ratio', urlKey: 'sglRatio', type: 'number', default: 0.8, min: 0, max: 1, help: 'sglang: --swa-full-tokens-ratio, SWA tokens / full tokens' },
  { name: 'disableRadixCache', flag: 'disable-radix-cache', urlKey: 'sglNoRadix', type: 'bool', default: false, help: 'sglang: --disable-radix-cache (with max running requests and chunked prefill: the chunk-capped SWA pool)' },
  { name: 'disableOverlapSchedule', flag: 'disable-overlap-schedule', urlKey: 'sglNoOverlap', type: 'bool', default: false, help: 'sglang: --disable-overlap-schedule (one prefill chunk in flight instead of two)' },
  { name: 'swaEvictionInterval', flag: 'swa-eviction-interval', urlKey: 'sglEvict', type: 'int', default: 128, min: 1, max: 1 << 20, help: 'sglang: SGLANG_SWA_EVICTION_INTERVAL, decode batches between SWA evictions' },
];

const num = (v: KnobValues[string] | undefined, d: number) => (typeof v === 'number' ? v : d);

/** SGLang's --page-size default. */
const SGLANG_PAGE_SIZE = 1;

const EMPTY: PoolLayout = { tokensPerBlock: 1, lifeCycles: [], lifeCyclePoolGroup: [], poolGroups: [], slotCounts: [], error: null };

export function sglangInputFromScenario(input: SizerInput, knobs: KnobValues): SglangInput {
  const s = input.scenario;
  const ctx = input.context as SizerInput['context'] & { maxNumTokens?: number | null };
  const perToken = (l: (typeof s.layers)[number]) => l.buffers.reduce((a, b) => a + b.bytes_per_block, 0) / s.tokens_per_block;
  const fulls = s.layers.filter((l) => l.kind === 'attn' && l.window === null);
  const swas = s.layers.filter((l) => l.kind === 'attn' && l.window !== null);
  return {
    availableBytes: s.gpu_quota_bytes,
    pageSize: s.tokens_per_block,
    fullPerToken: fulls.length ? perToken(fulls[0]) : 0,
    swaPerToken: swas.length ? perToken(swas[0]) : 0,
    fullLayers: fulls.length,
    swaLayers: swas.length,
    slidingWindow: swas.length ? swas[0].window : null,
    swaFullTokensRatio: typeof knobs.swaFullTokensRatio === 'number' ? knobs.swaFullTokensRatio : 0.8,
    maxRunningRequests: knobs.disableRadixCache === true ? ctx.maxBatchSize : null,
    disableRadixCache: knobs.disableRadixCache === true,
    chunkedPrefillSize: ctx.maxNumTokens ?? null,
    disableOverlapSchedule: knobs.disableOverlapSchedule === true,
    swaEvictionInterval: num(knobs.swaEvictionInterval, 128),
  };
}

function sized(si: SglangInput, r: ReturnType<typeof sglangPoolSizes>): SizeResult {
  const error = r.ok ? null : r.error;
  return { layout: sglangLayout(si, r) ?? { ...EMPTY, error }, json: sglangJson(si, r), diagnostics: null, error, table: (title: string) => renderSglang(title, si, r) };
}

export const sglangEngine: EngineSizer = {
  id: 'sglang',
  label: 'SGLang hybrid SWA (003fca8, formula port)',
  source: 'python/sglang/srt/model_executor/pool_configurator.py at sgl-project/sglang@003fca8 (HybridSWAPoolConfigurator, SWAChunkCapPoolConfigurator); no golden cases',
  knobs: SGLANG_KNOBS,
  modes: null,
  policy: 'sglang',
  defaultTokensPerBlock: SGLANG_PAGE_SIZE,
  size(input: SizerInput, knobs: KnobValues) {
    const si = sglangInputFromScenario(input, knobs);
    const mixed = input.scenario.layers.some((l) => l.kind === 'ssm') || new Set(input.scenario.layers.flatMap((l) => (l.window === null ? [] : [l.window]))).size > 1;
    const r = mixed
      ? ({ ok: false, error: { type: 'NotImplementedError', message: 'SGLang hybrid SWA needs full and sliding-window layers of one window only (this port covers HybridSWAPoolConfigurator)' } } as const)
      : sglangPoolSizes(si);
    return sized(si, r);
  },
  // From our model's heads: --tokens-per-block is the page size (1 unless set), --max-batch-size max_running_requests, --max-num-tokens the chunked prefill size.
  sizeModel({ model, knobs: k, given }: SizerModelInput, knobs: KnobValues) {
    const si = sglangInputFromModel(model, {
      pageSize: given.has('tokensPerBlock') ? k.tokensPerBlock : SGLANG_PAGE_SIZE,
      quotaBytes: k.quotaBytes,
      kvDtype: k.kvDtype,
      maxRunningRequests: given.has('maxBatchSize') ? k.maxBatchSize : null,
      chunkedPrefillSize: k.maxNumTokens,
      swaFullTokensRatio: num(knobs.swaFullTokensRatio, 0.8),
      disableRadixCache: knobs.disableRadixCache === true,
      disableOverlapSchedule: knobs.disableOverlapSchedule === true,
      swaEvictionInterval: num(knobs.swaEvictionInterval, 128),
    });
    return sized(si, sglangPoolSizes(si));
  },
};
