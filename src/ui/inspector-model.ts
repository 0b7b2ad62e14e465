/**
 * Pure part of the attention inspector: turn one pool group's block tables at a step into a paged
 * decode batch (src/attn), and compute the attention weights of one query head on the CPU.
 *
 * Demo scale: the pool buffer holds only the slots the batch references, in physical order, so a
 * 47k-slot pool does not need gigabytes; `physical[compact]` maps back for display. Heads and head
 * dims are small (the numbers are synthetic, the layout and the tables are the real ones).
 *
 *   physical slot:  3  9  41        compact slot: 0  1  2
 *   table (req 5):  [-1, 41, 9]  -> [-1, 2, 1]
 */
import { frameToKernelInput } from '../attn/frame.ts';
import { attendedRanges, type PagedDecodeInput } from '../attn/inputs.ts';
import type { FrameView, PoolGroupView } from './view-model.ts';

export const DEMO_SHAPE = { numQoHeads: 4, numKvHeads: 1, headDim: 64 } as const;
export const MAX_BATCH = 64;

export interface InspectorBatch {
  readonly input: PagedDecodeInput;
  /** Request id of each sequence of the batch. */
  readonly requestIds: readonly number[];
  /** Physical slot of each compact slot. */
  readonly physical: readonly number[];
  readonly contextLens: readonly number[];
  readonly windowTokens: number | null;
  readonly sinkTokens: number;
}

export interface LifeCycleInfo {
  readonly windowTokens: number | null;
  readonly sinkTokens: number;
  readonly ssm: boolean;
}

/** Tokens with KV this pass: the in-flight token sits at position history (the query). */
export function contextLenOf(capacity: number, history: number, tableBlocks: number, tokensPerBlock: number): number {
  return Math.max(1, Math.min(Math.max(capacity, history + 1), tableBlocks * tokensPerBlock));
}

/**
 * The batch of one life cycle of one pool group at a frame: the selected request first, then the
 * other decoding requests that hold slots there (up to MAX_BATCH).
 */
export function buildBatch(frame: FrameView, group: PoolGroupView, lcIndex: number, lc: LifeCycleInfo, selected: number, tokensPerBlock: number, seed: number): InspectorBatch | null {
  const g = group.index;
  const holders = frame.requests.filter((r) => {
    const t = r.blockTables[g]?.[lcIndex];
    if (!t || t.length === 0) return false;
    return r.id === selected || r.state === 'decoding';
  });
  holders.sort((a, b) => (a.id === selected ? -1 : b.id === selected ? 1 : a.id - b.id));
  const batch = holders.slice(0, MAX_BATCH);
  if (batch.length === 0 || batch[0].id !== selected) return null;
  const compact = new Map<number, number>();
  const physical: number[] = [];
  const tables: number[][] = [];
  const lens: number[] = [];
  for (const r of batch) {
    const t = r.blockTables[g][lcIndex];
    const row: number[] = [];
    for (let b = 0; b < t.length; b++) {
      const s = t[b];
      if (s < 0) {
        row.push(-1);
        continue;
      }
      let c = compact.get(s);
      if (c === undefined) {
        c = physical.length;
        compact.set(s, c);
        physical.push(s);
      }
      row.push(c);
    }
    tables.push(row);
    lens.push(contextLenOf(r.capacity, r.history, t.length, tokensPerBlock));
  }
  const input = frameToKernelInput({
    blockTables: tables,
    contextLens: lens,
    windowTokens: lc.windowTokens,
    sinkTokens: lc.sinkTokens,
    tokensPerBlock,
    ...DEMO_SHAPE,
    seed,
    numSlots: Math.max(1, physical.length),
  });
  return { input, requestIds: batch.map((r) => r.id), physical, contextLens: lens, windowTokens: lc.windowTokens, sinkTokens: lc.sinkTokens };
}

/**
 * Softmax weights of query head `head` of sequence `b` over its attended keys (f64), read from the
 * same pool buffers through the same page table. Index = token position; 0 where not attended.
 */
export function attentionWeights(x: PagedDecodeInput, b: number, head: number): Float64Array {
  const start = x.kvIndptr[b];
  const pages = x.kvIndptr[b + 1] - start;
  const len = (pages - 1) * x.tokensPerBlock + x.kvLastPageLen[b];
  const pos = len - 1;
  const group = x.numQoHeads / x.numKvHeads;
  const kvh = Math.floor(head / group);
  const d = x.headDim;
  const qOff = (b * x.numQoHeads + head) * d;
  const w = new Float64Array(len);
  let max = Number.NEGATIVE_INFINITY;
  const ranges = attendedRanges(pos, x.windowLeft, x.sinkTokens);
  for (const r of ranges) {
    for (let j = r.start; j < r.end; j++) {
      const slot = x.kvIndices[start + Math.floor(j / x.tokensPerBlock)];
      const kOff = ((slot * x.tokensPerBlock + (j % x.tokensPerBlock)) * x.numKvHeads + kvh) * d;
      let dot = 0;
      for (let i = 0; i < d; i++) dot += x.q[qOff + i] * x.kPool[kOff + i];
      w[j] = dot * x.smScale;
      if (w[j] > max) max = w[j];
    }
  }
  let sum = 0;
  for (const r of ranges) for (let j = r.start; j < r.end; j++) sum += w[j] = Math.exp(w[j] - max);
  for (const r of ranges) for (let j = r.start; j < r.end; j++) w[j] /= sum;
  return w;
}
