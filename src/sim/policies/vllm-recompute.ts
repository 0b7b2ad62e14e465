/**
 * vLLM v1 scheduler, recompute preemption, as before the full-ISL admission gate (peers.md §1.3):
 * the scheduler of vllm-v1.ts with no gate. Running requests are served FCFS; when an allocation
 * fails the newest running request is torn down and put at the FRONT of waiting (it re-prefills);
 * the waiting head is admitted when its first chunk fits, only in a pass that preempted nobody.
 *
 * The one difference from vllm-v1: admission asks for the first chunk only, not the whole input,
 * so a long prompt is admitted and then preempts (or is preempted) instead of waiting at the gate.
 */
import type { Policy, PolicyOptions } from './policy.ts';
import { vllmScheduler } from './vllm-v1.ts';

export function vllmRecomputePolicy(o: PolicyOptions): Policy {
  return vllmScheduler(o, null);
}
