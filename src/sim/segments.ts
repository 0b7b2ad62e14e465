/**
 * Request segments of a trace: (step, state, history, capacity, rate) rows, one each time a
 * request's values stop following its last segment's rate.
 *
 * While a run records, rows go to one append-only log of Int32 columns (no per-request arrays: a
 * 40k-request run would otherwise hold 200k small JS arrays, which the garbage collector walks
 * again on every major collection and which a structured clone copies one by one). When the run
 * ends, `groupSegments` sorts the log by request (a stable counting sort, so each request's rows
 * stay in step order) into typed arrays, and `segmentAt` binary-searches one request's rows.
 *
 * Every value fits Int32: tokens are capped at LIMITS.tokens (2^24) plus draft tokens, steps by
 * LIMITS.simWork, and the rate is 0 or 1.
 */
import { Growable } from './growable.ts';

export class SegmentLog {
  readonly req = new Growable(256);
  readonly step = new Growable(256);
  readonly state = new Growable(256);
  readonly history = new Growable(256);
  readonly capacity = new Growable(256);
  readonly rate = new Growable(256);

  push(r: number, step: number, state: number, history: number, capacity: number, rate: number): void {
    this.req.push(r);
    this.step.push(step);
    this.state.push(state);
    this.history.push(history);
    this.capacity.push(capacity);
    this.rate.push(rate);
  }
}

/** The log grouped by request: rows start[r] .. start[r + 1] - 1 are request r's, in step order. */
export interface RequestSegments {
  readonly start: Int32Array;
  readonly step: Int32Array;
  readonly state: Int32Array;
  readonly history: Int32Array;
  readonly capacity: Int32Array;
  readonly rate: Int32Array;
}

export function groupSegments(log: SegmentLog, requests: number): RequestSegments {
  const n = log.req.length;
  const start = new Int32Array(requests + 1);
  for (let i = 0; i < n; i++) start[log.req.get(i) + 1]++;
  for (let r = 0; r < requests; r++) start[r + 1] += start[r];
  const next = start.slice(0, requests);
  const out = { start, step: new Int32Array(n), state: new Int32Array(n), history: new Int32Array(n), capacity: new Int32Array(n), rate: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const j = next[log.req.get(i)]++;
    out.step[j] = log.step.get(i);
    out.state[j] = log.state.get(i);
    out.history[j] = log.history.get(i);
    out.capacity[j] = log.capacity.get(i);
    out.rate[j] = log.rate.get(i);
  }
  return out;
}

/** Index of request r's last row at or before `step`, or -1 when it has none yet. */
export function segmentAt(s: RequestSegments, r: number, step: number): number {
  let lo = s.start[r];
  let hi = s.start[r + 1] - 1;
  if (hi < lo || s.step[lo] > step) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.step[mid] <= step) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export const segmentBytes = (s: RequestSegments): number => s.start.byteLength + 5 * s.step.byteLength;
