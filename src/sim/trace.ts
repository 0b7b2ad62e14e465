/**
 * A simulation trace as a value, indexed for scrubbing.
 *
 * Storage (bounded by activity, not by steps x requests):
 *  - per pass and pool group: used / held-by-suspended / free (column arrays, uPlot-style);
 *  - every slot ownership change as a delta (pool, slot, owner request, life cycle, block);
 *  - keyframes of the slot-owner arrays, taken whenever the deltas since the last keyframe reach
 *    the total slot count, so keyframes never cost more memory than the deltas they summarize;
 *  - per request, segments (step, state, history, capacity, rate): a decoding request advances
 *    history and capacity by `rate` tokens per pass, so steady decoding costs one segment (logged
 *    flat while recording, grouped by request when the run ends: see segments.ts);
 *  - events with a per-pass index.
 *
 * frameAt(k) = nearest keyframe <= k + at most ~totalSlots deltas + one binary search per request
 * (plus a cursor, so scrubbing forward replays only the new deltas; see FrameCursor in frame.ts).
 */

import type { LifeCycle } from '../planner/lifecycle.ts';
import type { DeltaSink } from './block-pool.ts';
import { FrameCursor } from './frame.ts';
import { Growable } from './growable.ts';
import { groupSegments, type RequestSegments, SegmentLog, segmentBytes } from './segments.ts';
import type { EventKind, Frame, RequestSpec, RequestState, SimEvent, SimSummary } from './types.ts';
import { EVENT_KINDS, REQUEST_STATES } from './types.ts';

const STATE_CODE: Readonly<Record<RequestState, number>> = Object.fromEntries(REQUEST_STATES.map((st, i) => [st, i])) as Record<RequestState, number>;

export interface TraceLayout {
  readonly tokensPerBlock: number;
  readonly poolNames: readonly string[];
  readonly slotCounts: readonly number[];
  readonly lifeCycles: readonly LifeCycle[];
  readonly lifeCyclePoolGroup: readonly number[];
}

interface Keyframe {
  readonly step: number;
  readonly delta: number;
  readonly owners: { req: Int32Array; lc: Int32Array; block: Int32Array }[];
}

export class TraceRecorder implements DeltaSink {
  readonly layout: TraceLayout;
  readonly dPool = new Growable();
  readonly dSlot = new Growable();
  readonly dReq = new Growable();
  readonly dLc = new Growable();
  readonly dBlock = new Growable();
  readonly stepDeltaEnd = new Growable();
  readonly usedCol: Growable[];
  readonly heldCol: Growable[];
  readonly freeCol: Growable[];
  readonly decodes = new Growable();
  readonly tokens = new Growable();
  readonly evStep = new Growable();
  readonly evKind = new Growable();
  readonly evReq = new Growable();
  readonly evPool = new Growable();
  readonly stepEventEnd = new Growable();
  /** Segment rows as recorded (all requests interleaved); Trace groups them and drops the log. */
  segmentLog: SegmentLog | null = new SegmentLog();
  readonly keyframes: Keyframe[] = [];
  private readonly owners: { req: Int32Array; lc: Int32Array; block: Int32Array }[];
  /** Each request's last segment, flat (the per-pass check reads only these). */
  private readonly lastStep: Float64Array;
  private readonly lastState: Int8Array;
  private readonly lastHistory: Float64Array;
  private readonly lastCapacity: Float64Array;
  private readonly lastRate: Float64Array;
  private readonly keyframeEvery: number;
  private lastKeyDelta = 0;

  constructor(layout: TraceLayout, requests: number) {
    this.layout = layout;
    const n = layout.slotCounts.length;
    this.usedCol = Array.from({ length: n }, () => new Growable());
    this.heldCol = Array.from({ length: n }, () => new Growable());
    this.freeCol = Array.from({ length: n }, () => new Growable());
    this.lastStep = new Float64Array(requests);
    this.lastState = new Int8Array(requests).fill(-1);
    this.lastHistory = new Float64Array(requests);
    this.lastCapacity = new Float64Array(requests);
    this.lastRate = new Float64Array(requests);
    this.owners = layout.slotCounts.map((c) => ({ req: new Int32Array(c).fill(-1), lc: new Int32Array(c).fill(-1), block: new Int32Array(c).fill(-1) }));
    const total = layout.slotCounts.reduce((a, b) => a + b, 0);
    this.keyframeEvery = Math.max(1024, total);
    this.keyframes.push({ step: -1, delta: 0, owners: this.owners.map((o) => ({ req: o.req.slice(), lc: o.lc.slice(), block: o.block.slice() })) });
  }

  alloc(pg: number, slot: number, req: number, lc: number, block: number): void {
    this.dPool.push(pg);
    this.dSlot.push(slot);
    this.dReq.push(req);
    this.dLc.push(lc);
    this.dBlock.push(block);
    const o = this.owners[pg];
    o.req[slot] = req;
    o.lc[slot] = lc;
    o.block[slot] = block;
  }

  free(pg: number, slot: number): void {
    this.alloc(pg, slot, -1, -1, -1);
  }

