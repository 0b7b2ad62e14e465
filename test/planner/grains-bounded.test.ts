import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { grainsForSlots, ratioToSlotCounts } from '../../src/planner/grains.ts';

describe('ratio -> slot counts is arithmetic, whatever the counts', () => {
  // Past 2^53 an increment no longer changes a number: a counting loop would never end. Run in a
  // child process so a hang is a failed test, not a stuck run.
  it('a slot count past 2^53 comes back within 10 s', () => {
    const code = `
      import { ratioToSlotCounts } from './src/planner/grains.ts';
      console.log(JSON.stringify(ratioToSlotCounts(2 ** 33, [[1]], [1], 2 ** 21, [1])));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 10_000, encoding: 'utf8' });
    expect(r.signal, 'timed out').toBeNull();
    expect(JSON.parse(r.stdout)).toEqual([2 ** 54]);
  });

  it('bumps each count to the largest that fits the grains it already uses', () => {
    // 3-byte and 5-byte pools in 8-byte grains: 10 slots use 4 + 7 = 11 grains.
    const sizes = [[3, 5]];
    const got = ratioToSlotCounts(11, sizes, [1], 8, [10])[0];
    const now = grainsForSlots(got, sizes[0], 8);
    expect(now).toBeLessThanOrEqual(11);
    expect(grainsForSlots(got + 1, sizes[0], 8)).toBeGreaterThan(now);
  });
});
