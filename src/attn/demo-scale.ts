/**
 * Pool shapes at a demo scale: the planner sizes pools for a real model (tens of GiB); the GPU
 * demo keeps each pool group's slot count and tokensPerBlock but stores a small synthetic head
 * (few KV heads, small head dim) and caps the slot count so two storage bindings hold it.
 *
 *   plan:  pool group SWA  slotCounts = 9000 slots x 1.2 MiB
 *   demo:  pool group SWA  min(9000, cap) slots x tokensPerBlock x numKvHeads x headDim floats
 */
import { InputError, requireInt } from '../model/errors.ts';
import type { Plan } from '../planner/types.ts';

export interface DemoScale {
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly bytesPerElement: 2 | 4;
  /** Largest bytes one pool (K or V) may take: usually 2 x maxStorageBufferBindingSize. */
  readonly maxPoolBytes: number;
}

export interface DemoPoolShape {
  readonly poolGroup: number;
  readonly name: string;
  /** Slots in the plan and in the demo (the demo keeps slot ids < numSlots). */
  readonly planSlots: number;
  readonly numSlots: number;
  readonly slotElems: number;
  readonly poolBytes: number;
  readonly capped: boolean;
}

export type PlanPools = Pick<Plan, 'tokensPerBlock' | 'poolGroups' | 'slotCounts'>;

export function demoPoolShapes(plan: PlanPools, scale: DemoScale): DemoPoolShape[] {
  requireInt('numKvHeads', scale.numKvHeads, 1);
  requireInt('headDim', scale.headDim, 4);
  if (scale.headDim % 4 !== 0) throw new InputError('headDim', scale.headDim, 'a multiple of 4');
  const slotElems = plan.tokensPerBlock * scale.numKvHeads * scale.headDim;
  const slotBytes = slotElems * scale.bytesPerElement;
  const cap = Math.floor(scale.maxPoolBytes / slotBytes);
  if (cap < 1) throw new InputError('maxPoolBytes', scale.maxPoolBytes, `>= ${slotBytes} (one slot at this demo scale)`);
  return plan.poolGroups.map((g) => {
    const planSlots = plan.slotCounts[g.index] ?? 0;
    const numSlots = Math.max(1, Math.min(planSlots, cap));
    return { poolGroup: g.index, name: g.name, planSlots, numSlots, slotElems, poolBytes: numSlots * slotBytes, capped: planSlots > cap };
  });
}