  event(step: number, kind: EventKind, request: number, poolGroup: number): void {
    this.evStep.push(step);
    this.evKind.push(EVENT_KINDS.indexOf(kind));
    this.evReq.push(request);
    this.evPool.push(poolGroup);
  }

  /** Record request r's values at `step` unless its last segment already predicts them. */
  request(r: number, step: number, state: RequestState, history: number, capacity: number, rate: number): void {
    const code = STATE_CODE[state];
    if (this.lastState[r] === code) {
      const dt = step - this.lastStep[r];
      const grown = this.lastRate[r] * dt;
      if (this.lastHistory[r] + grown === history && this.lastCapacity[r] + grown === capacity) return;
    }
    this.lastStep[r] = step;
    this.lastState[r] = code;
    this.lastHistory[r] = history;
    this.lastCapacity[r] = capacity;
    this.lastRate[r] = rate;
    this.segmentLog!.push(r, step, code, history, capacity, rate);
  }

  endStep(step: number, pools: readonly { used: number; heldSuspended: number; free: number }[], decodes: number, tokens: number): void {
    pools.forEach((p, pg) => {
      this.usedCol[pg].push(p.used);
      this.heldCol[pg].push(p.heldSuspended);
      this.freeCol[pg].push(p.free);
    });
    this.decodes.push(decodes);
    this.tokens.push(tokens);
    this.stepDeltaEnd.push(this.dPool.length);
    this.stepEventEnd.push(this.evStep.length);
    if (this.dPool.length - this.lastKeyDelta >= this.keyframeEvery) {
      this.lastKeyDelta = this.dPool.length;
      this.keyframes.push({ step, delta: this.dPool.length, owners: this.owners.map((o) => ({ req: o.req.slice(), lc: o.lc.slice(), block: o.block.slice() })) });
    }
  }
}

export class Trace {
  readonly summary: SimSummary;
  readonly layout: TraceLayout;
  readonly requests: readonly RequestSpec[];
  readonly steps: number;
  readonly columns: readonly { readonly used: Int32Array; readonly heldSuspended: Int32Array; readonly free: Int32Array }[];
  readonly decodes: Int32Array;
  readonly tokens: Int32Array;
  /** Each request's segments, grouped by request (see segments.ts). */
  readonly segments: RequestSegments;
  /** @internal storage for frameAt */
  readonly rec: TraceRecorder;
  private cursor: FrameCursor | null = null;

  constructor(summary: SimSummary, rec: TraceRecorder, requests: readonly RequestSpec[]) {
    this.summary = summary;
    this.layout = rec.layout;
    this.rec = rec;
    this.requests = requests;
    this.steps = rec.stepDeltaEnd.length;
    this.columns = rec.usedCol.map((u, pg) => ({ used: u.view(), heldSuspended: rec.heldCol[pg].view(), free: rec.freeCol[pg].view() }));
    this.decodes = rec.decodes.view();
    this.tokens = rec.tokens.view();
    this.segments = groupSegments(rec.segmentLog!, requests.length);
    rec.segmentLog = null;
  }

  /** Bytes held by the trace's storage (its typed arrays). */
  memoryBytes(): number {
    const r = this.rec;
    const cols = [r.dPool, r.dSlot, r.dReq, r.dLc, r.dBlock, r.stepDeltaEnd, r.decodes, r.tokens, r.evStep, r.evKind, r.evReq, r.evPool, r.stepEventEnd, ...r.usedCol, ...r.heldCol, ...r.freeCol];
    let bytes = cols.reduce((a, g) => a + g.bytes, 0);
    for (const k of r.keyframes) for (const o of k.owners) bytes += o.req.byteLength + o.lc.byteLength + o.block.byteLength;
    bytes += segmentBytes(this.segments);
    return bytes;
  }

  get events(): SimEvent[] {
    return this.eventsBetween(0, this.rec.evStep.length);
  }

  eventsAt(step: number): SimEvent[] {
    if (step < 0 || step >= this.steps) return [];
    const a = step === 0 ? 0 : this.rec.stepEventEnd.get(step - 1);
    return this.eventsBetween(a, this.rec.stepEventEnd.get(step));
  }

  private eventsBetween(a: number, b: number): SimEvent[] {
    const r = this.rec;
    const out: SimEvent[] = [];
    for (let i = a; i < b; i++) {
      out.push({ step: r.evStep.get(i), kind: EVENT_KINDS[r.evKind.get(i)], request: r.evReq.get(i), poolGroup: r.evPool.get(i) });
    }
    return out;
  }

  /** Full state after pass `step`'s scheduling (clamped to [0, steps - 1]), as a value: its arrays are copies. */
  frameAt(step: number): Frame {
    this.cursor ??= new FrameCursor(this);
    const f = this.cursor.frameAt(step);
    return { ...f, pools: f.pools.map((p) => ({ ...p, ownerRequest: p.ownerRequest.slice(), ownerLifeCycle: p.ownerLifeCycle.slice(), ownerBlock: p.ownerBlock.slice(), slotState: p.slotState.slice() })) };
  }

  /**
   * A replay position of one's own whose frames' slot arrays are views into its buffers (no copy per
   * frame; valid until it moves): what the page's player steps with.
   */
  frameCursor(): FrameCursor {
    return new FrameCursor(this);
  }
}
