/**
 * Frames: the full state after one pass, from replayed slot owners plus request segments. Slot
 * state is derived from the owner's state: a suspended request's slots are "held-suspended".
 *
 * A FrameCursor replays the trace's ownership deltas into buffers it owns (from the nearest
 * keyframe, or forward from where it stands), so stepping one pass costs that pass's deltas, not a
 * copy of every slot array. Its pools are views into those buffers, valid until the cursor moves;
 * `Trace.frameAt` copies them into a frame that is a value.
 */
import { divUp } from '../planner/pymath.ts';
import { segmentAt } from './segments.ts';
import type { Trace } from './trace.ts';
import type { Frame, LifeCycleTable, PoolFrame, RequestFrame, RequestState } from './types.ts';
import { REQUEST_STATES, SLOT_FREE, SLOT_RUNNING, SLOT_SUSPENDED } from './types.ts';

export interface RequestValues {
  state: RequestState;
  history: number;
  capacity: number;
}

/** The slot-owner arrays of one pool group (per slot: request, life cycle, block ordinal; -1 = free). */
export interface Owners {
  readonly req: Int32Array;
  readonly lc: Int32Array;
  readonly block: Int32Array;
}

/** State, history and capacity of request r after pass `step` (binary search of its segments). */
export function requestAt(trace: Trace, r: number, step: number): RequestValues {
  const s = trace.segments;
  const i = segmentAt(s, r, step);
  if (i < 0) return { state: 'waiting', history: 0, capacity: 0 };
  const dt = step - s.step[i];
  return { state: REQUEST_STATES[s.state[i]], history: s.history[i] + s.rate[i] * dt, capacity: s.capacity[i] + s.rate[i] * dt };
}

export const copyOwners = (o: Owners): Owners => ({ req: o.req.slice(), lc: o.lc.slice(), block: o.block.slice() });

/** Pool frames over `owners` (views, not copies), with each slot's state written into `states`. */
function poolFrames(trace: Trace, values: readonly RequestValues[], owners: readonly Owners[], states: readonly Uint8Array[]): PoolFrame[] {
  const suspendedReq = Uint8Array.from(values, (v) => (v.state === 'suspended' ? 1 : 0));
  return owners.map((o, pg) => {
    const total = trace.layout.slotCounts[pg];
    const slotState = states[pg];
    let used = 0;
    let heldSuspended = 0;
    for (let slot = 0; slot < total; slot++) {
      const r = o.req[slot];
      if (r < 0) slotState[slot] = SLOT_FREE;
      else if (suspendedReq[r] === 1) {
        slotState[slot] = SLOT_SUSPENDED;
        heldSuspended++;
      } else {
        slotState[slot] = SLOT_RUNNING;
        used++;
      }
    }
    const free = total - used - heldSuspended;
    return { poolGroup: pg, name: trace.layout.poolNames[pg], total, used, heldSuspended, free, ownerRequest: o.req, ownerLifeCycle: o.lc, ownerBlock: o.block, slotState };
  });
}

/** Each request's block tables (per pool group, one per life cycle), read off the slot owners. */
function blockTables(trace: Trace, values: readonly RequestValues[], owners: readonly Owners[]): LifeCycleTable[][][] {
  const { layout } = trace;
  // Life cycles of each pool group, in plan order; lcIndex[lc id] = index within its group.
  const groupLcs: number[][] = layout.slotCounts.map(() => []);
  // Typed lookups for the per-slot loop (200k slots a frame while playing): no Map, no string compare.
  const lcIndex = new Int32Array(layout.lifeCycles.reduce((m, lc) => Math.max(m, lc.id + 1), 0));
  for (const lc of layout.lifeCycles) {
    const pg = layout.lifeCyclePoolGroup[lc.id];
    lcIndex[lc.id] = groupLcs[pg].length;
    groupLcs[pg].push(lc.id);
  }
  const isSsm = new Map(layout.lifeCycles.map((lc) => [lc.id, lc.kind === 'ssm']));
  const tables: LifeCycleTable[][][] = values.map((v) =>
    groupLcs.map((ids) => ids.map((id) => ({ lifeCycleId: id, slots: new Int32Array(v.capacity === 0 ? 0 : isSsm.get(id) ? 1 : divUp(v.capacity, layout.tokensPerBlock)).fill(-1) }))),
  );
  owners.forEach((o, pg) => {
    for (let slot = 0; slot < o.req.length; slot++) {
      const r = o.req[slot];
      if (r < 0) continue;
      const t = tables[r][pg][lcIndex[o.lc[slot]]];
      const b = o.block[slot];
      if (b >= t.slots.length) {
        const grown = new Int32Array(b + 1).fill(-1);
        grown.set(t.slots);
        (t as { slots: Int32Array }).slots = grown;
      }
      t.slots[b] = slot;
    }
  });
  return tables;
}

