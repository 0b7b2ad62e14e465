/**
 * The engine settings a model starts from, one source for the page and the CLI: tokens per block
 * and KV dtype are the model's own (DeepSeek-V4 serves fp8 with 256-token blocks, most others
 * bf16 with 32), maxSeqLen is the model's maximum context, and batch, quota and workload are the
 * same defaults `kvpool` documents. Sizes read the same way everywhere (B, KiB, MiB, GiB, TiB).
 */
import type { KvDtype } from './dtype.ts';

export interface EngineDefaults {
  readonly tokensPerBlock: number;
  readonly kvDtype: KvDtype;
  readonly maxSeqLen: number;
  readonly maxBatchSize: number;
  readonly quotaBytes: number;
}

export const DEFAULT_MAX_BATCH_SIZE = 64;
export const DEFAULT_QUOTA_BYTES = 40 * 2 ** 30;
/** The generated workload both the page and `kvpool simulate` start from. */
export const DEFAULT_WORKLOAD = { requests: DEFAULT_MAX_BATCH_SIZE, promptLen: 1024, outputLen: 256 } as const;

interface ModelLike {
  readonly name?: string;
  readonly maxContext: number;
  readonly defaults: { readonly tokensPerBlock: number; readonly kvDtype: KvDtype };
}

export function engineDefaultsFor(model: ModelLike): EngineDefaults {
  return {
    tokensPerBlock: model.defaults.tokensPerBlock,
    kvDtype: model.defaults.kvDtype,
    maxSeqLen: model.maxContext,
    maxBatchSize: DEFAULT_MAX_BATCH_SIZE,
    quotaBytes: DEFAULT_QUOTA_BYTES,
  };
}

/** A maxSeqLen above what the model was trained for is allowed (engines allow it) but said. */
export function maxSeqLenWarning(model: ModelLike, maxSeqLen: number): string | null {
  if (maxSeqLen <= model.maxContext) return null;
  return `maxSeqLen ${maxSeqLen} is above ${model.name ?? 'the model'}'s maximum context of ${model.maxContext} tokens`;
}

const UNITS: Record<string, number> = { b: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** "1TiB", "40 GiB", "512MiB", "1B" -> bytes; a bare number or another unit -> null. */
export function parseSize(raw: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)(?:e(-?\d+))?\s*(B|KiB|MiB|GiB|TiB)\s*$/i.exec(raw);
  if (!m) return null;
  const v = Number(m[1]) * 10 ** Number(m[2] ?? 0) * UNITS[m[3].toLowerCase()];
  return Number.isFinite(v) ? v : null;
}
