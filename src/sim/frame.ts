/**
 * Builds a Frame (the full state after one pass) from replayed slot owners plus request segments.
 * Slot state is derived from the owner's state: a suspended request's slots are "held-suspended".
 */
import { divUp } from '../planner/pymath.ts';
import type { Trace } from './trace.ts';
import type { Frame, LifeCycleTable, PoolFrame, RequestFrame, RequestState } from './types.ts';
import { REQUEST_STATES, SLOT_FREE, SLOT_RUNNING, SLOT_SUSPENDED } from './types.ts';

export interface RequestValues {
  state: RequestState;
  history: number;
  capacity: number;
}

/** State, history and capacity of request r after pass `step` (binary search of its segments). */
export function requestAt(trace: Trace, r: number, step: number): RequestValues {
  const s = trace.rec.segments[r];
  let lo = 0;
  let hi = s.step.length - 1;
  if (hi < 0 || s.step[0] > step) return { state: 'waiting', history: 0, capacity: 0 };
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.step[mid] <= step) lo = mid;
    else hi = mid - 1;
  }
  const dt = step - s.step[lo];
  return { state: REQUEST_STATES[s.state[lo]], history: s.history[lo] + s.rate[lo] * dt, capacity: s.capacity[lo] + s.rate[lo] * dt };
}

export function buildFrame(trace: Trace, step: number, owners: readonly { req: Int32Array; lc: Int32Array; block: Int32Array }[]): Frame {
  const { layout } = trace;
  const tpb = layout.tokensPerBlock;
  const values = trace.requests.map((_, r) => requestAt(trace, r, step));
  // Life cycles of each pool group, in plan order; lcSlot[lc id] = index within its group.
  const groupLcs: number[][] = layout.slotCounts.map(() => []);
  // Typed lookups for the per-slot loop (200k slots a frame while playing): no Map, no string compare.
  const lcIndex = new Int32Array(layout.lifeCycles.reduce((m, lc) => Math.max(m, lc.id + 1), 0));
  for (const lc of layout.lifeCycles) {
    const pg = layout.lifeCyclePoolGroup[lc.id];
    lcIndex[lc.id] = groupLcs[pg].length;
    groupLcs[pg].push(lc.id);
  }
  const suspendedReq = Uint8Array.from(values, (v) => (v.state === 'suspended' ? 1 : 0));
  const isSsm = new Map(layout.lifeCycles.map((lc) => [lc.id, lc.kind === 'ssm']));
  const tables: LifeCycleTable[][][] = values.map((v) =>
    groupLcs.map((ids) =>
      ids.map((id) => ({ lifeCycleId: id, slots: new Int32Array(v.capacity === 0 ? 0 : isSsm.get(id) ? 1 : divUp(v.capacity, tpb)).fill(-1) })),
    ),
  );
  const pools: PoolFrame[] = owners.map((o, pg) => {
    const total = layout.slotCounts[pg];
    const slotState = new Uint8Array(total);
    let used = 0;
    let heldSuspended = 0;
    for (let slot = 0; slot < total; slot++) {
      const r = o.req[slot];
      if (r < 0) {
        slotState[slot] = SLOT_FREE;
        continue;
      }
      const suspended = suspendedReq[r] === 1;
      slotState[slot] = suspended ? SLOT_SUSPENDED : SLOT_RUNNING;
      if (suspended) heldSuspended++;
      else used++;
      const t = tables[r][pg][lcIndex[o.lc[slot]]];
      const b = o.block[slot];
      if (b >= t.slots.length) {
        const grown = new Int32Array(b + 1).fill(-1);
        grown.set(t.slots);
        (t as { slots: Int32Array }).slots = grown;
      }
      t.slots[b] = slot;
    }
    return {
      poolGroup: pg,
      name: layout.poolNames[pg],
      total,
      used,
      heldSuspended,
      free: total - used - heldSuspended,
      ownerRequest: o.req.slice(),
      ownerLifeCycle: o.lc.slice(),
      ownerBlock: o.block.slice(),
      slotState,
    };
  });
  const requests: RequestFrame[] = trace.requests.map((spec, id) => ({
    id,
    arrival: spec.arrival,
    prompt: spec.prompt,
    output: spec.output,
    state: values[id].state,
    history: values[id].history,
    capacity: values[id].capacity,
    blockTables: tables[id],
  }));
  return { step, pools, requests, events: trace.eventsAt(step) };
}
