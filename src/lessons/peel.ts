/**
 * The peel loop, round by round, for the lesson that explains it. The planner's ratioToSlotCounts
 * returns only the result; this re-walks the same rounds with the planner's own grain functions
 * and keeps what each round did. `peelRounds` returns null unless its result equals the plan's
 * slot counts, so a lesson never explains a split the planner did not make.
 *
 *   round 1: all groups by ascending ratio, each round(budget × r_i / Σ_{j≥i} r_j) grains
 *            -> a group at or below min_slots is pinned to its floor and leaves
 *   round 2: the rest share what is left, with their original ratios, and so on
 */
import { grainsForSlots, grainsToSlots } from '../planner/grains.ts';
import { pyRound } from '../planner/pymath.ts';
import type { Plan } from '../planner/types.ts';

export interface PeelShare {
  readonly poolGroup: number;
  readonly grains: number;
  readonly slots: number;
  /** slots <= min_slots: pinned to the floor this round. */
  readonly pinned: boolean;
}

export interface PeelRound {
  /** Grains still unassigned when the round starts. */
  readonly budget: number;
  /** In the order the round hands them out (ascending ratio). */
  readonly shares: readonly PeelShare[];
}

export interface PeelWalk {
  readonly rounds: readonly PeelRound[];
  /** Pool groups pinned at their floor, in pool-group order. */
  readonly pinned: readonly number[];
}

const MAX_ROUNDS = 64; // a round pins at least one group or ends the loop: bounded by the group count

export function peelRounds(plan: Plan): PeelWalk | null {
  if (plan.error || plan.poolGroups.length === 0) return null;
  const sizes = plan.poolGroups.map((g) => g.slotSizeList);
  const gran = plan.granularityBytes;
  const ratio = plan.initialRatio;
  const slots = new Array<number>(sizes.length).fill(0);
  const pinned: number[] = [];
  const rounds: PeelRound[] = [];
  let remaining = plan.totalGrains;
  let active = sizes.map((_, i) => i);
  while (active.length > 0 && rounds.length < MAX_ROUNDS) {
    const order = [...active].sort((a, b) => ratio[a] - ratio[b]);
    let budget = remaining;
    const shares: PeelShare[] = order.map((pg, i) => {
      const denom = order.slice(i).reduce((acc, j) => acc + ratio[j], 0);
      const [s, used] = grainsToSlots(pyRound(budget * (ratio[pg] / denom)), sizes[pg], gran);
      budget -= used;
      return { poolGroup: pg, grains: used, slots: s, pinned: s <= plan.minSlots[pg] };
    });
    rounds.push({ budget: remaining, shares });
    const low = shares.filter((x) => x.pinned);
    if (low.length === 0) {
      for (const x of shares) slots[x.poolGroup] = x.slots;
      break;
    }
    for (const x of low) {
      const [s, used] = grainsToSlots(grainsForSlots(plan.minSlots[x.poolGroup], sizes[x.poolGroup], gran), sizes[x.poolGroup], gran);
      slots[x.poolGroup] = s;
      remaining -= used;
      pinned.push(x.poolGroup);
    }
    active = shares.filter((x) => !x.pinned).map((x) => x.poolGroup);
    if (remaining <= 0 && active.length > 0) return null;
  }
  slots.forEach((n, pg) => {
    const now = grainsForSlots(n, sizes[pg], gran);
    while (grainsForSlots(slots[pg] + 1, sizes[pg], gran) <= now) slots[pg]++;
  });
  if (slots.some((n, pg) => n !== plan.slotCounts[pg])) return null;
  return { rounds, pinned: pinned.sort((a, b) => a - b) };
}
