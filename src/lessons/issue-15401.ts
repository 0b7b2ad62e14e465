/**
 * Lesson 4: TensorRT-LLM #15401 on the named scenario: the windowed floors of 1, the skewed ratio
 * that leaves STATE a handful of slots, the deadlock, and the fix's floors of maxBatchSize.
 */
import { staleRange } from '../planner/lifecycle.ts';
import { divUp } from '../planner/pymath.ts';
import { fmt } from './check.ts';
import { firstPass, type LiveRun, lifeCycleAt, poolNames } from './live.ts';
import type { Lesson } from './types.ts';

const AS_SHIPPED = { scenario: 'trtllm-15401' };
const FIXED = { scenario: 'trtllm-15401', mode: 'issue-fix' };
const COMPLETES = 'none: the run completes';

const stateOf = (live: LiveRun) => live.plan.poolGroups.findIndex((g) => g.name === 'STATE');
const limiting = (live: LiveRun) => live.diagnostics.limitingPoolGroup ?? 0;
const dl = (live: LiveRun) => live.summary.deadlock;

/** The first pass with the most requests decoding (bounded by the run). */
function busiestPass(live: LiveRun): number {
  const k = firstPass(live, (reqs) => reqs.filter((r) => r.state === 'decoding').length >= live.summary.maxConcurrentDecodes);
  return Math.max(0, k);
}

function windowWords(live: LiveRun, pg: number): string {
  const lc = lifeCycleAt(live.plan, pg);
  return lc.kind === 'attn' && lc.windowTokens !== null ? `window ${lc.windowTokens}` : 'no window';
}

