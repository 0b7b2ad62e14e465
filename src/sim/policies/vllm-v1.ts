/**
 * vLLM v1's scheduler over its one shared block pool (peers.md §1.3), with the admission gate of
 * the #39734 era as an option:
 *
 *   running (FCFS): each gets its decode token or next prefill chunk; when allocation fails, pop
 *     the newest running request, free all it holds, put it at the FRONT of waiting (recompute:
 *     it re-prefills prompt + output so far); if the victim is the request itself, stop.
 *   waiting (FCFS, only in a pass that preempted nobody): the head is admitted when its whole
 *     input (full ISL) passes the gate, then gets its first chunk; a head that fails blocks the queue.
 *
 * The gate, in blocks of the shared pool, for an input of n tokens (block B, one term per group):
 *   full-isl      sum_g cdiv(n, B)                 windowed groups counted for the whole prompt
 *   single-bound  sum_g min(cdiv(n, B), bound_g)   bound_g = the startup check's per-request bound
 *                                                  (slidingWindowBlocks: the same function)
 *   none          no gate: the head needs only its first chunk (the older rule; vllm-recompute)
 * A prompt within max_model_len that needs more than num_blocks under full-isl waits forever with
 * the pool empty: vLLM's "Running: 0 reqs, Waiting: 1 reqs, GPU KV cache usage: 0.0%".
 */
import type { LifeCycle } from '../../planner/lifecycle.ts';
import { divUp } from '../../planner/pymath.ts';
import { slidingWindowBlocks } from '../../planner/vllm/specs.ts';
import { Deque } from '../deque.ts';
import type { SimRequest, SimState } from '../state.ts';
import type { VllmAdmission } from './engine-options.ts';
import type { Policy, PolicyOptions } from './policy.ts';

/** Blocks one group's life cycle needs for an input of n tokens under each gate. */
export function admissionBlocks(lc: LifeCycle, n: number, tpb: number, gate: VllmAdmission, maxModelLen: number, maxNumBatchedTokens: number): number {
  if (lc.kind === 'ssm') return 1;
  const whole = divUp(n, tpb);
  if (gate === 'full-isl') return whole;
  const bound = lc.windowTokens === null ? divUp(maxModelLen, tpb) : slidingWindowBlocks(lc.windowTokens, tpb, { maxModelLen, maxNumBatchedTokens });
  return Math.min(whole, bound);
}

export function vllmV1Policy(o: PolicyOptions): Policy {
  return vllmScheduler(o, o.enginePolicy?.vllmAdmission ?? 'full-isl');
}

/** The scheduler of both vLLM policies; `gate` null = no admission gate (vllm-recompute). */
export function vllmScheduler(o: PolicyOptions, gate: VllmAdmission | null): Policy {
  const maxModelLen = o.enginePolicy?.maxModelLen ?? Number.MAX_SAFE_INTEGER;
  let running: SimRequest[] = [];
  const waiting = new Deque<SimRequest>();
  let blocked: { request: SimRequest; pool: number; need: number; bound: number } | null = null;

  /** Blocks the gate asks of each pool group (vLLM has one; other layouts get one gate per pool). */
  const need = (s: SimState, r: SimRequest, g: VllmAdmission): number[] => {
    const out = s.pools.map(() => 0);
    for (const lc of s.plan.lifeCycles) out[s.plan.lifeCyclePoolGroup[lc.id]] += admissionBlocks(lc, r.target, s.plan.tokensPerBlock, g, maxModelLen, o.maxNumTokens);
    return out;
  };

  const chunkOf = (s: SimState, r: SimRequest) => Math.min(r.target - r.pos, o.maxNumTokens - s.tokens);
  const tryStep = (s: SimState, r: SimRequest): boolean => {
    if (r.state === 'decoding') return s.tryResize(r, s.decodeCapacity(r), r.kv!.history) === null;
    const chunk = chunkOf(s, r);
    return chunk > 0 && s.tryResize(r, r.pos + chunk, r.pos) === null;
  };
  const commitStep = (s: SimState, r: SimRequest): void => {
    if (r.state === 'decoding') s.scheduleDecode(r);
    else s.scheduleContext(r, chunkOf(s, r));
  };

  const runRunning = (s: SimState): boolean => {
    let preempted = false;
    for (let i = 0; i < running.length; i++) {
      const r = running[i];
      if (s.tokens + (r.state === 'decoding' ? 1 + o.draftTokens : 1) > o.maxNumTokens) break;
      let ok = tryStep(s, r);
      while (!ok) {
        const victim = running.pop()!;
        s.teardown(victim);
        waiting.pushFront(victim);
        preempted = true;
        if (victim === r) break;
        ok = tryStep(s, r);
      }
      if (!ok) break;
      commitStep(s, r);
    }
    return preempted;
  };

  /** The gate on the waiting head: true = it waits (the stall and its cause are recorded). */
  const gated = (s: SimState, r: SimRequest): boolean => {
    if (gate === null) return false;
    const n = need(s, r, gate);
    const pg = n.findIndex((blocks, p) => blocks > s.pools[p].free);
    if (pg < 0) return false;
    blocked = { request: r, pool: pg, need: n[pg], bound: need(s, r, 'single-bound')[pg] };
    const exhausted = n.flatMap((blocks, p) => (blocks > s.pools[p].free ? [p] : []));
    s.failure ??= { poolGroup: pg, needed: n[pg], free: s.pools[pg].free, exhausted, request: r.id, cause: 'admission' };
    return true;
  };

  const admit = (s: SimState): void => {
    blocked = null;
    while (waiting.length > 0 && running.length < o.maxBatchSize && s.tokens < o.maxNumTokens) {
      const r = waiting.peek()!;
      if (gated(s, r) || !tryStep(s, r)) return;
      waiting.shift();
      running.push(r);
      commitStep(s, r);
    }
  };

  return {
    schedule(s) {
      running = running.filter((r) => r.state !== 'finished');
      waiting.pushAll(s.arrivedThisPass);
      if (!runRunning(s)) admit(s);
    },
    explainStall(s) {
      if (!blocked) return null;
      const pool = s.pools[blocked.pool];
      const usage = ((100 * (pool.total - pool.free)) / pool.total).toFixed(1);
      const r = blocked.request;
      return (
        `vLLM: "Running: ${running.length} reqs, Waiting: ${waiting.length} reqs, GPU KV cache usage: ${usage}%". ` +
        `Request ${r.id} (${r.target} input tokens${maxModelLen < Number.MAX_SAFE_INTEGER ? `, within max_model_len ${maxModelLen}` : ''}) needs ${blocked.need} blocks under the ${gate} admission gate ` +
        `but the shared pool has ${pool.total} (${pool.free} free); the startup check's bound for it is ${blocked.bound} blocks: ` +
        `drift ${blocked.need - blocked.bound} blocks between sizing and admission (vLLM #39734; PR #40946 uses one bound for both)`
      );
    },
  };
}
