/**
 * Ratio -> slot counts (`_storage/_core.py` `ratio_to_slot_count_list`): the GPU quota is cut into
 * grains of `granularity` bytes; every pool of a pool group is rounded up to whole grains.
 */
import { InputError } from '../model/errors.ts';
import { divUp, pyRound, roundUp } from './pymath.ts';

const MiB = 1 << 20;
const GiB = 1 << 30;

/** GPU grain: 2 MiB << clamp(int(log2(quota / 1 GiB)), 0, 4): 2 MiB below 2 GiB ... 32 MiB from 16 GiB. */
export function gpuGranularity(quotaBytes: number): number {
  // The engine writes int(math.log(quota / GiB, 2)): natural logs divided, truncated toward zero.
  const e = Math.trunc(Math.log(quotaBytes / GiB) / Math.log(2));
  return (2 * MiB) << Math.min(4, Math.max(0, e));
}

/** Minimum grains that hold n slots in every pool of the group. */
export function grainsForSlots(n: number, slotSizeList: readonly number[], gran: number): number {
  let g = 0;
  for (const s of slotSizeList) g += divUp(n * s, gran);
  return g;
}

/**
 * The largest slot count whose pools fit in `grains`, and the grains it uses. The engine gets
 * there from a per-pool estimate by doubling and bisection; grainsForSlots is monotone in n, so a
 * plain bisection finds the same largest n.
 */
export function grainsToSlots(grains: number, slotSizeList: readonly number[], gran: number): [slots: number, used: number] {
  let minGrains = 0;
  for (const s of slotSizeList) minGrains += divUp(s, gran);
  if (grains < minGrains) return [0, 0];
  const total = slotSizeList.reduce((a, b) => a + b, 0);
  let lo = 1; // feasible: grains >= minGrains = grainsForSlots(1)
  let hi = Math.floor((grains * gran) / total) + 2; // infeasible: n * total / gran > grains
  while (lo + 1 < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (grainsForSlots(mid, slotSizeList, gran) <= grains) lo = mid;
    else hi = mid;
  }
  return [lo, grainsForSlots(lo, slotSizeList, gran)];
}

/** Bytes per pool group for slot counts, each pool rounded up to the grain (`_slots_to_bytes`). */
export function slotsToBytes(slots: readonly number[], sizeLists: readonly (readonly number[])[], gran: number): number[] {
  return slots.map((n, pg) => sizeLists[pg].reduce((acc, s) => acc + roundUp(n * s, gran), 0));
}

export function normalize(values: readonly number[]): number[] {
  let total = 0;
  for (const v of values) total += v;
  return values.map((v) => v / total);
}

export class InsufficientQuotaError extends Error {
  constructor() {
    super('Insufficient quota to satisfy min_slots constraints');
    this.name = 'ValueError';
  }
}

/**
 * The peel loop. Each round hands the unassigned grains to the active pool groups by ratio
 * (ascending ratio order, stable; denominators summed left to right); any group that lands at or
 * below its floor (`<=`, not `<`) is pinned to min_slots and leaves; the rest are redone without
 * rescaling their ratios. A final pass bumps counts that fit in grains already rounded up.
 */
export function ratioToSlotCounts(totalGrains: number, sizeLists: readonly (readonly number[])[], ratio: readonly number[], gran: number, minSlots: readonly number[]): number[] {
  const n = sizeLists.length;
  if (ratio.length !== n) throw new InputError('initial_pool_ratio', ratio, `${n} numbers, one per pool group`);
  const slots = new Array<number>(n).fill(0);
  let remaining = totalGrains;
  let active = [...Array(n).keys()];
  while (active.length > 0) {
    const order = [...active.keys()].sort((a, b) => ratio[active[a]] - ratio[active[b]]);
    const got = new Array<number>(active.length).fill(0);
    let budget = remaining;
    order.forEach((idx, i) => {
      let denom = 0;
      for (let j = i; j < order.length; j++) denom += ratio[active[order[j]]];
      const pct = ratio[active[idx]] / denom;
      const [s, used] = grainsToSlots(pyRound(budget * pct), sizeLists[active[idx]], gran);
      got[idx] = s;
      budget -= used;
    });
    const constrained = active.filter((pg, idx) => got[idx] <= minSlots[pg]);
    const free = active.filter((pg, idx) => got[idx] > minSlots[pg]);
    if (constrained.length === 0) {
      active.forEach((pg, idx) => {
        slots[pg] = got[idx];
      });
      break;
    }
    for (const pg of constrained) {
      const [s, used] = grainsToSlots(grainsForSlots(minSlots[pg], sizeLists[pg], gran), sizeLists[pg], gran);
      slots[pg] = s;
      remaining -= used;
    }
    if (free.length === 0) break;
    if (remaining <= 0) throw new InsufficientQuotaError();
    active = free;
  }
  for (let pg = 0; pg < n; pg++) slots[pg] = largestInSameGrains(slots[pg], sizeLists[pg], gran);
  return slots;
}

/**
 * The engine's final pass bumps a count by one while the pools still fit the grains it already
 * uses. Each pool's grains are monotone in n, so their sum stays the same only while every pool's
 * does: n * s <= roundUp(n0 * s, gran) for every slot size s. The largest such n is arithmetic
 * (a loop would be proportional to the count, and past 2^53 an increment changes nothing).
 */
export function largestInSameGrains(n0: number, slotSizeList: readonly number[], gran: number): number {
  let n = Number.POSITIVE_INFINITY;
  for (const s of slotSizeList) n = Math.min(n, Math.floor(roundUp(n0 * s, gran) / s));
  return Number.isFinite(n) ? Math.max(n0, n) : n0;
}
