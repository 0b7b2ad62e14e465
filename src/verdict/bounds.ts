/**
 * Per pool group bounds: the most blocks one request can hold, over every position a request
 * within the limits (prompt + output - 1 + draft <= maxSeqLen) can be at, computed by brute force
 * with the planner's own `nonStaleBlocks` (the function the simulator's managers allocate with), so
 * a bound here can never disagree with an allocation there.
 *
 *   decode   (h + 1 + d, h)   worst alignment: the window starts mid-block (the straddle)
 *              tpb = 8, w = 4, h = 9:  |blk0    |blk1    |  window [6, 9] -> 2 blocks
 *   fresh    (f, 0)           a prefill chunk from position 0: nothing is stale yet, so a
 *                             windowed life cycle holds divUp(f, tpb) blocks (no scratch reuse)
 *   continue (p + c, p)       a later chunk: the window behind p plus the c new tokens
 *
 * Windowed life cycles are periodic in the position with period tpb once the window (plus sinks)
 * lies inside the sequence, so one period past that point stands for every longer position; full
 * attention is monotone in the length, so its worst is at the longest position.
 */

import { zeros } from '../planner/arrays.ts';
import { type LifeCycle, nonStaleBlocks } from '../planner/lifecycle.ts';
import { divUp } from '../planner/pymath.ts';
import type { Plan } from '../planner/types.ts';
import { worstBlocks } from '../sim/policies/no-evict.ts';
import { maxPromptTokens, type Subject, schedulerTokens } from './subject.ts';

/** Blocks of one life cycle over a request's positions (see the file comment). */
interface LcBounds {
  readonly decodeWorst: number;
  readonly decodeBest: number;
  /** Continuation chunk of c tokens at any position p >= 1 with p + c <= maxPrompt (-Infinity: impossible). */
  cont(c: number): number;
  /** Fresh chunk of f tokens at position 0. */
  fresh(f: number): number;
}

function periodStart(lc: LifeCycle, tpb: number, d: number): number {
  if (lc.kind !== 'attn' || lc.windowTokens === null) return 0;
  return (divUp(lc.windowTokens + d, tpb) + lc.sinkBlocks + 2) * tpb;
}

const lcMemo = new Map<string, LcBounds>();

/** lcBounds depends only on the life cycle's shape and the limits: shared across re-plans (fix searches re-plan often). */
function lcBounds(lc: LifeCycle, tpb: number, d: number, maxSeqLen: number, maxPrompt: number): LcBounds {
  const key = lc.kind === 'ssm' ? 'ssm' : `${lc.windowTokens}:${lc.sinkBlocks}:${tpb}:${d}:${maxSeqLen}:${maxPrompt}`;
  let hit = lcMemo.get(key);
  if (!hit) {
    if (lcMemo.size > 256) lcMemo.clear(); // bounded: a pure cache
    hit = lcBoundsUncached(lc, tpb, d, maxSeqLen, maxPrompt);
    lcMemo.set(key, hit);
  }
  return hit;
}

function lcBoundsUncached(lc: LifeCycle, tpb: number, d: number, maxSeqLen: number, maxPrompt: number): LcBounds {
  const maxH = maxSeqLen - 1 - d; // the last decode: capacity h + 1 + d = maxSeqLen
  if (lc.kind === 'ssm') return { decodeWorst: 1, decodeBest: 1, cont: () => 1, fresh: () => 1 };
  if (lc.windowTokens === null) {
    const worst = maxH >= 0 ? divUp(maxH + 1 + d, tpb) : 0;
    return { decodeWorst: worst, decodeBest: worst, cont: (c) => (maxPrompt - c >= 1 ? divUp(maxPrompt, tpb) : Number.NEGATIVE_INFINITY), fresh: (f) => divUp(f, tpb) };
  }
  const h0 = periodStart(lc, tpb, d);
  let worst = 0;
  let best = Number.POSITIVE_INFINITY;
  const visit = (h: number, steady: boolean) => {
    const n = nonStaleBlocks(lc, h + 1 + d, h, tpb);
    if (n > worst) worst = n;
    if (steady && n < best) best = n;
  };
  for (let h = 0; h <= Math.min(maxH, h0 + tpb); h++) visit(h, h >= h0);
  for (let h = Math.max(0, maxH - tpb); h <= maxH; h++) visit(h, false);
  // Continuation chunks of 1..tpb tokens in the periodic regime; longer ones add one block per tpb.
  const base = new Array<number>(tpb + 1).fill(0);
  for (let c = 1; c <= tpb; c++) for (let p = 1; p <= h0 + tpb; p++) base[c] = Math.max(base[c], nonStaleBlocks(lc, p + c, p, tpb));
  const cont = (c: number): number => {
    const top = maxPrompt - c;
    if (top < 1) return Number.NEGATIVE_INFINITY;
    if (top >= h0 + tpb) return base[((c - 1) % tpb) + 1] + Math.floor((c - 1) / tpb);
    let m = 0;
    for (let p = 1; p <= top; p++) m = Math.max(m, nonStaleBlocks(lc, p + c, p, tpb));
    return m;
  };
  return { decodeWorst: worst, decodeBest: Number.isFinite(best) ? best : worst, cont, fresh: (f) => divUp(f, tpb) };
}

