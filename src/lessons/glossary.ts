/**
 * The glossary: the words of the field, each explained in a sentence or two. Lesson texts mark
 * them as `[[term]]` (markup.ts) and the page explains a marked word on hover or tap. `lesson`
 * names the lesson that teaches the idea.
 */

export interface GlossaryEntry {
  readonly id: string;
  readonly term: string;
  /** Other spellings that mark the same entry (plurals, forms). */
  readonly aliases: readonly string[];
  readonly text: string;
  readonly lesson?: string;
}

const e = (id: string, aliases: string[], text: string, lesson?: string): GlossaryEntry => ({ id, term: id, aliases, text, lesson });

export const GLOSSARY: readonly GlossaryEntry[] = [
  e('KV cache', ['KV-cache'], 'The keys and values every attention layer computed for the tokens so far, kept so each new token attends to them without recomputing them.', 'paged-kv'),
  e('block', ['blocks', 'token block'], 'tokensPerBlock consecutive tokens of one request: block i covers tokens [i·tpb, (i+1)·tpb). Every layer numbers blocks the same way.', 'paged-kv'),
  e('tokens per block', ['tpb', 'tokensPerBlock'], 'How many tokens one block holds (the engine setting tokens_per_block).', 'paged-kv'),
  e('slot', ['slots'], 'The memory one block occupies in a pool group: one slot in each of its pools, allocated and freed together.', 'paged-kv'),
  e('page', ['pages'], 'One block of one life cycle as the attention kernel sees it: the kernel reads pages through the block table.', 'paged-kv'),
  e('block table', ['block tables'], "A request's list of the slots that hold its blocks, in block order: logical block i lives in slot table[i]; -1 = no slot (stale or not yet allocated).", 'paged-kv'),
  e('paged', ['paging', 'paged attention'], 'Keeping the KV cache in fixed-size blocks in any free slot, found through a block table, instead of one contiguous region per request: no request reserves memory it does not use yet.', 'paged-kv'),
  e('prefill', ['context', 'prefills'], "The pass that computes KV for a request's prompt (in chunks of at most maxNumTokens tokens).", 'paged-kv'),
  e('decode', ['decodes', 'decoding'], 'One pass that produces one more output token for a request; it reads the pages of its window and writes one token of KV.', 'paged-kv'),
  e('history', ['history length'], 'Tokens of a request that already have KV and no query this pass; the in-flight token sits at position h.', 'windows'),
  e('window', ['windows', 'sliding window', 'SWA'], 'A sliding-window layer attends only to the last w tokens: the live window of a query at h is [h+1-w, h].', 'windows'),
  e('+1', ['the +1'], 'The window [h+1-w, h] ends at the in-flight token h itself, so it starts at h+1-w, not h-w: a block goes stale one token earlier than h-w suggests.', 'windows'),
  e('stale block', ['stale blocks', 'stale', 'stale range'], 'A block no query can reach any more: it lies wholly before the window (and is not a sink). Its slot is freed while the request still runs.', 'windows'),
  e('not yet allocated', ['unallocated'], 'Blocks past the current capacity of a request: no token of them exists yet, so they hold no slot (unlike stale blocks, which had one and gave it back).', 'windows'),
  e('sink', ['sinks', 'sink tokens', 'attention sink'], 'The first tokens of a sequence that a windowed layer keeps attending to forever; their blocks are never stale.', 'windows'),
  e('life cycle', ['life cycles', 'lifecycle'], 'A set of layers that allocate and free blocks identically, keyed by (window, sink blocks); all recurrent-state layers share one.', 'pool-groups'),
  e('coalescing', ['coalesced', 'coalesce'], 'Inside a life cycle, all buffers of the same per-block size (over layers and roles) are packed into one pool; the pools sizes, sorted, form its slot size list.', 'pool-groups'),
  e('pool', ['pools'], 'One memory region of equal-size slots: one per coalesced buffer size of a pool group.', 'pool-groups'),
  e('pool group', ['pool groups'], 'Life cycles whose slot size lists are identical share pools and slots: one slot of the group is one slot in each of its pools.', 'pool-groups'),
  e('min_slots', ['minSlots', 'floor', 'floors'], "A pool group's floor: at least one slot per life cycle, raised by every constraint batch. The split never gives a pool group less.", 'pool-groups'),
  e('constraint', ['constraints', 'constraint batch'], 'A batch of requests (capacity, history) the pools must be able to serve in one step; each raises min_slots to the slots it needs.', 'pool-groups'),
  e('typical step', ['typical_step'], 'A batch that sets the ratio between pool groups (never a floor): the engine prices it in bytes per pool group.', 'pool-groups'),
  e('ratio', ['pool ratio', 'pool_ratio', 'initial_pool_ratio'], 'The share of the quota each pool group gets, from the typical step, the floors, or set by hand (pool_ratio).', 'pool-groups'),
  e('grain', ['grains', 'granularity'], 'The quota is cut into grains of 2 to 32 MiB (by quota size); every pool is rounded up to whole grains.', 'pool-groups'),
  e('peel loop', ['peel'], 'Hands the grains to pool groups by ratio, pins every group that lands at or below its floor to min_slots, and redoes the rest with what is left.', 'pool-groups'),
  e('quota', ['gpu quota'], 'The GPU memory given to the KV cache; raised to what min_slots need if below it.', 'pool-groups'),
  e('maxBatchSize', ['max_batch_size', 'max batch size'], 'The most requests the scheduler puts in one pass.', 'issue-15401'),
  e('suspend', ['suspended', 'suspends', 'suspending'], 'The scheduler parks a request that cannot grow. On a GPU-only tier its pages stay where they are: suspending frees nothing.', 'issue-15401'),
  e('resume gate', ['max_util_for_resume', 'maxUtilForResume'], 'A suspended request resumes only while every pool is at most max_util_for_resume full (0.95 by default).', 'issue-15401'),
  e('deadlock', ['deadlocks', 'deadlocked', 'stall'], 'No request can make progress and none can free what the others need; after 1000 such passes the V2 scheduler gives up.', 'issue-15401'),
  e('#15401', ['15401'], 'TensorRT-LLM issue #15401: DeepSeek-V4 windowed pools get min_slots 1, so a skewed ratio leaves a handful of slots and the scheduler deadlocks.', 'issue-15401'),
  e('straddle', ['straddles', 'straddling'], 'A window that starts mid-block touches one block more than one that starts on a boundary: a decode with w ≤ tpb needs 2 blocks at w-1 of the tpb positions.', 'straddle'),
  e('safe', ['safe mode'], "The playground's own floors: maxBatchSize decodes at every window's worst block alignment, plus one context chunk.", 'straddle'),
  e('engine version', ['engine versions', 'engine'], 'Which sizer and scheduler the pools are planned and run with (trtllm-v2@15401, trtllm-v2@main, vLLM, SGLang).', 'engines'),
];

const byWord = new Map<string, GlossaryEntry>();
for (const g of GLOSSARY) for (const w of [g.term, ...g.aliases]) byWord.set(w.toLowerCase(), g);

/** The entry a word (term or alias, any case) marks, or undefined. */
export function glossaryEntry(word: string): GlossaryEntry | undefined {
  return byWord.get(word.trim().toLowerCase());
}
