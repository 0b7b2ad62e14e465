/**
 * Lesson 2: sliding windows and stale blocks. Gemma 3 1B: 22 of its 26 layers attend to a window
 * of 512 tokens, the other 4 to everything; blocks of 64 tokens; four requests of 500 + 400.
 *
 *   tpb = 64, w = 512, h = 575:  live window = [h+1-w, h] = [64, 575]
 *   |blk0|blk1|blk2| ... |blk8|blk9   block 0 (tokens 0..63) is stale: its slot is freed
 */
import { decodeBlocksRange, rangeLength, staleRange } from '../planner/lifecycle.ts';
import { divUp, floorDiv } from '../planner/pymath.ts';
import { fmt } from './check.ts';
import { firstPass, heldIn, type LiveRequest, type LiveRun, lifeCycleAt, poolGroupWhere } from './live.ts';
import type { Lesson } from './types.ts';

const BASE = {
  scenario: 'custom',
  // The lesson's numbers are those of the #15401-era sizer it was written with (presets now default to @main).
  engine: 'trtllm-v2@15401',
  preset: 'gemma-3-1b',
  tpb: '64',
  dtype: 'bf16',
  maxSeqLen: '4096',
  maxBatch: '8',
  quota: '128MiB',
  mode: 'as-shipped',
  ratio: '',
  workload: 'generated',
  requests: '4',
  prompt: '500',
  output: '400',
  dist: 'fixed',
  rate: '0',
  req: '0',
};

/** The windowed pool group and its window (the first life cycle with a window). */
function windowed(live: LiveRun): { pg: number; w: number } {
  const pg = poolGroupWhere(live.plan, (lc) => lc.kind === 'attn' && lc.windowTokens !== null);
  const lc = pg < 0 ? null : lifeCycleAt(live.plan, pg);
  if (lc?.kind !== 'attn' || lc.windowTokens === null) throw new Error('the plan on screen has no windowed life cycle');
  return { pg, w: lc.windowTokens };
}
const fullPg = (live: LiveRun) => poolGroupWhere(live.plan, (lc) => lc.kind === 'attn' && lc.windowTokens === null);
const req = (live: LiveRun, step = live.step): LiveRequest => {
  const id = Math.max(0, live.request);
  const r = live.requestsAt(step).find((x) => x.id === id);
  if (!r) throw new Error(`request ${id} is not in the run`);
  return r;
};
const stale = (live: LiveRun, h: number) => staleRange(lifeCycleAt(live.plan, windowed(live).pg), h, live.plan.tokensPerBlock);

/** The first pass at which the +1 decides: (h + 1 - w) is a positive multiple of tpb. */
function plusOnePass(live: LiveRun): number {
  const { w } = windowed(live);
  const tpb = live.plan.tokensPerBlock;
  const id = Math.max(0, live.request);
  return firstPass(live, (reqs) => {
    const r = reqs.find((x) => x.id === id);
    return !!r && r.state === 'decoding' && r.history + 1 - w >= tpb && (r.history + 1 - w) % tpb === 0;
  });
}

/** The last pass at which the request still decodes. */
function lastDecodePass(live: LiveRun): number {
  const id = Math.max(0, live.request);
  for (let k = live.stepCount - 1; k >= 0; k--) if (live.requestsAt(k).find((x) => x.id === id)?.state === 'decoding') return k;
  return live.step;
}

