/**
 * Why the counterexample deadlocks, in the numbers of the pool that ran out: the boundary-crossing
 * argument (decodes that cross a block boundary together hold the block they leave and the block
 * they enter while the window still reaches back), and the same request shape at the full batch.
 *
 *   tpb = 256, window 128, boundary at 512:
 *   |blk1 ... 511|blk2 512 ...|   decode at h in [512, 638]: window [h-127, h] spans blk1 + blk2
 *
 * The minimal list is often smaller than maxBatchSize (the first suspended requests keep their
 * blocks on a GPU-only tier, so fewer crossings already exhaust the pool); the full batch of the
 * same shape is replayed as well, so the report shows both, as run, never as a guess.
 */
import { nonStaleBlocks } from '../planner/lifecycle.ts';
import type { Plan } from '../planner/types.ts';
import type { Bounds } from './bounds.ts';
import { buildList, type Counterexample, replay } from './search.ts';
import type { Subject } from './subject.ts';

export interface CrossingExplanation {
  /** Pool group that ran out and the numbers of the argument. */
  readonly poolGroup: number;
  readonly slots: number;
  /** Blocks one decode holds while it crosses a block boundary (worst alignment). */
  readonly blocksWhileCrossing: number;
  /** maxBatchSize x blocksWhileCrossing: what the full batch crossing together needs. */
  readonly fullBatchNeeds: number;
  /** The straddle range after the first boundary the requests decode across ([from, to] positions), or null. */
  readonly straddle: readonly [number, number] | null;
  /** The same shape at maxBatchSize requests, replayed. */
  readonly fullBatch: { readonly requests: number; readonly outcome: string; readonly firstStalledStep: number | null } | null;
  readonly text: string;
}

/** The positions after the first boundary above the prompt where a decode holds one block more than inside the block (the straddle). */
function straddleAfter(plan: Plan, pg: number, prompt: number, d: number): [number, number] | null {
  const tpb = plan.tokensPerBlock;
  const lc = plan.lifeCycles.find((l) => plan.lifeCyclePoolGroup[l.id] === pg && l.kind === 'attn' && l.windowTokens !== null);
  if (!lc) return null;
  const held = (h: number) => nonStaleBlocks(lc, h + 1 + d, h, tpb);
  const boundary = Math.ceil((prompt + 1) / tpb) * tpb;
  const settled = held(boundary + tpb - 1);
  if (held(boundary) <= settled) return null;
  let to = boundary;
  while (to + 1 < boundary + tpb && held(to + 1) > settled) to++;
  return [boundary, to];
}

export function explainCrossing(s: Subject, plan: Plan, b: Bounds, cx: Counterexample): CrossingExplanation | null {
  const d = cx.deadlock;
  const g = b.poolGroups[d.poolGroup];
  if (!g || cx.shape.growth || g.decodeBlocksWorst <= g.decodeBlocksBest) return null;
  const mbs = s.knobs.maxBatchSize;
  const straddle = straddleAfter(plan, d.poolGroup, cx.shape.prompt, s.knobs.draftTokens);
  let fullBatch: CrossingExplanation['fullBatch'] = null;
  if (cx.requests.length < mbs) {
    const r = replay(s, plan, buildList(s, cx.shape, mbs));
    fullBatch = { requests: mbs, outcome: r.outcome, firstStalledStep: r.deadlock?.firstStalledStep ?? null };
  }
  const need = mbs * g.decodeBlocksWorst;
  const where = straddle ? ` (positions ${straddle[0]}-${straddle[1]}: the window still reaches into the block before ${straddle[0]})` : '';
  const parts = [
    `${mbs} decodes that cross a block boundary together need ${mbs} x ${g.decodeBlocksWorst} = ${need} ${g.name} slots${where}; the pool has ${g.slots}.`,
    `The smallest list in the family has ${cx.requests.length} request(s): at pass ${d.firstStalledStep} its ${d.heldByRunning + d.heldBySuspended} holders hold ${d.slotsHeldByRunning + d.slotsHeldBySuspended} of the ${g.slots} slots (${d.heldBySuspended} suspended, whose blocks stay on the GPU) and need ${d.demandOfHolders} for their next step.`,
  ];
  if (fullBatch) parts.push(`The same requests at the full batch (${mbs}) were replayed too: ${fullBatch.outcome}${fullBatch.firstStalledStep !== null ? ` (stalls at pass ${fullBatch.firstStalledStep})` : ''}.`);
  return { poolGroup: d.poolGroup, slots: g.slots, blocksWhileCrossing: g.decodeBlocksWorst, fullBatchNeeds: need, straddle, fullBatch, text: parts.join(' ') };
}
