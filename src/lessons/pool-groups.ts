/**
 * Lesson 3: pool groups and the split. gpt-oss-20b shows two life cycles sharing one pool group;
 * DeepSeek-V4-Flash shows three pool groups, min_slots from the one long decode, the ratio of the
 * typical step, grains, and the peel loop pinning groups at their floor.
 */
import { divUp } from '../planner/pymath.ts';
import { fmt, fmtBytes, MiB } from './check.ts';
import type { LiveRun } from './live.ts';
import { peelRounds } from './peel.ts';
import type { Lesson } from './types.ts';

const GPT_OSS = {
  scenario: 'custom',
  // The lesson's numbers are those of the #15401-era sizer it was written with (presets now default to @main).
  engine: 'trtllm-v2@15401',
  preset: 'gpt-oss-20b',
  tpb: '64',
  dtype: 'fp8',
  maxSeqLen: '4096',
  maxBatch: '8',
  quota: '1GiB',
  mode: 'as-shipped',
  ratio: '',
  workload: 'generated',
  requests: '4',
  prompt: '500',
  output: '400',
  dist: 'fixed',
  rate: '0',
};
/** The #15401 scenario's model and knobs without its skewed ratio: the typical step decides. */
const DSV4 = { scenario: 'trtllm-15401', ratio: '' };

const lcWords = (live: LiveRun, id: number): string => {
  const lc = live.plan.lifeCycles[id];
  return lc.kind === 'ssm' ? 'recurrent state' : lc.windowTokens === null ? 'no window' : `window ${lc.windowTokens}`;
};
const sizeList = (xs: readonly number[]) => `[${xs.map(fmt).join(', ')}]`;
const names = (live: LiveRun, pgs: readonly number[]) => pgs.map((pg) => live.plan.poolGroups[pg].name).join(', ');

function peelStory(live: LiveRun): string {
  const walk = peelRounds(live.plan);
  if (!walk) return 'The peel loop could not be re-walked for this plan.';
  return walk.rounds
    .map((r, i) => {
      const parts = r.shares.map((s) => `${live.plan.poolGroups[s.poolGroup].name} ${fmt(s.grains)} grains = ${fmt(s.slots)} slots${s.pinned ? ` ≤ min_slots ${fmt(live.plan.minSlots[s.poolGroup])}: pinned` : ''}`);
      return `Round ${i + 1} (${fmt(r.budget)} grains): ${parts.join('; ')}.`;
    })
    .join(' ');
}