export interface PoolGroupBound {
  readonly poolGroup: number;
  readonly name: string;
  readonly windows: readonly (number | null | 'ssm')[];
  readonly slots: number;
  readonly minSlots: number;
  readonly slotBytes: number;
  /** Blocks one decoding request holds here at its worst alignment (full attention: at maxSeqLen). */
  readonly decodeBlocksWorst: number;
  /** ... at its best alignment, once the window is full. */
  readonly decodeBlocksBest: number;
  /** A fresh prefill chunk of the whole budget (min(maxNumTokens, longest prompt)) from position 0. */
  readonly freshChunkBlocks: number;
  /** The most a continuation chunk can hold. */
  readonly continuationBlocks: number;
  /** The most one request alone can ever hold here (any decode or chunk). */
  readonly singleRequestBlocks: number;
  /** The no-evict policy's worst-case reservation for the longest request. */
  readonly reservationBlocks: number;
  /** Concurrent decodes the slots hold at worst / best alignment. */
  readonly concurrentWorst: number;
  readonly concurrentBest: number;
  /** True when every life cycle here is windowed or recurrent (the bound does not grow with length). */
  readonly lengthIndependent: boolean;
  /** Most blocks `holders` requests can hold in one pass (see worstPass). */
  worstPass(holders: number): { blocks: number; extra: number; chunk: number };
}

export interface Bounds {
  readonly tokensPerBlock: number;
  readonly maxSeqLen: number;
  readonly maxNumTokens: number;
  readonly maxPrompt: number;
  readonly poolGroups: readonly PoolGroupBound[];
}

/**
 * Most blocks `holders` requests (all at most the worst decode, of which at most one continuation
 * chunk and one fresh chunk in the same pass: the scheduler gives each pending context its whole
 * remainder unless the budget runs out, so only the last chunk of a pass is ever cut short) hold in
 * one pass with a token budget of B. A second fresh chunk never beats one: it pays a request's
 * decode blocks again for the same tokens.
 */
function worstPassOf(lcs: readonly LcBounds[], D: number, B: number, maxPrompt: number) {
  const fresh = (f: number) => lcs.reduce((a, l) => a + l.fresh(f), 0);
  const cont = (c: number) => lcs.reduce((a, l) => a + l.cont(c), 0);
  // The blocks past holders x D depend on the holders only through "one, or two and more" (one
  // holder carries the larger chunk, two carry both), so both are found in one scan, once: the
  // search asks for every holder count from 1 to maxBatchSize + 1.
  let extras: { extra: number; chunk: number }[] | null = null;
  const scan = () => {
    const first = Math.max(0, fresh(Math.min(B, maxPrompt)) - D);
    const one = { extra: first, chunk: 0 };
    const many = { extra: first, chunk: 0 };
    const bc = Math.min(B, maxPrompt - 1);
    for (let c = 1; c <= bc; c++) {
      const e1 = Math.max(0, cont(c) - D);
      const r = B - c;
      const e2 = r >= 1 ? Math.max(0, fresh(Math.min(r, maxPrompt)) - D) : 0;
      if (Math.max(e1, e2) > one.extra) {
        one.extra = Math.max(e1, e2);
        one.chunk = c;
      }
      if (e1 + e2 > many.extra) {
        many.extra = e1 + e2;
        many.chunk = c;
      }
    }
    return [one, many];
  };
  return (holders: number) => {
    if (holders <= 0) return { blocks: 0, extra: 0, chunk: 0 };
    const e = (extras ??= scan())[holders >= 2 ? 1 : 0];
    return { blocks: holders * D + e.extra, extra: e.extra, chunk: e.chunk };
  };
}

