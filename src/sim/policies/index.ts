import type { PolicyName } from '../types.ts';
import { noEvictPolicy } from './no-evict.ts';
import type { Policy, PolicyOptions } from './policy.ts';
import { trtllmV2Policy } from './trtllm-v2.ts';
import { vllmRecomputePolicy } from './vllm-recompute.ts';

export type { Policy, PolicyOptions } from './policy.ts';

export function createPolicy(name: PolicyName, o: PolicyOptions): Policy {
  switch (name) {
    case 'trtllm-v2':
      return trtllmV2Policy(o);
    case 'vllm-recompute':
      return vllmRecomputePolicy(o);
    case 'no-evict':
      return noEvictPolicy(o);
  }
}
