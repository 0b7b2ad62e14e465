/** The scheduler policies: one file each, one line here. */
import type { PolicyName } from '../types.ts';
import { noEvictPolicy } from './no-evict.ts';
import type { Policy, PolicyOptions } from './policy.ts';
import { sglangPolicy } from './sglang.ts';
import { trtllmV2Policy } from './trtllm-v2.ts';
import { vllmRecomputePolicy } from './vllm-recompute.ts';
import { vllmV1Policy } from './vllm-v1.ts';

export type { Policy, PolicyOptions } from './policy.ts';

const POLICIES: Record<PolicyName, (o: PolicyOptions) => Policy> = {
  'trtllm-v2': trtllmV2Policy,
  'vllm-recompute': vllmRecomputePolicy,
  'no-evict': noEvictPolicy,
  'vllm-v1': vllmV1Policy,
  sglang: sglangPolicy,
};

export function createPolicy(name: PolicyName, o: PolicyOptions): Policy {
  return POLICIES[name](o);
}
