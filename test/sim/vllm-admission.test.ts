/**
 * The single-source-of-truth property (PR #40946): whenever vLLM's startup check accepts a
 * configuration, one request of max_model_len is admitted and completes under the single-bound
 * admission gate in the simulator, on the pool the sizer produced. Under the full-ISL gate of the
 * #39734 era some accepted configurations never admit it (the property is not vacuous).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/planner/types.ts';
import { getKvCacheConfig } from '../../src/planner/vllm/config.ts';
import { vllmLayout } from '../../src/planner/vllm/layout.ts';
import { runSimulation } from '../../src/sim/index.ts';
import { fullSpec, layerMap, mambaSpec, swaSpec } from '../planner/vllm/helpers.ts';
import { tinyPlan } from './helpers.ts';

const arb = fc.record({
  kinds: fc.array(fc.oneof(fc.constant<'full'>('full'), fc.integer({ min: 1, max: 200 }), fc.constant<'mamba'>('mamba')), { minLength: 1, maxLength: 8 }),
  block: fc.constantFrom(4, 16),
  maxModelLen: fc.integer({ min: 1, max: 1500 }),
  tokens: fc.integer({ min: 1, max: 300 }),
  available: fc.integer({ min: 1, max: 400_000 }),
});

function run(c: typeof arb extends fc.Arbitrary<infer T> ? T : never, gate: 'full-isl' | 'single-bound') {
  const page = 2 * c.block * 8 * 2; // one KV head of 8 at bf16: every layer the same page
  const specs = c.kinds.map((k) => (k === 'full' ? fullSpec(c.block) : k === 'mamba' ? mambaSpec(c.block, [[2, 2]], 0, page) : swaSpec(c.block, k)));
  const r = getKvCacheConfig({ maxModelLen: c.maxModelLen, maxNumBatchedTokens: c.tokens, mambaCacheMode: 'none', availableMemoryBytes: c.available, disableHybridKvCacheManager: false, layers: layerMap(specs) });
  if (!r.ok) return null;
  const layout = vllmLayout(r.config);
  const plan = { ...tinyPlan({ tokensPerBlock: 1, lifeCycles: [], lifeCyclePoolGroup: [], slotCounts: [1] }), ...layout } as Plan;
  const L = c.maxModelLen;
  const workload = [L >= 3 ? { arrival: 0, prompt: L - 2, output: 3 } : { arrival: 0, prompt: L, output: 1 }];
  return runSimulation({ plan, policy: 'vllm-v1', workload, maxBatchSize: 1, maxNumTokens: c.tokens, stallLimit: 5, suggestFloor: 'analytic', enginePolicy: { vllmAdmission: gate, maxModelLen: L } });
}

describe('vLLM: startup acceptance implies admission under the single bound', () => {
  it('one max_model_len request completes (single-bound); full-isl strands some', () => {
    let accepted = 0;
    let strandedByFullIsl = 0;
    fc.assert(
      fc.property(arb, (c) => {
        const t = run(c, 'single-bound');
        if (!t) return;
        accepted++;
        expect(t.summary.outcome).toBe('completed');
        if (run(c, 'full-isl')!.summary.outcome === 'deadlock') strandedByFullIsl++;
      }),
      { numRuns: 250, seed: 39734 },
    );
    expect(accepted).toBeGreaterThan(40);
    expect(strandedByFullIsl).toBeGreaterThan(0);
   }, 60_000);
});
