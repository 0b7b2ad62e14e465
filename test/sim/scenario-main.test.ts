/** #15401 under today's sizing (trtllm-v2@main): STATE still gets 7 slots and the run still deadlocks on STATE. */
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { runNamedScenario, scenarioConfig } from '../../src/sim/index.ts';

describe('trtllm-15401-main (library)', () => {
  it('pinned to @main, mode main: no constraints built, structural floors [2, 2, 2], pool groups in engine order', () => {
    const { plan } = scenarioConfig('trtllm-15401-main');
    expect(plan.rules).toContain('pool-group-order');
    expect(plan.constraints).toEqual([]);
    expect(plan.typicalStep).toBeNull();
    expect(plan.minSlots).toEqual([2, 2, 2]);
    expect(plan.poolGroups.map((g) => g.name)).toEqual(['COMPRESS', 'SWA', 'STATE']);
    expect(plan.lifeCycleRatio).toEqual([0.01, 0.98, 0.01].map(Math.fround));
  });
  it('STATE still gets 7 slots and the run deadlocks on STATE', () => {
    const s = runNamedScenario('trtllm-15401-main').summary;
    expect(s.slotCounts).toEqual([47473, 16, 7]);
    expect(s.maxConcurrentDecodes).toBe(7);
    expect(s.outcome).toBe('deadlock');
    expect(s.deadlock).toMatchObject({ poolGroup: 2, poolName: 'STATE', exhaustedPoolGroups: [2], freeSlots: 0, heldBySuspended: 7 });
  });
  it('--engine trtllm-v2@15401 overrides the pinned version (same story, the old floors)', () => {
    const { plan } = scenarioConfig('trtllm-15401-main', { engine: 'trtllm-v2@15401', constraints: 'as-shipped' });
    expect(plan.minSlots).toEqual([1, 539, 1]);
    expect(plan.slotCounts).toEqual([16, 47473, 7]);
  });
});

describe('trtllm-15401-main (CLI)', () => {
  it('kvpool simulate --scenario trtllm-15401-main exits 3 and names STATE', async () => {
    const io = memoryIo({});
    const code = await main(['simulate', '--scenario', 'trtllm-15401-main'], io);
    expect(code).toBe(3);
    expect(io.stdout).toContain('trtllm-v2@main, constraints main');
    expect(io.stdout).toMatch(/DEADLOCK in pool group 2 \(STATE\)/);
    expect(io.stdout).toMatch(/2 STATE\s+7\s+7\s+100\.0%/);
  });
  it('kvpool simulate --scenario trtllm-15401 --engine trtllm-v2@main: @main sizing of the as-shipped wrapper still deadlocks', async () => {
    const io = memoryIo({});
    const code = await main(['simulate', '--scenario', 'trtllm-15401', '--engine', 'trtllm-v2@main', '--json'], io);
    expect(code).toBe(3);
    const j = JSON.parse(io.stdout);
    expect(j.slotCounts).toEqual([47473, 16, 7]);
    expect(j.deadlock.poolName).toBe('STATE');
  });
});
