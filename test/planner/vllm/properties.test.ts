/**
 * vLLM v1 sizing properties over random hybrid models (fast-check): the pool never exceeds the
 * memory given (num_blocks x page x tensors <= available), and whenever the startup check accepts
 * a configuration, one max_model_len request fits in the pool under the single-bound admission
 * (the sum over groups of blocks_per_request_bound, PR #40946's rule).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getKvCacheConfig } from '../../../src/planner/vllm/config.ts';
import { pageSizeBytes } from '../../../src/planner/vllm/specs.ts';
import { chunkSpec, fullSpec, layerMap, mambaSpec, swaSpec } from './helpers.ts';

const arbLayer = fc.oneof(
  fc.record({ k: fc.constant('full' as const), heads: fc.constantFrom(1, 2, 4) }),
  fc.record({ k: fc.constant('swa' as const), heads: fc.constantFrom(1, 2, 4), w: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ k: fc.constant('chunk' as const), heads: fc.constantFrom(1, 2, 4), w: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ k: fc.constant('mamba' as const), heads: fc.constant(1) }),
);

const arbCase = fc.record({
  layers: fc.array(arbLayer, { minLength: 1, maxLength: 12 }),
  block: fc.constantFrom(1, 4, 16),
  maxModelLen: fc.integer({ min: 1, max: 5000 }),
  tokens: fc.integer({ min: 1, max: 512 }),
  available: fc.integer({ min: 0, max: 50_000_000 }),
  hybridOff: fc.boolean(),
  mode: fc.constantFrom<'none' | 'align' | 'all'>('none', 'align', 'all'),
});

function input(c: typeof arbCase extends fc.Arbitrary<infer T> ? T : never) {
  // Mamba pages padded to the largest attention page (as vLLM's model config arranges).
  const specs = c.layers.map((l) => (l.k === 'full' ? fullSpec(c.block, l.heads) : l.k === 'swa' ? swaSpec(c.block, l.w, l.heads) : l.k === 'chunk' ? chunkSpec(c.block, l.w, l.heads) : null));
  const maxPage = Math.max(0, ...specs.map((s) => (s ? pageSizeBytes(s) : 0)));
  const all = specs.map((s) => s ?? mambaSpec(c.block, [[4, 4]], 0, maxPage || null));
  return { maxModelLen: c.maxModelLen, maxNumBatchedTokens: c.tokens, mambaCacheMode: c.mode, availableMemoryBytes: c.available, disableHybridKvCacheManager: c.hybridOff, layers: layerMap(all) };
}

describe('vLLM v1 sizing properties', () => {
  it('num_blocks x page x tensors stays within the memory; an accepted config admits one max_model_len request', () => {
    let accepted = 0;
    fc.assert(
      fc.property(arbCase, (c) => {
        const r = getKvCacheConfig(input(c));
        if (!r.ok) return;
        accepted++;
        const { numBlocks, tensors, groups, blocksPerRequestBound } = r.config;
        expect(tensors.reduce((a, t) => a + t.size, 0)).toBeLessThanOrEqual(c.available);
        if (groups.length > 1 || groups[0].spec.cls !== 'UniformTypeKVCacheSpecs') {
          expect(numBlocks * pageSizeBytes(groups[0].spec) * tensors.length).toBeLessThanOrEqual(c.available);
        }
        expect(blocksPerRequestBound.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(numBlocks);
        expect(r.config.maxConcurrency).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 400, seed: 40946 },
    );
    expect(accepted).toBeGreaterThan(50);
   }, 60_000);
});
