/**
 * Life cycles and their stale ranges: the one source of truth for "which blocks of a request does
 * this kind of layer still need". The planner sizes pools with these functions and the simulator's
 * managers allocate and free with the very same ones.
 *
 * Token layout (tpb = 8, window w = 4, decode at history h = 9, capacity c = 10):
 *
 *   |blk0    |blk1    |
 *    01234567 89          live window = [h+1-w, h] = [6, 9] -> blk0 and blk1 are live
 *
 * The `+1`: attention always runs for at least one in-flight token at position h, so the window
 * covers h itself and the w-1 tokens before it.
 */
import { divUp, floorDiv } from './pymath.ts';

export type LifeCycle =
  | {
      readonly id: number;
      readonly kind: 'attn';
      /** Sliding window in tokens; null = full attention (never stale). */
      readonly windowTokens: number | null;
      /** div_up(sink_tokens, tpb): the first blocks that are never stale. */
      readonly sinkBlocks: number;
    }
  | { readonly id: number; readonly kind: 'ssm' };

/** Half-open range of block ordinals [start, end). */
export interface BlockRange {
  readonly start: number;
  readonly end: number;
}

/** AttnLifeCycle.get_stale_range: blocks of a request that no query can reach any more. */
export function staleRange(lc: LifeCycle, historyTokens: number, tokensPerBlock: number): BlockRange {
  if (lc.kind === 'ssm') {
    // Recurrent state keeps no per-token blocks; sizing counts 1 slot per request regardless.
    return { start: 0, end: floorDiv(historyTokens, tokensPerBlock) };
  }
  const start = Math.min(divUp(historyTokens, tokensPerBlock), lc.sinkBlocks);
  if (lc.windowTokens === null) return { start, end: start };
  // floor division: the numerator is negative for short histories; max() clamps it.
  const end = Math.max(start, floorDiv(historyTokens + 1 - lc.windowTokens, tokensPerBlock));
  return { start, end };
}

export function rangeLength(r: BlockRange): number {
  return Math.max(0, r.end - r.start);
}

export function intersect(a: BlockRange, b: BlockRange): BlockRange {
  const start = Math.max(a.start, b.start);
  return { start, end: Math.max(start, Math.min(a.end, b.end)) };
}

/**
 * Blocks one request holds in this life cycle for a step (capacity c, history h):
 * div_up(c, tpb) - |stale(h)|. SSM always holds exactly one slot.
 */
export function nonStaleBlocks(lc: LifeCycle, capacityTokens: number, historyTokens: number, tokensPerBlock: number): number {
  if (lc.kind === 'ssm') return 1;
  return divUp(capacityTokens, tokensPerBlock) - rangeLength(staleRange(lc, historyTokens, tokensPerBlock));
}

/**
 * Blocks a decode step needs at best and at worst alignment. A decode is (c = h+1+d, h); a window
 * that starts mid-block touches one block more than one that starts on a boundary (the straddle):
 *
 *   tpb = 8, w = 4:  h = 11 -> window [8, 11] = |blk1| only          -> 1 block (best)
 *                    h = 9  -> window [6, 9]  = |blk0|blk1|          -> 2 blocks (worst)
 *
 * Computed by brute force over the tpb residues of h with the stale-range rule itself, for a
 * request long enough that the window is fully inside the sequence, so it can never disagree with
 * what the simulator's managers allocate.
 */
const decodeRangeMemo = new Map<string, { best: number; worst: number }>();

export function decodeBlocksRange(lc: LifeCycle, tokensPerBlock: number, draftTokens = 0): { best: number; worst: number } {
  if (lc.kind === 'ssm') return { best: 1, worst: 1 };
  if (lc.windowTokens === null) return { best: Number.POSITIVE_INFINITY, worst: Number.POSITIVE_INFINITY };
  const key = `${lc.windowTokens}:${lc.sinkBlocks}:${tokensPerBlock}:${draftTokens}`;
  const hit = decodeRangeMemo.get(key);
  if (hit) return hit;
  const base = (divUp(lc.windowTokens + draftTokens, tokensPerBlock) + lc.sinkBlocks + 2) * tokensPerBlock;
  let best = Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let r = 0; r < tokensPerBlock; r++) {
    const h = base + r;
    const n = nonStaleBlocks(lc, h + 1 + draftTokens, h, tokensPerBlock);
    if (n < best) best = n;
    if (n > worst) worst = n;
  }
  const result = { best, worst };
  if (decodeRangeMemo.size > 4096) decodeRangeMemo.clear(); // bounded: a pure cache, never a leak
  decodeRangeMemo.set(key, result);
  return result;
}
