/**
 * Lesson 5: the straddle. One window-128 pool, blocks of 256 tokens, 16 decodes in lockstep from
 * h = 200: at h = 256 each window [129, 256] touches two blocks, so a floor of maxBatchSize slots
 * serves only half the batch. `safe` prices every window at its worst alignment.
 *
 *   h = 200: window [73, 200]   |blk0 ....... |              -> 1 block
 *   h = 256: window [129, 256]  |blk0 ....... |blk1 |        -> 2 blocks (the straddle)
 */
import { decodeBlocksRange, nonStaleBlocks } from '../planner/lifecycle.ts';
import { fmt } from './check.ts';
import { firstPass, heldIn, type LiveRequest, type LiveRun, lifeCycleAt } from './live.ts';
import type { Lesson } from './types.ts';

const FIX = { scenario: 'straddle', mode: 'issue-fix', req: '0' };
const SAFE = { scenario: 'straddle', mode: 'safe', req: '0' };
const OUTCOMES = ['completes', 'deadlocks'];

const windowOf = (live: LiveRun): number => {
  const lc = lifeCycleAt(live.plan, 0);
  return lc.kind === 'attn' && lc.windowTokens !== null ? lc.windowTokens : 0;
};
const req = (live: LiveRun): LiveRequest => {
  const r = live.requestsAt(live.step).find((x) => x.id === Math.max(0, live.request));
  if (!r) throw new Error('request 0 is not in the run');
  return r;
};
/** Blocks the decode's window touches at this pass, by the stale-range rule. */
const needs = (live: LiveRun, r: LiveRequest) => nonStaleBlocks(lifeCycleAt(live.plan, 0), r.history + 1, r.history, live.plan.tokensPerBlock);
const outcome = (live: LiveRun) => (live.summary.outcome === 'completed' ? 'completes' : 'deadlocks');

/** The first pass at which the inspected request's window straddles a block boundary. */
function straddlePass(live: LiveRun): number {
  const id = Math.max(0, live.request);
  const k = firstPass(live, (reqs) => {
    const r = reqs.find((x) => x.id === id);
    return !!r && r.history > 0 && needs(live, r) > 1;
  });
  return Math.max(0, k);
}

