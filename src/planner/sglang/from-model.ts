/** SGLang's per-token sizes from one of our models (full and sliding-window layers of one window). */
import type { KvDtype } from '../../model/dtype.ts';
import { bytesForElements } from '../../model/dtype.ts';
import { InputError } from '../../model/errors.ts';
import type { ModelSpec } from '../../model/spec.ts';
import type { SglangInput } from './configurator.ts';

export interface SglangModelKnobs {
  readonly pageSize: number;
  readonly quotaBytes: number;
  readonly kvDtype: KvDtype;
  /** --max-batch-size when the user set it (SGLang's --max-running-requests), else null. */
  readonly maxRunningRequests: number | null;
  /** --max-num-tokens (SGLang's --chunked-prefill-size), null = chunked prefill off. */
  readonly chunkedPrefillSize: number | null;
  readonly swaFullTokensRatio: number;
  readonly disableRadixCache: boolean;
  readonly disableOverlapSchedule: boolean;
  readonly swaEvictionInterval: number;
}

export function sglangInputFromModel(model: ModelSpec, k: SglangModelKnobs): SglangInput {
  const perToken = (l: { numKvHeads: number; headDimK: number; headDimV: number }) => l.numKvHeads * (bytesForElements(k.kvDtype, l.headDimK) + bytesForElements(k.kvDtype, l.headDimV));
  const fulls = model.layers.filter((l) => l.kind === 'full');
  const swas = model.layers.flatMap((l) => (l.kind === 'swa' ? [l] : []));
  const other = model.layers.find((l) => l.kind !== 'full' && l.kind !== 'swa' && l.kind !== 'none' && l.kind !== 'shared');
  if (other || swas.length === 0) throw new InputError('--preset', model.id, 'a hybrid sliding-window model (full + SWA layers only) for --engine sglang: its HybridSWA pool split is what this port covers');
  const windows = new Set(swas.map((l) => l.windowTokens));
  if (windows.size > 1) throw new InputError('--preset', model.id, 'one sliding window size (SGLang sizes hybrid SWA with a single window)');
  return {
    availableBytes: k.quotaBytes,
    pageSize: k.pageSize,
    fullPerToken: fulls.length > 0 ? perToken(fulls[0] as never) : 0,
    swaPerToken: perToken(swas[0]),
    fullLayers: fulls.length,
    swaLayers: swas.length,
    slidingWindow: swas[0].windowTokens,
    swaFullTokensRatio: k.swaFullTokensRatio,
    maxRunningRequests: k.maxRunningRequests,
    disableRadixCache: k.disableRadixCache,
    chunkedPrefillSize: k.chunkedPrefillSize,
    disableOverlapSchedule: k.disableOverlapSchedule,
    swaEvictionInterval: k.swaEvictionInterval,
  };
}