export const issue15401: Lesson = {
  id: 'issue-15401',
  title: '#15401: the floor, the ratio, the deadlock, the fix',
  summary: 'DeepSeek-V4-Flash on TensorRT-LLM: windowed pools with a floor of one slot deadlock the V2 scheduler.',
  steps: [
    {
      title: 'The floor',
      url: { ...AS_SHIPPED, view: 'pools', step: '0' },
      highlight: 'story',
      text: 'The setup of [[#15401]]: DeepSeek-V4-Flash, fp8, blocks of 256 tokens, maxSeqLen 137,984, [[maxBatchSize]] 64, 40 GiB. As shipped, the only constraint is one long decode, so the windowed groups get a [[min_slots]] of whatever that one decode touches.',
      question: {
        kind: 'number',
        prompt: (live) => `What is min_slots of STATE (${windowWords(live, stateOf(live))}) as shipped?`,
        answer: (live) => live.plan.minSlots[stateOf(live)],
        explain: (live) => {
          const pg = stateOf(live);
          const lc = lifeCycleAt(live.plan, pg);
          const h = live.maxSeqLen - 1;
          const s = staleRange(lc, h, live.plan.tokensPerBlock);
          return `The long decode has ${fmt(divUp(live.maxSeqLen, live.plan.tokensPerBlock))} blocks; at h = ${fmt(h)} blocks 0..${fmt(s.end - 1)} are stale, leaving ${fmt(divUp(live.maxSeqLen, live.plan.tokensPerBlock) - (s.end - s.start))}. One request's worth: nothing in the floor says ${live.maxBatchSize} requests decode at once.`;
        },
        reveal: () => ({ view: 'plan', highlight: 'plan' }),
      },
    },
    {
      title: 'The skewed ratio',
      url: { ...AS_SHIPPED, view: 'pools', step: '0' },
      highlight: 'pools',
      text: 'The reporter set pool_ratio [0.01, 0.98, 0.01]: almost everything to COMPRESS. Every decoding request holds at least one slot in every windowed pool group, so the smallest windowed pool bounds how many decode at once.',
      facts: (live) => live.plan.poolGroups.map((g, i) => `${g.name}: ${fmt(live.plan.slotCounts[i])} slots (min_slots ${fmt(live.plan.minSlots[i])}).`),
      question: {
        kind: 'number',
        prompt: () => 'How many requests can decode at once now?',
        answer: (live) => live.diagnostics.maxDecodesBest,
        explain: (live) => {
          const d = live.diagnostics;
          const per = d.poolGroups.filter((g) => Number.isFinite(g.decodesBest)).map((g) => `${g.name} ${fmt(g.slotCount)} / ${g.decodeBlocksBest} = ${fmt(g.decodesBest)}`);
          return `At best alignment each decode needs one slot per windowed group: ${per.join(', ')}. The minimum, ${fmt(d.maxDecodesBest)}, is set by ${live.plan.poolGroups[limiting(live)].name}; the run's busiest pass decoded ${fmt(live.summary.maxConcurrentDecodes)}.`;
        },
        reveal: (live) => ({ step: busiestPass(live), view: 'pools', highlight: 'pools' }),
      },
    },
    {
      title: 'The deadlock',
      url: { ...AS_SHIPPED, view: 'pools', step: '0' },
      highlight: 'pools',
      text: 'All 64 requests arrive together. The first ones prefill and start decoding; the rest wait for slots. Play the run in your head before you answer.',
      question: {
        kind: 'choice',
        options: (live) => [...poolNames(live.plan), COMPLETES],
        prompt: () => 'Which pool runs out first, so that nothing can move?',
        answer: (live) => dl(live)?.poolName ?? COMPLETES,
        explain: (live) => {
          const d = dl(live);
          if (!d) return `All ${live.summary.totalRequests} requests complete in ${fmt(live.summary.steps)} passes.`;
          return `From pass ${fmt(d.firstStalledStep ?? 0)} a request needs ${d.neededSlots} more ${d.poolName} slot(s) and ${d.freeSlots} are free: all ${fmt(live.plan.slotCounts[d.poolGroup])} are held by ${d.heldByRunning} running and ${d.heldBySuspended} suspended requests. The scheduler gives up after 1000 such passes: a [[deadlock]].`;
        },
        reveal: (live) => ({ step: dl(live)?.firstStalledStep ?? live.stepCount - 1, highlight: 'explainer' }),
      },
    },
    {
      title: 'Why suspending does not help',
      url: { ...AS_SHIPPED, view: 'pools', step: '0' },
      seek: (live) => dl(live)?.firstStalledStep ?? 0,
      highlight: 'explainer',
      text: 'The scheduler [[suspends|suspend]] a request that cannot grow, hoping to free room. On a GPU-only tier a suspended request keeps its pages, and it may only come back through the [[resume gate]]: every pool at most 95% full.',
      question: {
        kind: 'number',
        prompt: (live) => `The run stalls at pass ${fmt(live.step)}. How many ${dl(live)?.poolName ?? 'STATE'} slots are free?`,
        answer: (live) => dl(live)?.freeSlots ?? live.plan.slotCounts[stateOf(live)] - live.used[stateOf(live)][live.step],
        explain: (live) => {
          const d = dl(live);
          if (!d) return 'This run does not stall.';
          const held = live.plan.slotCounts[d.poolGroup] - d.freeSlots;
          return `${d.heldBySuspended} suspended and ${d.heldByRunning} running requests hold ${fmt(held)} of ${fmt(live.plan.slotCounts[d.poolGroup])} ${d.poolName} slots. Suspended, they keep them; with the pool above the resume gate none comes back, and none can finish to free a slot.`;
        },
      },
    },
    {
      title: 'The fix',
      url: { ...FIXED, view: 'pools', step: '0' },
      highlight: 'explainer',
      text: 'The issue\'s fix adds a constraint of maxBatchSize one-block decodes, so every windowed group has a floor of maxBatchSize slots. The skewed ratio still starves the windowed pools, but the [[peel loop]] now pins them at 64.',
      facts: (live) => [`min_slots [${live.plan.minSlots.map(fmt).join(', ')}], slots [${live.plan.slotCounts.map(fmt).join(', ')}].`],
      question: {
        kind: 'number',
        prompt: (live) => `With the fix, how many of the ${live.summary.totalRequests} requests complete?`,
        answer: (live) => live.summary.completedRequests,
        explain: (live) => {
          const s = live.summary;
          return `${fmt(s.completedRequests)} of ${fmt(s.totalRequests)} complete in ${fmt(s.steps)} passes (${s.outcome}), up to ${fmt(s.maxConcurrentDecodes)} decoding at once: ${live.plan.poolGroups.map((g, i) => `${g.name} ${fmt(live.plan.slotCounts[i])}`).join(', ')} slots.`;
        },
        reveal: (live) => ({ step: live.stepCount - 1, highlight: 'explainer' }),
      },
    },
  ],
};
