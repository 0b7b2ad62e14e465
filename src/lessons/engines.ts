/**
 * Lesson 6: engine versions and the other engines' failures, on the named scenarios the engine
 * sizers and policies reproduce: #15401 under today's TensorRT-LLM sizing (trtllm-v2@main),
 * vLLM #39734 (sizing and admission use different bounds) and SGLang #29662 (the short pool is
 * not the one being evicted), each next to its fix.
 */

import { staleRange } from '../planner/lifecycle.ts';
import { fmt } from './check.ts';
import { heldIn, type LiveRun, lifeCycleAt, poolNames } from './live.ts';
import type { Lesson } from './types.ts';

const COMPLETES = 'none: the run completes';
const OUTCOMES = ['completes', 'deadlocks'];

const stateOf = (live: LiveRun) => live.plan.poolGroups.findIndex((g) => g.name === 'STATE');
const dl = (live: LiveRun) => {
  const d = live.summary.deadlock;
  if (!d) throw new Error('the run on screen does not stall');
  return d;
};
const outcome = (live: LiveRun) => (live.summary.outcome === 'completed' ? 'completes' : 'deadlocks');
const slotsWords = (live: LiveRun) => live.plan.poolGroups.map((g, i) => `${g.name} ${fmt(live.plan.slotCounts[i])}`).join(', ');

/** #15401 sized by today's version, through the page's engine picker (URL key `engine`). */
const MAIN = { scenario: 'trtllm-15401', engine: 'trtllm-v2@main', mode: 'main', view: 'pools', step: '0' };

