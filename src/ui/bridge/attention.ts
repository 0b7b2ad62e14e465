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
import { frameToKernelInput } from '../../attn/frame.ts';
import { attendedRanges, type PagedDecodeInput } from '../../attn/inputs.ts';
import type { FrameView, PoolGroupView } from '../model.ts';

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

export interface WeightProbe {
  readonly input: PagedDecodeInput;
  /** Attended token positions; the kernel's output component i is the weight of positions[i]. */
  readonly positions: readonly number[];
  readonly contextLen: number;
}

/**
 * Make the kernel return attention weights: give the i-th attended token the one-hot value row
 * V = e_i; the decode's output sum_j w_j V_j is then the weight vector itself. Needs the attended
 * keys (window + sinks) to fit one head dim D <= 512. One sequence, one query head.
 *
 *   attended:   positions[0] positions[1] ... positions[n-1]
 *   V rows:     e_0          e_1          ... e_(n-1)          ->   out[i] = w(positions[i])
 */
export function weightProbe(frame: FrameView, group: PoolGroupView, lcIndex: number, lc: LifeCycleInfo, selected: number, tokensPerBlock: number, seed: number): WeightProbe | null {
  const r = frame.requests.find((x) => x.id === selected);
  const t = r?.blockTables[group.index]?.[lcIndex];
  if (!r || !t || t.length === 0) return null;
  const len = contextLenOf(r.capacity, r.history, t.length, tokensPerBlock);
  const windowLeft = lc.windowTokens === null ? -1 : lc.windowTokens - 1;
  const positions: number[] = [];
  for (const g of attendedRanges(len - 1, windowLeft, lc.sinkTokens)) for (let j = g.start; j < g.end; j++) positions.push(j);
  const dim = [64, 128, 256, 512].find((d) => d >= positions.length);
  if (dim === undefined) return null;
  const compact: number[] = [];
  const row = Array.from(t, (s) => (s < 0 ? -1 : compact.push(s) - 1));
  const input = frameToKernelInput({ blockTables: [row], contextLens: [len], windowTokens: lc.windowTokens, sinkTokens: lc.sinkTokens, tokensPerBlock, numQoHeads: 1, numKvHeads: 1, headDim: dim, seed, numSlots: Math.max(1, compact.length) });
  input.vPool.fill(0);
  positions.forEach((j, i) => {
    const c = row[Math.floor(j / tokensPerBlock)];
    input.vPool[(c * tokensPerBlock + (j % tokensPerBlock)) * dim + i] = 1;
  });
  return { input, positions, contextLen: len };
}

/** Weights by position from a probe's kernel output (0 where not attended). */
export function probeWeights(probe: WeightProbe, output: Float32Array): Float64Array {
  const w = new Float64Array(probe.contextLen);
  probe.positions.forEach((j, i) => {
    w[j] = output[i];
  });
  return w;
}
