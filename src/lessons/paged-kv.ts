/**
 * Lesson 1: the paged KV cache. One full-attention model (Llama 3.1 8B, bf16), blocks of 16
 * tokens, a 128 MiB pool, six requests of 100 + 60 tokens: small enough to count every slot.
 */
import { livePages } from '../attn/inputs.ts';
import { divUp } from '../planner/pymath.ts';
import { fmt } from './check.ts';
import { heldIn, inspectedRequest, type LiveRequest, type LiveRun, lifeCycleAt } from './live.ts';
import type { Lesson } from './types.ts';

const BASE = {
  scenario: 'custom',
  // The lesson's numbers are those of the #15401-era sizer it was written with (presets now default to @main).
  engine: 'trtllm-v2@15401',
  preset: 'llama-3.1-8b',
  tpb: '16',
  dtype: 'bf16',
  maxSeqLen: '512',
  maxBatch: '8',
  quota: '128MiB',
  mode: 'as-shipped',
  ratio: '',
  workload: 'generated',
  requests: '6',
  prompt: '100',
  output: '60',
  dist: 'fixed',
  rate: '0',
};

const tpb = (live: LiveRun) => live.plan.tokensPerBlock;
const who = (live: LiveRun): LiveRequest => {
  const r = inspectedRequest(live);
  if (!r) throw new Error(`no request holds blocks at pass ${live.step}`);
  return r;
};
const tableOf = (r: LiveRequest): number[] => Array.from(r.blockTables[0]?.[0] ?? []);
/** Tokens the decode's kernel reads at this pass: the in-flight token sits at position history. */
const lenOf = (r: LiveRequest) => Math.max(r.capacity, r.history + 1);

function pagesOf(live: LiveRun, r: LiveRequest): number[] {
  const lc = lifeCycleAt(live.plan, 0);
  const windowLeft = lc.kind === 'attn' && lc.windowTokens !== null ? lc.windowTokens - 1 : -1;
  return livePages(lenOf(r), tpb(live), windowLeft, lc.kind === 'attn' ? lc.sinkBlocks * tpb(live) : 0);
}

/** The pass at which pool group 0 is fullest (the first such pass). */
function peakPass(live: LiveRun): number {
  const u = live.used[0];
  let at = 0;
  for (let k = 1; k < u.length; k++) if (u[k] > u[at]) at = k;
  return at;
}

