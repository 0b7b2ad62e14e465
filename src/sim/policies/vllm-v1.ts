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

import { zeros } from '../../planner/arrays.ts';
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

/**
 * The scheduler of both vLLM policies; `gate` null = no admission gate (vllm-recompute). A class,
 * not closures made per run: V8 compiles fresh closures one by one (see trtllm-v2.ts).
 */
class VllmScheduler implements Policy {
  private readonly o: PolicyOptions;
  private readonly gate: VllmAdmission | null;
  private readonly maxModelLen: number;
  private running: SimRequest[] = [];
  private readonly waiting = new Deque<SimRequest>();
  private blocked: { request: SimRequest; pool: number; need: number; bound: number } | null = null;

  constructor(o: PolicyOptions, gate: VllmAdmission | null) {
    this.o = o;
    this.gate = gate;
    this.maxModelLen = o.enginePolicy?.maxModelLen ?? Number.MAX_SAFE_INTEGER;
  }

  /** Blocks the gate asks of each pool group (vLLM has one; other layouts get one gate per pool). */
  private need(s: SimState, r: SimRequest, g: VllmAdmission): number[] {
    const out = zeros(s.pools.length);
    for (const lc of s.plan.lifeCycles) out[s.plan.lifeCyclePoolGroup[lc.id]] += admissionBlocks(lc, r.target, s.plan.tokensPerBlock, g, this.maxModelLen, this.o.maxNumTokens);
    return out;
  }

  private chunkOf(s: SimState, r: SimRequest): number {
    return Math.min(r.target - r.pos, this.o.maxNumTokens - s.tokens);
  }

  private tryStep(s: SimState, r: SimRequest): boolean {
    if (r.state === 'decoding') return s.tryResize(r, s.decodeCapacity(r), r.kv!.history) === null;
    const chunk = this.chunkOf(s, r);
    return chunk > 0 && s.tryResize(r, r.pos + chunk, r.pos) === null;
  }

  private commitStep(s: SimState, r: SimRequest): void {
    if (r.state === 'decoding') s.scheduleDecode(r);
    else s.scheduleContext(r, this.chunkOf(s, r));
  }

  private runRunning(s: SimState): boolean {
    const running = this.running;
    let preempted = false;
    for (let i = 0; i < running.length; i++) {
      const r = running[i];
      if (s.tokens + (r.state === 'decoding' ? 1 + this.o.draftTokens : 1) > this.o.maxNumTokens) break;
      let ok = this.tryStep(s, r);
      while (!ok) {
        const victim = running.pop()!;
        s.teardown(victim);
        this.waiting.pushFront(victim);
        preempted = true;
        if (victim === r) break;
        ok = this.tryStep(s, r);
      }
      if (!ok) break;
      this.commitStep(s, r);
    }
    return preempted;
  }

  /** The gate on the waiting head: true = it waits (the stall and its cause are recorded). */
  private gated(s: SimState, r: SimRequest): boolean {
    if (this.gate === null) return false;
    const n = this.need(s, r, this.gate);
    const pg = n.findIndex((blocks, p) => blocks > s.pools[p].free);
    if (pg < 0) return false;
    this.blocked = { request: r, pool: pg, need: n[pg], bound: this.need(s, r, 'single-bound')[pg] };
    const exhausted = n.flatMap((blocks, p) => (blocks > s.pools[p].free ? [p] : []));
    s.failure ??= { poolGroup: pg, needed: n[pg], free: s.pools[pg].free, exhausted, request: r.id, cause: 'admission' };
    return true;
  }

  private admit(s: SimState): void {
    this.blocked = null;
    const waiting = this.waiting;
    while (waiting.length > 0 && this.running.length < this.o.maxBatchSize && s.tokens < this.o.maxNumTokens) {
      const r = waiting.peek()!;
      if (this.gated(s, r) || !this.tryStep(s, r)) return;
      waiting.shift();
      this.running.push(r);
      this.commitStep(s, r);
    }
  }

  schedule(s: SimState): void {
    this.running = this.running.filter((r) => r.state !== 'finished');
    this.waiting.pushAll(s.arrivedThisPass);
    if (!this.runRunning(s)) this.admit(s);
  }

  explainStall(s: SimState): string | null {
    const blocked = this.blocked;
    if (!blocked) return null;
    const pool = s.pools[blocked.pool];
    const usage = ((100 * (pool.total - pool.free)) / pool.total).toFixed(1);
    const r = blocked.request;
    const maxModelLen = this.maxModelLen;
    return (
      `vLLM: "Running: ${this.running.length} reqs, Waiting: ${this.waiting.length} reqs, GPU KV cache usage: ${usage}%". ` +
      `Request ${r.id} (${r.target} input tokens${maxModelLen < Number.MAX_SAFE_INTEGER ? `, within max_model_len ${maxModelLen}` : ''}) needs ${blocked.need} blocks under the ${this.gate} admission gate ` +
      `but the shared pool has ${pool.total} (${pool.free} free); the startup check's bound for it is ${blocked.bound} blocks: ` +
      `drift ${blocked.need - blocked.bound} blocks between sizing and admission (vLLM #39734; PR #40946 uses one bound for both)`
    );
  }
}

export function vllmScheduler(o: PolicyOptions, gate: VllmAdmission | null): Policy {
  return new VllmScheduler(o, gate);
}
