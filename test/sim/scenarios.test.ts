/** Both named scenarios behave as the issue describes, through the library and through the CLI. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { simulateCommand } from '../../src/cli/simulate.ts';
import { NAMED_SCENARIOS, runNamedScenario } from '../../src/sim/index.ts';

describe('trtllm-15401 (library)', () => {
  it('as-shipped: STATE gets 7 slots, at most 7 requests hold slots, deadlock names STATE', () => {
    const s = runNamedScenario('trtllm-15401').summary;
    expect(s.slotCounts).toEqual([16, 47473, 7]);
    expect(s.maxConcurrentHolders).toBeLessThanOrEqual(7);
    expect(s.maxConcurrentDecodes).toBe(7);
    expect(s.outcome).toBe('deadlock');
    expect(s.deadlock).toMatchObject({ poolGroup: 2, poolName: 'STATE', exhaustedPoolGroups: [2], neededSlots: 1, freeSlots: 0, heldByRunning: 0, heldBySuspended: 7, demandOfHolders: 14, cause: 'allocation' });
    // The STATE floor the bisection finds lies between the as-shipped 7 and the issue-fix 64.
    expect(s.deadlock!.suggestedMinSlots).toBeGreaterThan(7);
    expect(s.deadlock!.suggestedMinSlots).toBeLessThanOrEqual(64);
  });

  it('issue-fix: [64, 42555, 64] and all 64 requests decode to completion', () => {
    const s = runNamedScenario('trtllm-15401', { constraints: 'issue-fix' }).summary;
    expect(s.slotCounts).toEqual([64, 42555, 64]);
    expect(s.outcome).toBe('completed');
    expect(s.completedRequests).toBe(64);
    expect(s.maxConcurrentDecodes).toBe(64);
  });

  it('as-shipped with recompute-pause or vllm-recompute makes progress instead', () => {
    expect(runNamedScenario('trtllm-15401', { recomputePause: true }).summary.outcome).toBe('completed');
    expect(runNamedScenario('trtllm-15401', { policy: 'vllm-recompute' }).summary.outcome).toBe('completed');
  });
});

describe('straddle (library)', () => {
  it('issue-fix floor of maxBatchSize (16): the lockstep crossing needs 32, the run stalls', () => {
    const t = runNamedScenario('straddle');
    const s = t.summary;
    expect(s.slotCounts).toEqual([16]);
    expect(s.outcome).toBe('deadlock');
    expect(s.completedRequests).toBe(0);
    // Half the batch: the 16 holders need 32 slots at the crossing.
    expect(s.deadlock).toMatchObject({ poolGroup: 0, neededSlots: 1, freeSlots: 0, heldBySuspended: 16, demandOfHolders: 32 });
    // The stall starts at the crossing: h = 256 after 56 decodes from a 200-token prompt.
    const crossing = t.frameAt(s.deadlock!.firstStalledStep);
    expect(crossing.requests[0].history).toBe(256);
  });

  it('the straddle-aware safe floor completes with every request holding 2 blocks at the crossing', () => {
    const s = runNamedScenario('straddle', { constraints: 'safe' }).summary;
    expect(s.outcome).toBe('completed');
    expect(s.completedRequests).toBe(16);
    expect(s.maxConcurrentDecodes).toBe(16);
    expect(s.peakUsedSlots).toEqual([32]);
  });

  it('every named scenario has a one-line story', () => {
    for (const n of NAMED_SCENARIOS) expect(n.story).toMatch(/^[^\n]{40,400}$/);
  });
});

async function cli(argv: string[]) {
  const io = memoryIo();
  const code = await simulateCommand(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('kvpool simulate (in process)', () => {
  it('--scenario trtllm-15401 --json: deadlock summary with the issue fields, exit 3', async () => {
    const r = await cli(['--scenario', 'trtllm-15401', '--json']);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ outcome: 'deadlock', completedRequests: 0, slotCounts: [16, 47473, 7], peakUsedSlots: [7, 7, 7] });
    expect(j.deadlock).toMatchObject({ poolGroup: 2, poolName: 'STATE', neededSlots: 1, freeSlots: 0, heldByRunning: 0, heldBySuspended: 7 });
    expect(typeof j.deadlock.suggestedMinSlots).toBe('number');
    expect(j.steps).toBe(j.trace.pools[0].used.length);
  });

  it('--constraints issue-fix completes; the text report has peaks, sparklines and no deadlock', async () => {
    const r = await cli(['--scenario', 'trtllm-15401', '--constraints', 'issue-fix']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/completed after \d+ passes; 64\/64 requests completed/);
    expect(r.out).toMatch(/2 STATE\s+64\s+64\s+100\.0%\s+[▁▂▃▄▅▆▇█]+/);
    expect(r.out).not.toMatch(/DEADLOCK/);
  });

  it('the straddle text report names the pool, the holders and a suggested floor', async () => {
    const r = await cli(['--scenario', 'straddle']);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/DEADLOCK in pool group 0 \(SWA-128\)/);
    expect(r.out).toMatch(/held by 0 running requests \(0 slots\) and 16 suspended requests \(16 slots\)/);
    expect(r.out).toMatch(/suggested min slots for SWA-128: \d+/);
  });

  it('--csv: one row per pass with per-pool columns', async () => {
    const r = await cli(['--scenario', 'straddle', '--constraints', 'safe', '--csv']);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('step,0_SWA-128_used,0_SWA-128_held_suspended,0_SWA-128_free,decodes,tokens,events');
    expect(lines[1]).toBe('0,16,0,32,0,3200,admit:0 admit:1 admit:2 admit:3 admit:4 admit:5 admit:6 admit:7 admit:8 admit:9 admit:10 admit:11 admit:12 admit:13 admit:14 admit:15');
  });

  it('--scenario FILE plans an engine scenario as given (the straddle pool at its issue-fix floor)', async () => {
    const r = await cli(['--scenario', 'test/fixtures/sim/straddle-issue-fix.scenario.json', '--max-batch-size', '16', '--max-num-tokens', '4096', '--requests', '16', '--prompt-len', '200', '--output-len', '100', '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toMatchObject({ outcome: 'deadlock', slotCounts: [16], deadlock: { poolGroup: 0, heldBySuspended: 16 } });
  });

  it('user errors name the flag and what is valid', async () => {
    await expect(cli(['--scenario', 'nope'])).rejects.toThrow(`--scenario: got "nope"; expected a named scenario (${NAMED_SCENARIOS.map((n) => n.name).join(', ')}) or a readable engine scenario JSON file`);
    await expect(cli(['--scenario', 'trtllm-15401', '--policy', 'fifo'])).rejects.toThrow(/--policy: got "fifo"; expected trtllm-v2, vllm-recompute, no-evict/);
    await expect(cli(['--prompt-len', '5:2', '--dist', 'uniform'])).rejects.toThrow(/--prompt-len: got "5:2"/);
    await expect(cli(['--scenario', 'straddle', '--json', '--csv'])).rejects.toThrow(/either --json or --csv/);
    await expect(cli(['--trace', 't.csv', '--seed', '3'])).rejects.toThrow(/--seed/);
  });
});

describe('kvpool simulate (through bin/kvpool.mjs)', () => {
  it('trtllm-15401 deadlocks with exit 3 and the STATE report; issue-fix exits 0', () => {
    const run = (args: string[]) => spawnSync(process.execPath, ['bin/kvpool.mjs', 'simulate', '--scenario', 'trtllm-15401', ...args], { encoding: 'utf8' });
    const bad = run(['--json']);
    expect(bad.status).toBe(3);
    expect(JSON.parse(bad.stdout).deadlock.poolName).toBe('STATE');
    const good = run(['--constraints', 'issue-fix', '--json']);
    expect(good.status).toBe(0);
    expect(JSON.parse(good.stdout).completedRequests).toBe(64);
    const err = run(['--max-steps', 'many']);
    expect(err.status).toBe(2);
    expect(err.stderr.trim()).toMatch(/^kvpool simulate: --max-steps: got "many"; expected an integer >= 1 and at most 1,000,000 \(/);
  }, 60_000);
});
