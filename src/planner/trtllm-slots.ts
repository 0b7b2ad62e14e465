/**
 * Slots a batch needs, floors and their headroom: the parts of KVCacheManagerV2 sizing that count
 * blocks. Shared by both versions; the version differences are the named rules of trtllm-rules.ts.
 *
 *   _compute_slots_for_batch / computeSlotsForBatch      per life cycle, then summed per pool group
 *   _compute_min_slots_from_constraints (#15401 era)     1 per life cycle, max with each constraint
 *   computePoolGroupMinSlotsFromConstraints (main)       structural floors, max with ceil(c / mu)
 *
 * (storageManager.cpp @ afe52a0; _storage_manager.py of the #15401 era.)
 */
import { type BlockRange, intersect, type LifeCycle, rangeLength, staleRange } from './lifecycle.ts';
import { divUp, floorDiv } from './pymath.ts';
import type { BatchDesc } from './scenario.ts';
import type { StorageLayout } from './storage.ts';
import type { TrtRules } from './trtllm-rules.ts';

export interface SizingContext {
  readonly tokensPerBlock: number;
  readonly layout: StorageLayout;
  readonly scratchRewindTokens: number | null;
}

/** compute_scratch_range: prompt blocks of this chunk that are already out of window at its end. */
function scratchRange(lc: LifeCycle, history: number, capacity: number, tpb: number, maxRewind: number): BlockRange {
  if (lc.kind !== 'attn' || lc.windowTokens === null) return { start: 0, end: 0 };
  const capStale = staleRange(lc, Math.max(0, capacity - maxRewind), tpb);
  return intersect(capStale, { start: divUp(history, tpb), end: divUp(capacity, tpb) });
}

/**
 * Slots per life cycle that one step of `batch` needs. A shared system prompt is counted once, as
 * the blocks that are live for any request; recurrent state takes one slot per request.
 */
export function slotsForBatchByLifeCycle(ctx: SizingContext, batch: BatchDesc): number[] {
  const { tokensPerBlock: tpb, layout } = ctx;
  const slots = new Array<number>(layout.lifeCycles.length).fill(0);
  const sysBlocks = floorDiv(batch.systemPromptLength, tpb);
  const sysRange = { start: 0, end: sysBlocks };
  for (const lc of layout.lifeCycles) {
    if (lc.kind === 'ssm') {
      for (const kv of batch.kvCaches) slots[lc.id] += kv.count; // one dedicated slot per request
      continue;
    }
    let common = sysRange;
    for (const kv of batch.kvCaches) common = intersect(common, staleRange(lc, kv.history, tpb));
    slots[lc.id] += sysBlocks - rangeLength(common);
    for (const kv of batch.kvCaches) {
      const stale = staleRange(lc, kv.history, tpb);
      const nonStale = divUp(kv.capacity, tpb) - rangeLength(stale);
      const nonStaleSys = sysBlocks - rangeLength(intersect(stale, sysRange));
      const unique = Math.max(0, nonStale - nonStaleSys);
      let perRequest = unique;
      if (ctx.scratchRewindTokens !== null) {
        const nScratch = rangeLength(scratchRange(lc, kv.history, kv.capacity, tpb, ctx.scratchRewindTokens));
        const [num, den] = layout.slotUtilFracMax[lc.id];
        perRequest = unique - nScratch + divUp(nScratch * num, den); // ceil(n * Fraction)
      }
      slots[lc.id] += perRequest * kv.count;
    }
  }
  return slots;
}

/** Per-life-cycle values summed per pool group (a pool group with k life cycles pays k times). */
export function perPoolGroup(layout: StorageLayout, byLifeCycle: readonly number[]): number[] {
  const out = new Array<number>(layout.poolGroups.length).fill(0);
  byLifeCycle.forEach((v, lc) => {
    out[layout.lifeCyclePoolGroup[lc]] += v;
  });
  return out;
}

/** _compute_slots_for_batch: slots per pool group that one step of `batch` needs. */
export function slotsForBatch(ctx: SizingContext, batch: BatchDesc): number[] {
  return perPoolGroup(ctx.layout, slotsForBatchByLifeCycle(ctx, batch));
}

/**
 * The floor of each life cycle before any constraint (computeSlotsFromConstraints({})).
 * Rule structural-floor (PR #15588): a window w at tpb touches up to (w + tpb - 2) // tpb + 1 blocks
 * while it slides (the straddle), plus its sinks; full attention takes the largest windowed floor
 * (every attention life cycle sees the same length), 1 in a model without windows; recurrent state 1.
 * Without the rule (#15401 era): 1 per life cycle.
 */
export function structuralFloors(layout: StorageLayout, tpb: number, rules: TrtRules): number[] {
  if (!rules.has('structural-floor')) return layout.lifeCycles.map(() => 1);
  const swaFloor = (w: number, sinkBlocks: number) => sinkBlocks + Math.floor((w + tpb - 2) / tpb) + 1;
  let fullFloor = 1;
  for (const lc of layout.lifeCycles) if (lc.kind === 'attn' && lc.windowTokens !== null) fullFloor = Math.max(fullFloor, swaFloor(lc.windowTokens, lc.sinkBlocks));
  return layout.lifeCycles.map((lc) => (lc.kind === 'ssm' ? 1 : lc.windowTokens === null ? fullFloor : swaFloor(lc.windowTokens, lc.sinkBlocks)));
}

/**
 * Rule resume-headroom (PR #16484): a constraint's slots become ceil(slots / mu), mu a float32, so a
 * constrained batch still passes the resume gate. Without the rule the slots count as they are.
 */
export function withHeadroom(slots: number, rules: TrtRules, maxUtilForResume: number): number {
  if (!rules.has('resume-headroom')) return slots;
  return Math.ceil(slots / Math.fround(maxUtilForResume));
}

/** min_slots per pool group: its life cycles' floors, raised by every constraint (scaled per pool group). */
export function minSlotsFor(layout: StorageLayout, floorsByLc: readonly number[], constraintSlots: readonly (readonly number[])[], rules: TrtRules, mu: number): number[] {
  const min = perPoolGroup(layout, floorsByLc);
  for (const c of constraintSlots) {
    for (let pg = 0; pg < c.length; pg++) min[pg] = Math.max(min[pg], withHeadroom(c[pg], rules, mu));
  }
  return min;
}

/** computeSlotsFromConstraints: per life cycle, floors raised by every scaled constraint (main's constraint ratio). */
export function constraintSlotsByLifeCycle(floorsByLc: readonly number[], byLc: readonly (readonly number[])[], rules: TrtRules, mu: number): number[] {
  const out = [...floorsByLc];
  for (const c of byLc) c.forEach((n, lc) => (out[lc] = Math.max(out[lc], withHeadroom(n, rules, mu))));
  return out;
}