export const engines: Lesson = {
  id: 'engines',
  title: 'Engine versions and the other engines',
  summary: "#15401 under today's TensorRT-LLM sizing, and the cousins in vLLM (#39734) and SGLang (#29662), each with its fix.",
  steps: [
    {
      title: "Today's TensorRT-LLM",
      url: MAIN,
      highlight: 'field-engine',
      text: "The #15401 scenario with the Engine picker set to trtllm-v2@main and its constraint mode main: the same model, quota and pool_ratio, now one ratio per [[life cycle]] and the storage manager of today's [[engine version]]. The pool groups come out in another order, and the wrapper of main builds its [[constraints|constraint]] differently.",
      facts: (live) => [`Pool groups in order: ${poolNames(live.plan).join(', ')}; ${live.plan.constraints.length} constraint batch(es).`],
      question: {
        kind: 'number',
        prompt: () => 'With this pool_ratio, what is min_slots of STATE now?',
        answer: (live) => live.plan.minSlots[stateOf(live)],
        explain: (live) =>
          `With a pool_ratio the wrapper of main builds ${live.plan.constraints.length} constraint batches, so only the structural floor is left: min_slots [${live.plan.minSlots.map(fmt).join(', ')}]. The ratio then gives ${slotsWords(live)} slots.`,
        reveal: () => ({ view: 'plan', highlight: 'plan' }),
      },
    },
    {
      title: 'The deadlock survives',
      url: MAIN,
      highlight: 'pools',
      text: 'A floor of two slots is no more a guarantee for maxBatchSize decodes than a floor of one.',
      question: {
        kind: 'choice',
        options: (live) => [...poolNames(live.plan), COMPLETES],
        prompt: () => 'Which pool runs out first under trtllm-v2@main?',
        answer: (live) => live.summary.deadlock?.poolName ?? COMPLETES,
        explain: (live) => {
          const d = live.summary.deadlock;
          if (!d) return `All ${fmt(live.summary.totalRequests)} requests complete in ${fmt(live.summary.steps)} passes.`;
          return `From pass ${fmt(d.firstStalledStep ?? 0)} a request needs ${d.neededSlots} ${d.poolName} slot(s) and ${d.freeSlots} are free: ${d.heldBySuspended} suspended and ${d.heldByRunning} running requests hold all ${fmt(live.plan.slotCounts[d.poolGroup])}. The same [[deadlock]] as in 15401.`;
        },
        reveal: (live) => ({ step: live.summary.deadlock?.firstStalledStep ?? live.stepCount - 1, highlight: 'explainer' }),
      },
    },
    {
      title: 'vLLM #39734: two bounds',
      url: { scenario: 'vllm-39734', view: 'pools', step: '0' },
      highlight: 'explainer',
      text: "vLLM keeps one shared [[pool]] of blocks for all its KV-cache groups. Its startup check sizes the pool for max_model_len with each [[window]] counted at its window's blocks; the admission gate of that version reserves the whole prompt in every group.",
      question: {
        kind: 'number',
        prompt: (live) => `A second request's prompt is within max_model_len ${fmt(live.maxSeqLen)}. The shared pool has ${fmt(live.plan.slotCounts[0])} blocks. How many blocks does the admission gate ask for it?`,
        answer: (live) => dl(live).neededSlots,
        explain: (live) => {
          const d = dl(live);
          const more = d.neededSlots > live.plan.slotCounts[0] ? 'more than the whole pool' : 'more than are free';
          return `It asks for ${fmt(d.neededSlots)} blocks with ${fmt(d.freeSlots)} free of ${fmt(live.plan.slotCounts[0])}: ${more}, so it is never admitted. ${fmt(live.summary.completedRequests)} of ${fmt(live.summary.totalRequests)} requests complete, ${d.heldByRunning} run, and from pass ${fmt(d.firstStalledStep ?? 0)} nothing moves.`;
        },
        reveal: (live) => ({ step: live.summary.deadlock?.firstStalledStep ?? 0, highlight: 'explainer' }),
      },
    },
    {
      title: 'vLLM: one bound for both',
      url: { scenario: 'vllm-39734-fixed', view: 'pools', step: '0' },
      highlight: 'timeline',
      text: 'PR #40946 admits a request with the same per-group bound the startup check sized the pool with: a windowed group needs its window, not the whole prompt.',
      question: {
        kind: 'number',
        prompt: (live) => `How many of the ${fmt(live.summary.totalRequests)} requests complete now?`,
        answer: (live) => live.summary.completedRequests,
        explain: (live) => `${fmt(live.summary.completedRequests)} of ${fmt(live.summary.totalRequests)} in ${fmt(live.summary.steps)} passes (${live.summary.outcome}); at most ${fmt(live.summary.peakUsedSlots[0])} of ${fmt(live.plan.slotCounts[0])} blocks in use.`,
        reveal: (live) => ({ step: live.stepCount - 1 }),
      },
    },
    {
      title: 'SGLang #29662: the wrong pool evicted',
      url: { scenario: 'sglang-29662', view: 'pools', step: '0' },
      highlight: 'pools',
      text: "SGLang splits its memory into a full-attention pool and a sliding-window pool. Out-of-window SWA tokens stay cached as evictable, but eviction walks the full pool's LRU.",
      facts: (live) => live.plan.poolGroups.map((g, i) => `${g.name}: ${fmt(live.plan.slotCounts[i])} pages.`),
      question: {
        kind: 'choice',
        options: (live) => [...poolNames(live.plan), COMPLETES],
        prompt: () => 'One long prompt that fits the full pool. Which pool runs out?',
        answer: (live) => live.summary.deadlock?.poolName ?? COMPLETES,
        explain: (live) => {
          const d = live.summary.deadlock;
          if (!d) return `The request completes in ${fmt(live.summary.steps)} passes.`;
          const at = d.firstStalledStep ?? 0;
          const lc = lifeCycleAt(live.plan, d.poolGroup);
          const r = live.requestsAt(at).find((x) => heldIn(x, d.poolGroup) > 0);
          let held = '';
          if (r) {
            const s = staleRange(lc, r.history, live.plan.tokensPerBlock);
            const t = r.blockTables[d.poolGroup][0];
            let out = 0;
            for (let b = s.start; b < s.end; b++) if (t[b] >= 0) out++;
            held = ` Request ${r.id} holds ${fmt(heldIn(r, d.poolGroup))} ${d.poolName} pages at history ${fmt(r.history)}; ${fmt(out)} of them lie wholly before its window and could go, but eviction never looks there.`;
          }
          return `${d.poolName}: the next chunk needs ${fmt(d.neededSlots)} pages with ${fmt(d.freeSlots)} free of ${fmt(live.plan.slotCounts[d.poolGroup])}.${held} "KV cache is full" from pass ${fmt(at)}.`;
        },
        reveal: (live) => ({ step: live.summary.deadlock?.firstStalledStep ?? 0, highlight: 'explainer' }),
      },
    },
    {
      title: 'SGLang, fixed',
      url: { scenario: 'sglang-29662-fixed', view: 'pools', step: '0' },
      highlight: 'explainer',
      text: 'Evict SWA entries when SWA is the short pool, and the out-of-window pages make room.',
      question: {
        kind: 'choice',
        options: () => OUTCOMES,
        prompt: () => 'Does the run complete or deadlock now?',
        answer: outcome,
        explain: (live) => `${live.summary.outcome}: ${fmt(live.summary.completedRequests)} of ${fmt(live.summary.totalRequests)} in ${fmt(live.summary.steps)} passes; peak use ${live.plan.poolGroups.map((g, i) => `${g.name} ${fmt(live.summary.peakUsedSlots[i])} of ${fmt(live.plan.slotCounts[i])}`).join(', ')}.`,
        reveal: (live) => ({ step: live.stepCount - 1 }),
      },
    },
  ],
};