/** The frame after pass `step` over `owners`; its pools are views of `owners` and `states`. */
export function buildFrame(trace: Trace, step: number, owners: readonly Owners[], states: readonly Uint8Array[] = owners.map((o) => new Uint8Array(o.req.length))): Frame {
  const values = trace.requests.map((_, r) => requestAt(trace, r, step));
  const tables = blockTables(trace, values, owners);
  const requests: RequestFrame[] = trace.requests.map((spec, id) => ({ id, arrival: spec.arrival, prompt: spec.prompt, output: spec.output, ...values[id], blockTables: tables[id] }));
  return { step, pools: poolFrames(trace, values, owners, states), requests, events: trace.eventsAt(step) };
}

/** A replay position over one trace, with buffers of its own. */
export class FrameCursor {
  private readonly trace: Trace;
  private owners: Owners[] | null = null;
  private readonly states: Uint8Array[];
  private delta = -1;
  private step = -1;
  private pools: PoolFrame[] | null = null;

  constructor(trace: Trace) {
    this.trace = trace;
    this.states = trace.layout.slotCounts.map((n) => new Uint8Array(n));
  }

  /** Clamp to the run: [0, steps - 1]. */
  clamp(step: number): number {
    return Math.max(0, Math.min(this.trace.steps - 1, Math.floor(step)));
  }

  /** Bring the owner buffers to pass `k` (clamped): forward deltas when in reach, else from the keyframe. */
  private seek(k: number): Owners[] {
    const r = this.trace.rec;
    const target = r.stepDeltaEnd.get(k);
    const kfs = r.keyframes;
    let lo = 0;
    let hi = kfs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (kfs[mid].delta <= target) lo = mid;
      else hi = mid - 1;
    }
    const kf = kfs[lo];
    if (this.owners === null || this.delta > target || this.delta < kf.delta) {
      if (this.owners === null) this.owners = kf.owners.map(copyOwners);
      else kf.owners.forEach((o, pg) => copyInto(this.owners![pg], o));
      this.delta = kf.delta;
    }
    for (let i = this.delta; i < target; i++) {
      const o = this.owners[r.dPool.get(i)];
      const slot = r.dSlot.get(i);
      o.req[slot] = r.dReq.get(i);
      o.lc[slot] = r.dLc.get(i);
      o.block[slot] = r.dBlock.get(i);
    }
    this.delta = target;
    return this.owners;
  }

  /** Slot owners and states of every pool group after pass `step`: views, valid until the cursor moves. */
  poolsAt(step: number): readonly PoolFrame[] {
    const k = this.clamp(step);
    if (this.pools !== null && this.step === k) return this.pools;
    const owners = this.seek(k);
    const values = this.trace.requests.map((_, r) => requestAt(this.trace, r, k));
    this.pools = poolFrames(this.trace, values, owners, this.states);
    this.step = k;
    return this.pools;
  }

  /** The whole frame after pass `step`: pools as views (as poolsAt), requests and block tables as values. */
  frameAt(step: number): Frame {
    const k = this.clamp(step);
    const f = buildFrame(this.trace, k, this.seek(k), this.states);
    this.pools = f.pools as PoolFrame[];
    this.step = k;
    return f;
  }
}

function copyInto(to: Owners, from: Owners): void {
  to.req.set(from.req);
  to.lc.set(from.lc);
  to.block.set(from.block);
}