/** What a pool group's bounds are apart from its slot counts: a function of its life cycles and the limits. */
interface GroupShape {
  readonly windows: readonly (number | null | 'ssm')[];
  readonly D: number;
  readonly Db: number;
  readonly freshChunk: number;
  readonly contMax: number;
  readonly reservation: number;
  readonly lengthIndependent: boolean;
  readonly worstPass: PoolGroupBound['worstPass'];
}

const shapeMemo = new Map<string, GroupShape>();

/**
 * A pool group's slot-free bounds, remembered by its life cycles' shapes and the limits: the cells
 * of a sweep over quota or maxBatchSize (and a fix search's re-plans) share them, where each used
 * to scan every chunk length (8k of them) again.
 */
function groupShape(lcList: readonly LifeCycle[], tpb: number, d: number, L: number, B: number, maxPrompt: number): GroupShape {
  const key = `${lcList.map((lc) => (lc.kind === 'ssm' ? 'ssm' : `${lc.windowTokens}/${lc.sinkBlocks}`)).join(',')}|${tpb}:${d}:${L}:${B}:${maxPrompt}`;
  let hit = shapeMemo.get(key);
  if (hit) return hit;
  const lcs = lcList.map((lc) => lcBounds(lc, tpb, d, L, maxPrompt));
  const D = lcs.reduce((a, l) => a + l.decodeWorst, 0);
  let contMax = 0;
  for (let c = 1; c <= Math.min(B, maxPrompt - 1); c++) {
    let sum = 0;
    for (const l of lcs) sum += l.cont(c);
    if (sum > contMax) contMax = sum;
  }
  hit = {
    windows: lcList.map((lc) => (lc.kind === 'ssm' ? 'ssm' : lc.windowTokens)),
    D,
    Db: lcs.reduce((a, l) => a + l.decodeBest, 0),
    freshChunk: lcs.reduce((a, l) => a + l.fresh(Math.min(B, maxPrompt)), 0),
    contMax,
    reservation: lcList.reduce((a, lc) => a + worstBlocks(lc, Math.max(1, maxPrompt), 1, tpb, B, d), 0),
    lengthIndependent: lcList.every((lc) => lc.kind === 'ssm' || lc.windowTokens !== null),
    worstPass: worstPassOf(lcs, D, B, maxPrompt),
  };
  if (shapeMemo.size > 256) shapeMemo.clear(); // bounded: a pure cache
  shapeMemo.set(key, hit);
  return hit;
}

const boundsMemo = new WeakMap<Plan, Map<string, Bounds>>();

