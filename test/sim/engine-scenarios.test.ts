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


describe('the engine scenarios are sized from the knobs given (never ignored)', () => {
  const slots = async (args: string[]) => {
    const io = memoryIo();
    expect(await main(['simulate', ...args, '--json'], io), io.stderr).not.toBe(2);
    return JSON.parse(io.stdout).slotCounts as number[];
  };
  it('quota, block size and the engine knobs re-size the pools by the engine rule; the model is the scenario own', async () => {
    const [base] = await slots(['--scenario', 'vllm-39734']);
    expect(base).toBe(11468);
    // vLLM's block count is floor(available bytes / page bytes): about 12/7 as many at 12 GiB, half as many blocks of 32 tokens.
    expect(Math.abs((await slots(['--scenario', 'vllm-39734', '--quota', '12GiB']))[0] - (11468 * 12) / 7)).toBeLessThan(2);
    expect((await slots(['--scenario', 'vllm-39734', '--tokens-per-block', '32']))[0]).toBe(Math.floor(11468 / 2));
    const sgl = await slots(['--scenario', 'sglang-29662']);
    expect(sgl).toEqual([1250, 1000]);
    const ratio = await slots(['--scenario', 'sglang-29662', '--swa-full-tokens-ratio', '0.5']);
    const told = memoryIo();
    await main(['simulate', '--scenario', 'sglang-29662', '--quota', '1GiB', '--swa-full-tokens-ratio', '0.5'], told);
    expect(told.stdout).toContain("this run changes --quota, --swa-full-tokens-ratio.");
    expect(ratio[1] / ratio[0]).toBeCloseTo(0.5, 2);
    for (const [args, flag] of [
      [['--scenario', 'vllm-39734', '--kv-dtype', 'fp8'], '--kv-dtype'],
      [['--scenario', 'sglang-29662', '--pool-ratio', '0.5,0.5'], '--pool-ratio'],
      [['--scenario', 'trtllm-15401', '--swa-full-tokens-ratio', '0.3'], '--swa-full-tokens-ratio'],
    ] as const) {
      const io = memoryIo();
      expect(await main(['simulate', ...args], io), args.join(' ')).toBe(2);
      expect(io.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(io.stderr).toContain(`${flag}: got`);
    }
  });
  it('kvpool check sizes with the engine knobs: SGLang ratio moves the bounds as kvpool plan does', async () => {
    const flags = ['--preset', 'gemma-3-27b', '--engine', 'sglang', '--quota', '24GiB', '--max-batch-size', '16', '--max-seq-len', '8192', '--tokens-per-block', '16'];
    const check = async (extra: string[]) => {
      const io = memoryIo();
      await main(['check', ...flags, ...extra, '--no-fixes', '--json'], io);
      return JSON.parse(io.stdout).bounds.map((g: { slots: number }) => g.slots) as number[];
    };
    const sim = memoryIo();
    await main(['simulate', ...flags, '--swa-full-tokens-ratio', '0.3', '--requests', '1', '--json'], sim);
    const a = await check([]);
    const b = await check(['--swa-full-tokens-ratio', '0.3']);
    expect(b).not.toEqual(a);
    expect(b).toEqual(JSON.parse(sim.stdout).slotCounts);
    // Without --tokens-per-block each engine takes its own block size (vLLM 16, SGLang page 1), in check as in simulate.
    for (const engine of ['sglang', 'vllm-v1']) {
      const own = ['--preset', 'gemma-3-27b', '--engine', engine, '--quota', '24GiB', '--max-seq-len', '8192'];
      const io = memoryIo();
      await main(['check', ...own, '--no-fixes', '--json'], io);
      const run = memoryIo();
      await main(['simulate', ...own, '--requests', '1', '--json'], run);
      expect(JSON.parse(io.stdout).bounds.map((g: { slots: number }) => g.slots), engine).toEqual(JSON.parse(run.stdout).slotCounts);
    }
  }, 60_000);
});
