/**
 * vLLM v1 scheduler, recompute preemption (peers.md §1.3):
 *
 *   running (FCFS): each gets its next decode token or prefill chunk; when allocation fails, pop
 *     the newest running request, free everything it holds, put it at the FRONT of waiting
 *     (num_computed_tokens = 0; its output so far is re-prefilled), retry; if the victim is the
 *     request itself, stop scheduling running requests.
 *   waiting: admitted from the front while the batch and token budget allow and its first chunk
 *     fits, and only in a pass that preempted nobody.
 *
 * The full-ISL admission gate of newer versions is not modelled (first chunk only, the older rule).
 */
import type { SimRequest, SimState } from '../state.ts';
import type { Policy, PolicyOptions } from './policy.ts';

export function vllmRecomputePolicy(o: PolicyOptions): Policy {
  let running: SimRequest[] = [];
  const waiting: SimRequest[] = [];

  /** Allocate r's work for this pass; false if it does not fit. */
  const tryStep = (s: SimState, r: SimRequest): boolean => {
    if (r.state === 'decoding') return s.tryResize(r, s.decodeCapacity(r), r.kv!.history) === null;
    const chunk = Math.min(r.target - r.pos, o.maxNumTokens - s.tokens);
    return chunk > 0 && s.tryResize(r, r.pos + chunk, r.pos) === null;
  };

  const commitStep = (s: SimState, r: SimRequest): void => {
    if (r.state === 'decoding') s.scheduleDecode(r);
    else s.scheduleContext(r, Math.min(r.target - r.pos, o.maxNumTokens - s.tokens));
  };

  return {
    schedule(s) {
      running = running.filter((r) => r.state !== 'finished');
      waiting.push(...s.arrivedThisPass);
      let preempted = false;
      for (let i = 0; i < running.length; i++) {
        const r = running[i];
        const cost = r.state === 'decoding' ? 1 + o.draftTokens : 1;
        if (s.tokens + cost > o.maxNumTokens) break;
        let ok = tryStep(s, r);
        while (!ok) {
          const victim = running.pop()!;
          s.teardown(victim);
          waiting.unshift(victim);
          preempted = true;
          if (victim === r) break;
          ok = tryStep(s, r);
        }
        if (!ok) break;
        commitStep(s, r);
      }
      if (preempted) return;
      while (waiting.length > 0 && running.length < o.maxBatchSize && s.tokens < o.maxNumTokens) {
        const r = waiting[0];
        if (!tryStep(s, r)) break;
        waiting.shift();
        running.push(r);
        commitStep(s, r);
      }
    },
  };
}