export const poolGroups: Lesson = {
  id: 'pool-groups',
  title: 'Pool groups and the split',
  summary: 'Life cycles, coalescing, min_slots, the ratio, grains and the peel loop.',
  steps: [
    {
      title: 'Life cycles that share',
      url: { ...GPT_OSS, view: 'pools', step: '0' },
      highlight: 'pools',
      text: "gpt-oss-20b alternates window-128 layers and full-attention layers: two [[life cycles|life cycle]]. Inside each, buffers of the same size are packed into one [[pool]] ([[coalescing]]). Life cycles whose pool sizes come out identical share one [[pool group]]: a slot then serves a block of either.",
      question: {
        kind: 'number',
        prompt: (live) => `gpt-oss-20b has ${live.plan.lifeCycles.length} life cycles (${live.plan.lifeCycles.map((lc) => lcWords(live, lc.id)).join(', ')}). How many pool groups does it get?`,
        answer: (live) => live.plan.poolGroups.length,
        explain: (live) =>
          live.plan.poolGroups.map((g) => `${g.name} holds life cycles ${g.lifeCycleIds.join(', ')} with pool sizes ${sizeList(g.slotSizeList)} bytes`).join('; ') +
          '. Identical slot size lists share a pool group; different ones cannot.',
      },
    },
    {
      title: 'Three pool groups',
      url: { ...DSV4, view: 'pools', step: '0' },
      highlight: 'pools',
      text: "DeepSeek-V4-Flash registers each layer's caches as several manager layers: a window of 128 (SWA), the compressed cache with no window (COMPRESS), and the compressor state with a window of 8 (STATE).",
      question: {
        kind: 'number',
        prompt: (live) => `DeepSeek-V4-Flash has ${live.plan.lifeCycles.length} life cycles. How many pool groups?`,
        answer: (live) => live.plan.poolGroups.length,
        explain: (live) => `${live.plan.poolGroups.map((g) => `${g.name} ${sizeList(g.slotSizeList)}`).join(', ')}: no two slot size lists match, so each life cycle is its own pool group.`,
      },
    },
    {
      title: 'min_slots: the floor',
      url: { ...DSV4, view: 'pools', step: '0' },
      highlight: 'plan',
      text: 'Each [[constraint]] is a batch the pools must be able to serve; [[min_slots]] is the most slots any constraint needs, at least one per life cycle. As shipped (the wrapper of #15401) the only constraint is one long decode of maxSeqLen tokens.',
      question: {
        kind: 'number',
        prompt: (live) => `One decode at history ${fmt(live.maxSeqLen - 1)} (maxSeqLen ${fmt(live.maxSeqLen)}, blocks of ${live.plan.tokensPerBlock}). What is min_slots of COMPRESS, the pool group with no window?`,
        answer: (live) => live.plan.minSlots[live.plan.poolGroups.findIndex((g) => g.name === 'COMPRESS')],
        explain: (live) => {
          const tpb = live.plan.tokensPerBlock;
          return `Nothing is stale without a window: div_up(${fmt(live.maxSeqLen)}, ${tpb}) = ${fmt(divUp(live.maxSeqLen, tpb))} blocks. The windowed groups need only the blocks their window touches at that position, so min_slots = [${live.plan.minSlots.map(fmt).join(', ')}].`;
        },
        reveal: () => ({ view: 'plan', highlight: 'plan' }),
      },
    },
    {
      title: 'The ratio',
      url: { ...DSV4, view: 'plan', step: '0' },
      highlight: 'plan',
      text: 'The floor is only the minimum. The rest of the [[quota]] is split by a [[ratio]]: with no pool_ratio set, the engine prices a [[typical step]] (one context chunk and maxBatchSize-1 long decodes) in bytes per pool group.',
      question: {
        kind: 'choice',
        options: (live) => live.plan.poolGroups.map((g) => g.name),
        prompt: () => 'Which pool group gets the largest share of the quota?',
        answer: (live) => {
          const b = live.plan.bytesPerPoolGroup;
          return live.plan.poolGroups[b.indexOf(Math.max(...b))].name;
        },
        explain: (live) =>
          `Ratio [${live.plan.initialRatio.map((r) => r.toFixed(3)).join(', ')}] (${live.plan.ratioSource}): ${live.plan.poolGroups.map((g, i) => `${g.name} ${fmtBytes(live.plan.bytesPerPoolGroup[i])} = ${fmt(live.plan.slotCounts[i])} slots`).join(', ')}.`,
      },
    },
    {
      title: 'Grains',
      url: { ...DSV4, view: 'plan', step: '0' },
      highlight: 'plan',
      text: 'The quota is handed out in [[grains|grain]], not bytes: 2 MiB below 2 GiB, doubling with the quota up to 32 MiB from 16 GiB. Every pool is rounded up to whole grains.',
      question: {
        kind: 'number',
        prompt: (live) => `How many grains does a quota of ${fmtBytes(live.plan.effectiveQuotaBytes)} make?`,
        answer: (live) => live.plan.totalGrains,
        explain: (live) => `A grain is ${fmt(live.plan.granularityBytes / MiB)} MiB at this quota: ${fmtBytes(live.plan.effectiveQuotaBytes)} / ${fmt(live.plan.granularityBytes / MiB)} MiB = ${fmt(live.plan.totalGrains)} grains.`,
      },
    },
    {
      title: 'The peel loop',
      url: { scenario: 'trtllm-15401', mode: 'issue-fix', view: 'plan', step: '0' },
      highlight: 'plan',
      text: 'With pool_ratio [0.01, 0.98, 0.01] and floors of 64, the [[peel loop]] hands each group its share of the grains; a group that lands at or below its [[min_slots]] is pinned to the floor and leaves, and the rest share what is left.',
      question: {
        kind: 'number',
        prompt: () => 'How many pool groups does the peel loop pin at their floor?',
        answer: (live) => peelRounds(live.plan)?.pinned.length ?? Number.NaN,
        explain: (live) => {
          const walk = peelRounds(live.plan);
          return `${peelStory(live)}${walk && walk.pinned.length > 0 ? ` Pinned: ${names(live, walk.pinned)}.` : ' Nothing is pinned.'}`;
        },
      },
    },
  ],
};