export const straddle: Lesson = {
  id: 'straddle',
  title: 'The straddle: why the fix falls short',
  summary: 'A window that starts mid-block needs two blocks: floors of maxBatchSize cover only half the batch. safe covers it.',
  steps: [
    {
      title: 'One block per decode',
      url: { ...FIX, view: 'inspector', step: '1' },
      highlight: 'token-axis',
      text: 'One windowed layer, [[window]] 128, blocks of 256, 16 requests decoding in lockstep. The issue-fix floor gives exactly [[maxBatchSize]] = 16 slots: one block per decode.',
      question: {
        kind: 'number',
        prompt: (live) => `Request ${req(live).id} decodes at history ${req(live).history}: its window is [${req(live).history + 1 - windowOf(live)}, ${req(live).history}]. How many blocks does it hold?`,
        answer: (live) => heldIn(req(live), 0),
        explain: (live) => {
          const r = req(live);
          const tpb = live.plan.tokensPerBlock;
          return `The window [${Math.max(0, r.history + 1 - windowOf(live))}, ${r.history}] lies inside block ${Math.floor(r.history / tpb)} (tokens ${Math.floor(r.history / tpb) * tpb}..${Math.floor(r.history / tpb) * tpb + tpb - 1}): ${needs(live, r)} block.`;
        },
      },
    },
    {
      title: 'Crossing the boundary',
      url: { ...FIX, view: 'inspector', step: '0' },
      seek: straddlePass,
      highlight: 'token-axis',
      text: 'At a block boundary the window starts in the old block and ends in the new one: it [[straddles|straddle]]. The old block is not stale yet, so the decode needs a second slot.',
      question: {
        kind: 'number',
        prompt: (live) => `At history ${req(live).history} the window is [${req(live).history + 1 - windowOf(live)}, ${req(live).history}]. How many blocks does it touch?`,
        answer: (live) => needs(live, req(live)),
        explain: (live) => {
          const r = req(live);
          const tpb = live.plan.tokensPerBlock;
          const lo = r.history + 1 - windowOf(live);
          return `Token ${lo} is in block ${Math.floor(lo / tpb)} and token ${r.history} in block ${Math.floor(r.history / tpb)}: ${needs(live, r)} blocks. With w = ${windowOf(live)} and tpb = ${tpb} this happens at ${windowOf(live) - 1} of every ${tpb} positions.`;
        },
      },
    },
    {
      title: 'Half the batch',
      url: { ...FIX, view: 'pools', step: '0' },
      highlight: 'pools',
      text: 'The 16 requests reach the boundary in the same pass. Each needs a second slot; there are none left, and no one can free one.',
      question: {
        kind: 'number',
        prompt: (live) => `${fmt(live.plan.slotCounts[0])} slots, 2 blocks per straddling decode: how many decodes fit when they all straddle together?`,
        answer: (live) => live.diagnostics.poolGroups[0].decodesWorst,
        explain: (live) => {
          const d = live.diagnostics.poolGroups[0];
          const run = live.summary.deadlock ? ` The run deadlocks at pass ${fmt(live.summary.deadlock.firstStalledStep ?? 0)}.` : ` The run ${outcome(live)}.`;
          return `floor(${fmt(d.slotCount)} / ${d.decodeBlocksWorst}) = ${fmt(d.decodesWorst)} of ${live.maxBatchSize}: the fix's floor covers aligned decodes only.${run}`;
        },
        reveal: (live) => ({ step: live.summary.deadlock?.firstStalledStep ?? live.stepCount - 1, highlight: 'explainer' }),
      },
    },
    {
      title: 'safe',
      url: { ...SAFE, view: 'pools', step: '0' },
      highlight: 'pools',
      text: "[[safe]] is the playground's own constraint: maxBatchSize decodes at the worst block alignment of every window, in the same pass as one context chunk of maxNumTokens.",
      question: {
        kind: 'number',
        prompt: () => 'What min_slots does safe give this pool?',
        answer: (live) => live.plan.minSlots[0],
        explain: (live) => {
          const need = live.plan.constraintSlots.map((c) => c[0]);
          const top = need.indexOf(Math.max(...need));
          const lc = lifeCycleAt(live.plan, 0);
          const tpb = live.plan.tokensPerBlock;
          // The constraint that sets the floor, entry by entry: (capacity, history) x count.
          const parts = live.plan.constraints[top].kvCaches.map((c) => `${c.count} × (${fmt(c.capacity)}, ${fmt(c.history)}) = ${c.count} × ${nonStaleBlocks(lc, c.capacity, c.history, tpb)}`);
          return `The constraints need [${need.map(fmt).join(', ')}] slots; the largest is the batch ${parts.join(' + ')} blocks: every decode at the worst alignment (${decodeBlocksRange(lc, tpb).worst} blocks) in the same pass as one context chunk. min_slots = ${fmt(live.plan.minSlots[0])}.`;
        },
        reveal: () => ({ view: 'plan', highlight: 'plan' }),
      },
    },
    {
      title: 'safe completes',
      url: { ...SAFE, view: 'pools', step: '0' },
      highlight: 'explainer',
      text: 'With the straddle priced in, every decode finds its second slot at the boundary.',
      question: {
        kind: 'choice',
        options: () => OUTCOMES,
        prompt: () => 'Does the run complete or deadlock now?',
        answer: outcome,
        explain: (live) => `${live.summary.outcome}: ${fmt(live.summary.completedRequests)} of ${fmt(live.summary.totalRequests)} requests in ${fmt(live.summary.steps)} passes, peak ${fmt(live.summary.peakUsedSlots[0])} of ${fmt(live.plan.slotCounts[0])} slots.`,
        reveal: (live) => ({ step: live.stepCount - 1 }),
      },
    },
  ],
};
