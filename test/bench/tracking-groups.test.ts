import { describe, expect, it } from 'vitest';
import { BENCH_CASES, QUICK_CASES } from '../../src/gpu/bench/cases.ts';
import { trackingGroups } from '../../src/gpu/bench/tracking.ts';

describe('window tracking groups (src/gpu/bench/tracking.ts)', () => {
  it('groups the windowed cases of one window, shortest context first, and leaves full-context cases out', () => {
    const groups = trackingGroups([...BENCH_CASES].reverse());
    expect(groups.map((g) => g.map((c) => c.name))).toEqual([
      ['win4096-1k', 'win4096-4k', 'win4096-16k'],
      ['win128-1k', 'win128-4k', 'win128-16k'],
    ]);
  });

  it('needs two contexts of a window: a single windowed case is no group', () => {
    expect(trackingGroups(QUICK_CASES)).toEqual([]);
    expect(trackingGroups(BENCH_CASES.filter((c) => c.name === 'win128-16k'))).toEqual([]);
  });
});
