/**
 * The token axis of one request in one life cycle, as geometry (no DOM): which blocks are sinks,
 * stale, held, not yet allocated, where the window lies and whether it straddles a block
 * boundary. The stale test is the planner's rule read geometrically, "wholly before the window":
 *
 *   tpb = 8, w = 4, h = 17:  window [h+1-w, h] = [14, 17]
 *   |blk0 stale|blk1 |blk2 |blk3 not yet|
 *    0......7   8..15 16.17              blk1 holds 14, 15 -> 2 blocks: a straddle
 *
 * (test/ui/token-axis.test.ts checks it against the planner's staleRange for every alignment.)
 */

export type BlockState = 'sink' | 'stale' | 'held' | 'unallocated';

export interface AxisInput {
  readonly history: number;
  readonly capacity: number;
  /** Slot of each logical block, -1 = none. */
  readonly table: ArrayLike<number>;
  readonly tokensPerBlock: number;
  readonly windowTokens: number | null;
  readonly sinkTokens: number;
}

export interface AxisLayout {
  readonly tpb: number;
  readonly history: number;
  /** Tokens with KV this pass, the in-flight token included. */
  readonly length: number;
  /** Blocks drawn: those the tokens need, plus the next one (not yet allocated). */
  readonly states: readonly BlockState[];
  /** Blocks the request needs now (div_up(length, tpb)); later ones lie ahead. */
  readonly needed: number;
  readonly windowTokens: number | null;
  /** First token of the live window (0 without a window). */
  readonly windowStart: number;
  readonly sinkTokens: number;
  /** Blocks the window touches: [firstWindowBlock, lastWindowBlock]. */
  readonly firstWindowBlock: number;
  readonly lastWindowBlock: number;
  /** The window touches one block more than it would starting on a block boundary. */
  readonly straddle: boolean;
  readonly counts: Readonly<Record<BlockState, number>>;
}

export function axisLayout(x: AxisInput): AxisLayout {
  const tpb = x.tokensPerBlock;
  const length = Math.max(1, x.capacity, x.history + 1);
  const needed = Math.ceil(length / tpb);
  const w = x.windowTokens;
  const windowStart = w === null ? 0 : Math.max(0, x.history + 1 - w);
  const sinkBlocks = w === null ? 0 : Math.ceil(x.sinkTokens / tpb);
  const counts: Record<BlockState, number> = { sink: 0, stale: 0, held: 0, unallocated: 0 };
  const states: BlockState[] = [];
  for (let b = 0; b < needed + 1; b++) {
    let s: BlockState;
    if (b >= needed) s = 'unallocated';
    else if (b < sinkBlocks) s = 'sink';
    else if (w !== null && (b + 1) * tpb <= windowStart) s = 'stale';
    else s = (x.table[b] ?? -1) >= 0 ? 'held' : 'unallocated';
    if (b < needed) counts[s]++;
    states.push(s);
  }
  const firstWindowBlock = Math.floor(windowStart / tpb);
  const lastWindowBlock = Math.floor(x.history / tpb);
  const straddle = w !== null && lastWindowBlock - firstWindowBlock + 1 > Math.ceil(Math.min(w, x.history + 1) / tpb);
  return { tpb, history: x.history, length, states, needed, windowTokens: w, windowStart, sinkTokens: w === null ? 0 : x.sinkTokens, firstWindowBlock, lastWindowBlock, straddle, counts };
}

/** A drawn cell of the block row: one block, or a run of like blocks shown as one gap. */
export type AxisCell = { readonly kind: 'block'; readonly block: number; readonly state: BlockState } | { readonly kind: 'gap'; readonly from: number; readonly to: number; readonly state: BlockState };

/**
 * The block row at a readable scale: the blocks the window touches, and a block either side,
 * are always drawn; a longer run of like blocks elsewhere keeps its first and last block and
 * shows the rest as one gap ("… 535 stale …"), so a window of 8 tokens in a 539-block request is
 * as wide as any other block.
 */
export function axisCells(l: AxisLayout, keep = 2): AxisCell[] {
  const n = l.states.length;
  const important = (b: number) => (b >= l.firstWindowBlock - 1 && b <= l.lastWindowBlock + 1) || b >= l.needed - 1;
  const out: AxisCell[] = [];
  let b = 0;
  while (b < n) {
    let e = b;
    while (e + 1 < n && l.states[e + 1] === l.states[b] && !important(e + 1) && !important(b)) e++;
    const len = e - b + 1;
    if (len - 2 * keep >= 3) {
      for (let i = b; i < b + keep; i++) out.push({ kind: 'block', block: i, state: l.states[i] });
      out.push({ kind: 'gap', from: b + keep, to: e - keep, state: l.states[b] });
      for (let i = e - keep + 1; i <= e; i++) out.push({ kind: 'block', block: i, state: l.states[i] });
    } else for (let i = b; i <= e; i++) out.push({ kind: 'block', block: i, state: l.states[i] });
    b = e + 1;
  }
  return out;
}

/** The token range the zoomed row shows: the window with a margin (the last blocks without one). */
export function zoomRange(l: AxisLayout): [number, number] {
  const end = l.states.length * l.tpb;
  if (l.windowTokens === null) return [Math.max(0, l.length - 2 * l.tpb), Math.min(end, l.length + Math.ceil(l.tpb / 4))];
  const pad = Math.max(4, Math.ceil(l.windowTokens / 4));
  return [Math.max(0, l.windowStart - pad), Math.min(end, l.history + 1 + pad)];
}

/** One line saying what the axis shows, with its numbers. */
export function axisNote(l: AxisLayout, requestId: number): string {
  const win = l.windowTokens === null ? 'full attention: every block stays live' : `window ${l.windowTokens}: tokens [${l.windowStart}, ${l.history}] in blocks ${l.firstWindowBlock}..${l.lastWindowBlock}`;
  const strad = l.straddle ? ` — a straddle: the window starts mid-block and touches ${l.lastWindowBlock - l.firstWindowBlock + 1} blocks` : '';
  const sinks = l.sinkTokens > 0 ? `; sinks [0, ${l.sinkTokens}) kept for good` : '';
  const c = l.counts;
  return `Request ${requestId}, h = ${l.history}, ${l.length} tokens in ${l.needed} blocks of ${l.tpb}; ${win}${strad}${sinks}. ${c.held} held, ${c.stale} stale, ${c.unallocated} not yet allocated${c.sink ? `, ${c.sink} sink` : ''}.`;
}