export const windows: Lesson = {
  id: 'windows',
  title: 'Windows and stale blocks',
  summary: 'Why a sliding window frees blocks while a request still runs, and the +1 in the stale range.',
  steps: [
    {
      title: 'Two kinds of layer',
      url: { ...BASE, view: 'pools', step: '0' },
      highlight: 'pools',
      text: 'Most of Gemma 3 1B\'s layers use a sliding [[window]] of 512 tokens; a few attend to everything. The two kinds free blocks differently, so they are two [[life cycles|life cycle]] with a pool group each.',
      facts: (live) => live.plan.poolGroups.map((g, i) => `${g.name}: ${fmt(live.plan.slotCounts[i])} slots.`),
      question: {
        kind: 'number',
        prompt: (live) => `Request ${req(live).id} has just prefilled ${fmt(req(live).capacity)} tokens (blocks of ${live.plan.tokensPerBlock}). How many blocks does it hold in the window-${windowed(live).w} pool group?`,
        answer: (live) => heldIn(req(live), windowed(live).pg),
        explain: (live) => {
          const r = req(live);
          return `A prefill runs with history ${r.history}: no query has moved past any token yet, so nothing is [[stale|stale block]] and the window layers hold div_up(${r.capacity}, ${live.plan.tokensPerBlock}) = ${divUp(r.capacity, live.plan.tokensPerBlock)} blocks, as many as full attention.`;
        },
      },
    },
    {
      title: 'The first stale block, and the +1',
      url: { ...BASE, view: 'inspector', step: '0' },
      seek: plusOnePass,
      highlight: 'token-axis',
      text: 'A query at [[history]] h attends to [h+1-w, h]: the window ends at the in-flight token itself, hence the [[+1]]. A block wholly before the window is a [[stale block]]: no query will read it again, so its slot goes back to the pool. The token axis shows stale blocks apart from blocks [[not yet allocated]].',
      question: {
        kind: 'number',
        prompt: (live) => `Request ${req(live).id} is at history h = ${fmt(req(live).history)}, window w = ${windowed(live).w}, blocks of ${live.plan.tokensPerBlock}. How many of its blocks are stale?`,
        answer: (live) => rangeLength(stale(live, req(live).history)),
        explain: (live) => {
          const h = req(live).history;
          const { w } = windowed(live);
          const tpb = live.plan.tokensPerBlock;
          const end = stale(live, h).end;
          return `The window is [${h + 1 - w}, ${h}]; floor((h + 1 - w) / tpb) = floor(${h + 1 - w} / ${tpb}) = ${end}, so blocks 0..${end - 1} are stale. Without the +1 it would be floor(${h - w} / ${tpb}) = ${floorDiv(h - w, tpb)}: one block fewer, kept a pass too long.`;
        },
      },
    },
    {
      title: 'Why a window frees blocks',
      url: { ...BASE, view: 'inspector', step: '0' },
      seek: lastDecodePass,
      highlight: 'inspector',
      text: 'As the request grows, blocks fall out of the window behind it at the rate new ones come in ahead. A windowed layer holds about w / tpb + 1 blocks however long the request is; a full-attention layer holds all of them.',
      facts: (live) => {
        const f = fullPg(live);
        return f < 0 ? [] : [`Request ${req(live).id} holds ${heldIn(req(live), f)} blocks in ${live.plan.poolGroups[f].name} at pass ${live.step}.`];
      },
      question: {
        kind: 'number',
        prompt: (live) => `Request ${req(live).id} is at history ${fmt(req(live).history)}. How many blocks does it still hold in the window-${windowed(live).w} pool group?`,
        answer: (live) => heldIn(req(live), windowed(live).pg),
        explain: (live) => {
          const r = req(live);
          const tpb = live.plan.tokensPerBlock;
          const s = stale(live, r.history);
          const range = decodeBlocksRange(lifeCycleAt(live.plan, windowed(live).pg), tpb);
          return `div_up(${r.capacity}, ${tpb}) = ${divUp(r.capacity, tpb)} blocks so far, minus the ${rangeLength(s)} stale ones (blocks ${s.start}..${s.end - 1}) = ${divUp(r.capacity, tpb) - rangeLength(s)}. However long the request, a decode here holds ${range.best} blocks when the window starts on a block boundary and ${range.worst} when it starts mid-block.`;
        },
        reveal: () => ({ view: 'pools', highlight: 'timeline' }),
      },
    },
    {
      title: 'What the pools see',
      url: { ...BASE, view: 'pools', step: '0' },
      highlight: 'timeline',
      text: 'Summed over requests, the window pool group levels off while the full-attention one keeps climbing. A window is why a long request costs little in windowed pools, and why their floor can be small: which is where the trouble of lesson 4 starts.',
      question: {
        kind: 'choice',
        options: (live) => live.plan.poolGroups.map((g) => g.name),
        prompt: () => 'Which pool group frees slots while its requests are still decoding?',
        answer: (live) => live.plan.poolGroups[windowed(live).pg].name,
        explain: (live) => {
          const { pg, w } = windowed(live);
          const f = fullPg(live);
          const peak = live.summary.peakUsedSlots;
          return `${live.plan.poolGroups[pg].name} (window ${w}) gives back every block that falls out of the window: it peaks at ${fmt(peak[pg])} slots${f >= 0 ? `, while ${live.plan.poolGroups[f].name} keeps every block and peaks at ${fmt(peak[f])}` : ''}.`;
        },
      },
    },
  ],
};
