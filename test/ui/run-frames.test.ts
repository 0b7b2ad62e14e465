/**
 * The page's frames (RunView.frameAt) read the run's own cursor: no slot array is copied per frame,
 * and a frame still shows its own pass after another frame of the run was asked for (a lesson's
 * checker, the inspector), equal to the copied frame of that pass.
 */
import { describe, expect, it } from 'vitest';
import { computeRun } from '../../src/ui/bridge/run.ts';
import { parseUrlState } from '../../src/ui/state/codec.ts';

describe('RunView frames', () => {
  const { trace, run } = computeRun(parseUrlState('?scenario=trtllm-15401').state, null);
  const copied = (k: number) => {
    const f = trace.frameAt(k);
    return { owner: f.pools.map((p) => p.ownerRequest), state: f.pools.map((p) => p.slotState), block: f.pools.map((p) => p.ownerBlock), lc: f.pools.map((p) => p.ownerLifeCycle) };
  };
  const shown = (f: ReturnType<typeof run.frameAt>) => ({ owner: f.slotOwner, state: f.slotState, block: f.slotBlock, lc: f.slotLifeCycle });
  type Slots = ReturnType<typeof shown>;
  // Element by element (deep equality on 40k-element typed arrays is slow): the first difference, or ''.
  const diff = (a: Slots, b: Slots): string => {
    for (const key of ['owner', 'state', 'block', 'lc'] as const) {
      if (a[key].length !== b[key].length) return `${key}: ${a[key].length} pools vs ${b[key].length}`;
      for (let pg = 0; pg < a[key].length; pg++) {
        const x = a[key][pg];
        const y = b[key][pg];
        if (x.length !== y.length) return `${key}[${pg}]: ${x.length} slots vs ${y.length}`;
        for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `${key}[${pg}][${i}]: ${x[i]} vs ${y[i]}`;
      }
    }
    return '';
  };

  it('equal the copied frame at every 7th pass and the last', () => {
    const steps = [...Array(run.stepCount).keys()].filter((k) => k % 7 === 0 || k === run.stepCount - 1);
    expect(steps.length).toBeGreaterThan(10);
    for (const k of steps) expect(diff(shown(run.frameAt(k)), copied(k)), `pass ${k}`).toBe('');
  });

  it('stay true after another pass was asked for, and share buffers instead of copying', () => {
    const a = run.frameAt(30);
    const before = copied(30);
    const b = run.frameAt(run.stepCount - 1);
    expect(b.requests.length).toBeGreaterThan(0);
    expect(diff(shown(a), before)).toBe('');
    expect(a.requests).toEqual(run.frameAt(30).requests);
    // Both frames read the same cursor buffers: moving between passes copies no slot array.
    expect(b.slotOwner[0]).toBe(a.slotOwner[0]);
  });
});
