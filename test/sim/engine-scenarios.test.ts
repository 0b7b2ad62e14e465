/**
 * vLLM #39734 and SGLang #29662 reproduced by the engines' own sizers and policies, through the
 * library and through `kvpool simulate`: the as-shipped variants end in the engine's failure
 * (exit 3, a report naming the cause), the fixed ones complete (exit 0).
 */
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { runNamedScenario } from '../../src/sim/index.ts';
import { admissionBlocks } from '../../src/sim/policies/vllm-v1.ts';

describe('vllm-39734', () => {
  it('the startup bound and the runtime gate of that era differ for a windowed group', () => {
    const swa = { id: 0, kind: 'attn' as const, windowTokens: 1024, sinkBlocks: 0 };
    expect(admissionBlocks(swa, 40_000, 16, 'full-isl', 131_072, 8192)).toBe(2500);
    expect(admissionBlocks(swa, 40_000, 16, 'single-bound', 131_072, 8192)).toBe(577);
    expect(admissionBlocks(swa, 100, 16, 'single-bound', 131_072, 8192)).toBe(7);
    expect(admissionBlocks({ ...swa, windowTokens: null }, 40_000, 16, 'single-bound', 131_072, 8192)).toBe(2500);
  });
  it('as shipped: Running 0, Waiting 1, KV usage 0%, with both numbers and the drift', () => {
    const t = runNamedScenario('vllm-39734');
    expect(t.summary.outcome).toBe('deadlock');
    expect(t.summary.completedRequests).toBe(1);
    const d = t.summary.deadlock!;
    expect([d.cause, d.neededSlots, d.freeSlots, d.slotsHeldByRunning]).toEqual(['admission', 15000, 11468, 0]);
    expect(d.engineNote).toContain('"Running: 0 reqs, Waiting: 1 reqs, GPU KV cache usage: 0.0%"');
    expect(d.engineNote).toContain('needs 15000 blocks under the full-isl admission gate');
    expect(d.engineNote).toContain("the startup check's bound for it is 5385 blocks: drift 9615 blocks");
    expect(d.suggestedMinSlots).toBe(15000);
  });
  it('fixed (PR #40946 single bound): both requests complete', () => {
    const t = runNamedScenario('vllm-39734-fixed');
    expect([t.summary.outcome, t.summary.completedRequests]).toEqual(['completed', 2]);
    // The long prompt's peak stays within its startup bound plus the short request's blocks.
    expect(t.summary.peakUsedSlots[0]).toBeLessThanOrEqual(5385 + 5 * 65 + 66);
  });
});

describe('sglang-29662', () => {
  it('as shipped: the SWA pool runs out while it holds evictable entries; eviction walked the FULL LRU', () => {
    const t = runNamedScenario('sglang-29662');
    const d = t.summary.deadlock!;
    expect(t.summary.outcome).toBe('deadlock');
    expect([d.poolGroup, d.poolName]).toEqual([1, 'SWA']);
    expect(d.engineNote).toContain('"KV cache is full"');
    expect(d.engineNote).toMatch(/holds (\d+) evictable out-of-window page/);
    const evictable = Number(/holds (\d+) evictable/.exec(d.engineNote!)![1]);
    expect(evictable + d.freeSlots).toBeGreaterThanOrEqual(d.neededSlots); // eviction of SWA would have sufficed
    expect(d.engineNote).toContain('the bottleneck pool (SWA) is not the one being evicted');
    // FULL had room: it is not the bottleneck.
    expect(t.summary.peakUsedSlots[0]).toBeLessThan(t.summary.slotCounts[0]);
  });
  it('fixed (evict SWA when SWA is short): the request completes', () => {
    const t = runNamedScenario('sglang-29662-fixed');
    expect([t.summary.outcome, t.summary.completedRequests]).toEqual(['completed', 1]);
  });
});

describe('kvpool simulate --scenario', () => {
  for (const [name, code, text] of [
    ['vllm-39734', 3, 'Running: 0 reqs, Waiting: 1 reqs, GPU KV cache usage: 0.0%'],
    ['vllm-39734-fixed', 0, 'completed'],
    ['sglang-29662', 3, 'not the one being evicted'],
    ['sglang-29662-fixed', 0, 'completed'],
  ] as const) {
    it(`${name} exits ${code}`, async () => {
      const io = memoryIo();
      expect(await main(['simulate', '--scenario', name], io)).toBe(code);
      expect(io.stdout).toContain(text);
    });
  }
});

describe('kvpool simulate --engine vllm-v1 | sglang on a preset', () => {
  it('runs the engine policy on the sizer\'s pools; the admission option changes the gate', async () => {
    const args = ['simulate', '--engine', 'vllm-v1', '--preset', 'gemma-3-27b', '--quota', '30GiB', '--requests', '4', '--prompt-len', '1000', '--output-len', '8', '--json'];
    const io = memoryIo();
    expect(await main(args, io)).toBe(0);
    const j = JSON.parse(io.stdout);
    expect([j.policy, j.slotCounts, j.poolNames]).toEqual(['vllm-v1', [24576], ['shared']]);
    const sg = memoryIo();
    expect(await main(['simulate', '--engine', 'sglang', '--preset', 'gemma-3-27b', '--quota', '30GiB', '--tokens-per-block', '16', '--requests', '2', '--prompt-len', '500', '--output-len', '4', '--json'], sg)).toBe(0);
    expect(JSON.parse(sg.stdout).poolNames).toEqual(['FULL', 'SWA']);
    const bad = memoryIo();
    expect(await main([...args.slice(0, -1), '--vllm-admission', 'clamp'], bad)).toBe(2);
    expect(bad.stderr).toMatch(/--vllm-admission: got "clamp"; expected full-isl, single-bound/);
  });
});

describe('the policy option flips the named scenarios', () => {
  it('vllm-39734 with --vllm-admission single-bound completes; sglang-29662 with --sglang-eviction bottleneck completes', async () => {
    const v = memoryIo();
    expect(await main(['simulate', '--scenario', 'vllm-39734', '--vllm-admission', 'single-bound'], v)).toBe(0);
    const s = memoryIo();
    expect(await main(['simulate', '--scenario', 'sglang-29662', '--sglang-eviction', 'bottleneck'], s)).toBe(0);
    const back = memoryIo();
    expect(await main(['simulate', '--scenario', 'vllm-39734-fixed', '--vllm-admission', 'full-isl'], back)).toBe(3);
  });
});

