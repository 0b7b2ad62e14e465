/**
 * One request's state during a run (what policies read and SimState writes), and how a request
 * object is made or reused: a verdict search runs thousands of short lists, so SimState takes
 * request objects from a PoolArena and rewrites every field (see SimState's constructor).
 */
import type { KvCache } from './managers.ts';
import type { RequestSpec, RequestState } from './types.ts';

export interface SimRequest {
  readonly id: number;
  readonly arrival: number;
  readonly prompt: number;
  readonly output: number;
  state: RequestState;
  /** The state to return to after a suspension. */
  resumeTo: 'context' | 'decoding';
  /** Tokens prefilled so far in the current (re-)prefill, and how many it needs. */
  pos: number;
  target: number;
  /** Output tokens produced so far (kept across a recompute teardown, as vLLM does). */
  generated: number;
  kv: KvCache | null;
  /** Pass in which the request was last scheduled, and its tokens then. */
  scheduledStep: number;
  scheduledTokens: number;
  scheduledKind: 'context' | 'decode' | null;
  /** Arrived and never admitted: still in the state's arrival queue (holds nothing). */
  queued: boolean;
  /** Last pass the trace saw this request decoding (scheduled decode): its segment then predicts the next pass. */
  recordedDecodeStep: number;
}

type MutableRequest = { -readonly [K in keyof SimRequest]: SimRequest[K] };

/**
 * A new request object as one literal with every field: V8 gives it all of them in-object (fields
 * added one by one to `{}` would go past its four in-object slots, behind an extra load on every
 * access of the pass loop).
 */
export const blankRequest = (): SimRequest => ({
  id: 0,
  arrival: 0,
  prompt: 1,
  output: 1,
  state: 'waiting',
  resumeTo: 'context',
  pos: 0,
  target: 1,
  generated: 0,
  kv: null,
  scheduledStep: -1,
  scheduledTokens: 0,
  scheduledKind: null,
  queued: false,
  recordedDecodeStep: -2,
});

/** Every field of a fresh request (a reused object is rewritten whole, in one order: one shape). */
export function initRequest(req: SimRequest, id: number, s: RequestSpec): SimRequest {
  const r = req as MutableRequest;
  r.id = id;
  r.arrival = s.arrival;
  r.prompt = s.prompt;
  r.output = s.output;
  r.state = 'waiting';
  r.resumeTo = 'context';
  r.pos = 0;
  r.target = s.prompt;
  r.generated = 0;
  r.kv = null;
  r.scheduledStep = -1;
  r.scheduledTokens = 0;
  r.scheduledKind = null;
  r.queued = false;
  r.recordedDecodeStep = -2;
  return req;
}