export function computeBounds(s: Subject, plan: Plan): Bounds {
  const key = `${s.knobs.maxSeqLen}:${s.knobs.draftTokens}:${schedulerTokens(s)}`;
  let byKey = boundsMemo.get(plan);
  if (!byKey) boundsMemo.set(plan, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const tpb = plan.tokensPerBlock;
  const d = s.knobs.draftTokens;
  const L = s.knobs.maxSeqLen;
  const B = schedulerTokens(s);
  const maxPrompt = maxPromptTokens(s);
  const poolGroups = plan.poolGroups.map((g, pg): PoolGroupBound => {
    const g0 = groupShape(g.lifeCycleIds.map((id) => plan.lifeCycles[id]), tpb, d, L, B, maxPrompt);
    const { D, Db } = g0;
    const slots = plan.slotCounts[pg];
    return {
      poolGroup: pg,
      name: g.name,
      windows: g0.windows,
      slots,
      minSlots: plan.minSlots?.[pg] ?? 0,
      slotBytes: g.slotBytes,
      decodeBlocksWorst: D,
      decodeBlocksBest: Db,
      freshChunkBlocks: g0.freshChunk,
      continuationBlocks: g0.contMax,
      singleRequestBlocks: Math.max(D, g0.freshChunk, g0.contMax),
      reservationBlocks: g0.reservation,
      concurrentWorst: D > 0 ? Math.floor(slots / D) : Number.POSITIVE_INFINITY,
      concurrentBest: Db > 0 ? Math.floor(slots / Db) : Number.POSITIVE_INFINITY,
      lengthIndependent: g0.lengthIndependent,
      worstPass: g0.worstPass,
    };
  });
  const out: Bounds = { tokensPerBlock: tpb, maxSeqLen: L, maxNumTokens: B, maxPrompt, poolGroups };
  if (byKey.size > 16) byKey.clear();
  byKey.set(key, out);
  return out;
}

/**
 * What requestFootprint reads of a plan: block size, life cycles and which pool group each is in
 * (not the slot counts, so the cells of a sweep over quota or maxBatchSize share it).
 */
const shapeKeys = new WeakMap<Plan, string>();
function footprintShape(plan: Plan): string {
  let k = shapeKeys.get(plan);
  if (k === undefined) {
    const lcs = plan.lifeCycles.map((lc) => (lc.kind === 'ssm' ? `s${plan.lifeCyclePoolGroup[lc.id]}` : `${lc.windowTokens}/${lc.sinkBlocks}/${plan.lifeCyclePoolGroup[lc.id]}`));
    k = `${plan.tokensPerBlock}|${plan.slotCounts.length}|${lcs.join(',')}`;
    shapeKeys.set(plan, k);
  }
  return k;
}

const footprintMemo = new Map<string, Map<string, readonly number[]>>();

/**
 * requestFootprint, remembered by what it reads: the counterexample search proves the same few
 * request shapes at every list size (1 .. maxBatchSize + 1) and in every cell of a sweep, and this
 * scan was a third of a sweep cell. Bounded: a pure cache.
 */
export function footprintOf(s: Subject, plan: Plan, r: { prompt: number; output: number }): readonly number[] {
  const shape = `${footprintShape(plan)}|${s.knobs.draftTokens}|${schedulerTokens(s)}`;
  let byKey = footprintMemo.get(shape);
  if (!byKey) {
    if (footprintMemo.size > 64) footprintMemo.clear();
    footprintMemo.set(shape, (byKey = new Map()));
  }
  const key = `${r.prompt}:${r.output}`;
  let f = byKey.get(key);
  if (!f) {
    if (byKey.size > 4096) byKey.clear();
    f = requestFootprint(s, plan, r);
    byKey.set(key, f);
  }
  return f;
}

/**
 * The most blocks one request (prompt P, output O) holds per pool group over its own life: any
 * prefill chunk (at most the budget, from any position), then every decode position.
 */
export function requestFootprint(s: Subject, plan: Plan, r: { prompt: number; output: number }): number[] {
  const tpb = plan.tokensPerBlock;
  const d = s.knobs.draftTokens;
  const B = schedulerTokens(s);
  const out = zeros(plan.slotCounts.length);
  for (const lc of plan.lifeCycles) {
    let m = 0;
    if (lc.kind === 'ssm') m = 1;
    else {
      const h0 = periodStart(lc, tpb, d);
      const full = lc.windowTokens === null;
      // Prefill: a chunk as long as the budget allows from every position (positions past one
      // period repeat for windowed life cycles; full attention peaks at the last chunk).
      const pTop = r.prompt - 1;
      const scan = (p: number) => {
        m = Math.max(m, nonStaleBlocks(lc, p + Math.min(B, r.prompt - p), p, tpb));
      };
      if (full) scan(Math.max(0, pTop));
      else {
        for (let p = 0; p <= Math.min(pTop, h0 + 2 * tpb); p++) scan(p);
        for (let p = Math.max(0, r.prompt - B - 2 * tpb); p <= pTop; p++) scan(p);
      }
      const hFirst = r.prompt;
      const hLast = r.prompt + r.output - 2;
      if (hLast >= hFirst) {
        if (full) m = Math.max(m, nonStaleBlocks(lc, hLast + 1 + d, hLast, tpb));
        else for (let h = hFirst; h <= Math.min(hLast, hFirst + h0 + 2 * tpb); h++) m = Math.max(m, nonStaleBlocks(lc, h + 1 + d, h, tpb));
      }
      m = Math.max(m, nonStaleBlocks(lc, r.prompt, r.prompt, tpb));
    }
    out[plan.lifeCyclePoolGroup[lc.id]] += m;
  }
  return out;
}