export const pagedKv: Lesson = {
  id: 'paged-kv',
  title: 'The paged KV cache',
  summary: 'Blocks, slots, block tables and the pages a decode reads, on one small full-attention model.',
  steps: [
    {
      title: 'Blocks and slots',
      url: { ...BASE, view: 'pools', step: '0', req: '0' },
      highlight: 'pools',
      text: 'Attention keeps the [[KV cache]] of every request: the keys and values of all its tokens. A [[paged]] cache cuts it into [[blocks|block]] of [[tokens per block]] tokens, and each block takes one [[slot]] of the pool. Each square of the grid is a slot; its colour says which request holds it.',
      facts: (live) => [`Pool group ${live.plan.poolGroups[0].name}: ${fmt(live.plan.slotCounts[0])} slots of one ${tpb(live)}-token block each.`],
      question: {
        kind: 'number',
        prompt: (live) => {
          const r = who(live);
          return `Request ${r.id} has ${fmt(r.capacity)} tokens with KV at pass ${live.step} (its prompt). How many slots does it hold?`;
        },
        answer: (live) => heldIn(who(live), 0),
        explain: (live) => {
          const r = who(live);
          return `div_up(${r.capacity}, ${tpb(live)}) = ${divUp(r.capacity, tpb(live))} [[blocks|block]]: the last one is only partly filled (${r.capacity - (divUp(r.capacity, tpb(live)) - 1) * tpb(live)} of ${tpb(live)} tokens), but a block is the unit of allocation. Full attention keeps every block, so request ${r.id} holds ${heldIn(r, 0)} slots.`;
        },
      },
    },
    {
      title: 'The block table',
      url: { ...BASE, view: 'inspector', step: '40', req: '0' },
      highlight: 'inspector',
      text: "A request does not own a contiguous range of memory. Its [[block table]] lists, block by block, the slot that holds it. The prompt's blocks were taken together; every block after that comes from whatever slot is free when the request grows into it.",
      question: {
        kind: 'number',
        prompt: (live) => {
          const t = tableOf(who(live));
          return `Request ${who(live).id} has ${t.length} blocks at pass ${live.step}. Which slot holds its last block, block ${t.length - 1}?`;
        },
        answer: (live) => {
          const t = tableOf(who(live));
          return t[t.length - 1];
        },
        explain: (live) => {
          const r = who(live);
          const t = tableOf(r);
          return `The block table of request ${r.id} at pass ${live.step} is [${t.join(', ')}]: logical block ${t.length - 1} lives in slot ${t[t.length - 1]}. The table, not the position in memory, says where each block is.`;
        },
      },
    },
    {
      title: 'Pages a decode reads',
      url: { ...BASE, view: 'inspector', step: '40', req: '0' },
      highlight: 'token-axis',
      text: 'A [[decode]] produces one token. Its attention kernel walks the block table and reads each [[page]] that holds a token the query attends to. With full attention that is every page up to the in-flight token.',
      question: {
        kind: 'number',
        prompt: (live) => `Request ${who(live).id} decodes at history ${fmt(who(live).history)} (pass ${live.step}). How many pages does its attention read?`,
        answer: (live) => pagesOf(live, who(live)).length,
        explain: (live) => {
          const r = who(live);
          const p = pagesOf(live, r);
          return `The query at position ${r.history} attends to tokens 0..${r.history}: div_up(${lenOf(r)}, ${tpb(live)}) = ${p.length} pages, logical ${p[0]}..${p[p.length - 1]}, read through the block table's slots.`;
        },
      },
    },
    {
      title: 'The pool fills',
      url: { ...BASE, view: 'pools', step: '0' },
      highlight: 'timeline',
      text: 'Every request grows by one token a pass and takes a new slot each time it crosses into a new block. The timeline shows the slots in use pass by pass.',
      question: {
        kind: 'number',
        prompt: (live) => `${live.summary.totalRequests} requests share ${fmt(live.plan.slotCounts[0])} slots. What is the most slots in use at once during the run?`,
        answer: (live) => live.summary.peakUsedSlots[0],
        explain: (live) => {
          const k = peakPass(live);
          const holders = live.requestsAt(k).filter((r) => heldIn(r, 0) > 0);
          const each = [...new Set(holders.map((r) => heldIn(r, 0)))].join(' or ');
          return `At pass ${k}, ${holders.length} requests hold ${each} blocks each: ${fmt(live.summary.peakUsedSlots[0])} of ${fmt(live.plan.slotCounts[0])} slots. Paging means none of them reserved the blocks it had not reached yet.`;
        },
        reveal: (live) => ({ step: peakPass(live), highlight: 'pools' }),
      },
    },
    {
      title: 'Full attention grows',
      url: { ...BASE, view: 'pools', step: '0' },
      highlight: 'pools',
      text: 'Full attention never lets a block go: a request holds div_up(length, tpb) slots, growing with its length. That is what sliding windows change (next lesson).',
      question: {
        kind: 'number',
        prompt: (live) => `How many requests of maxSeqLen ${fmt(live.maxSeqLen)} tokens fit in the ${fmt(live.plan.slotCounts[0])} slots at once?`,
        answer: (live) => live.diagnostics.poolGroups[0].longRequests,
        explain: (live) => {
          const d = live.diagnostics.poolGroups[0];
          return `One such request needs div_up(${fmt(live.maxSeqLen)}, ${tpb(live)}) = ${fmt(d.blocksAtMaxSeqLen)} blocks; floor(${fmt(d.slotCount)} / ${fmt(d.blocksAtMaxSeqLen)}) = ${d.longRequests}.`;
        },
        reveal: () => ({ view: 'plan', highlight: 'plan' }),
      },
    },
  ],
};
