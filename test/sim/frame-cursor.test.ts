/**
 * FrameCursor: frames whose slot arrays are views into the cursor's own buffers (no copy per
 * frame) hold exactly what a copied frame holds, at every pass, in any order of seeking.
 */
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../src/sim/index.ts';
import { execute, summarize, toTrace } from '../../src/sim/run.ts';
import { SLOT_FREE, SLOT_RUNNING, SLOT_SUSPENDED } from '../../src/sim/types.ts';
import { tinyPlan, win } from './helpers.ts';

// tpb 1, window 3: every decode allocates one block and frees one, so there are many keyframes;
// a small first pool makes requests suspend (held-suspended slots).
const plan = tinyPlan({ tokensPerBlock: 1, lifeCycles: [win(0, 3), win(1, null)], lifeCyclePoolGroup: [0, 1], slotCounts: [30, 150] });
const requests = Array.from({ length: 40 }, (_, i) => ({ arrival: i % 7, prompt: 3 + (i % 5), output: 5 + ((i * 7) % 23) }));

function recorded() {
  const cfg = normalizeConfig({ plan, workload: requests, maxBatchSize: 16, maxNumTokens: 64 });
  const live: { owners: number[][]; blocks: number[][]; states: string[] }[] = [];
  const res = execute(cfg, requests, true, (s) => {
    live[s.step] = { owners: s.pools.map((p) => p.owners().requests), blocks: s.pools.map((p) => p.owners().blocks), states: s.requests.map((r) => r.state) };
  });
  return { trace: toTrace(summarize(cfg, res, requests.length, null), res), live };
}

describe('FrameCursor', () => {
  const { trace, live } = recorded();
  const steps = [...Array(trace.steps).keys()];
  // Backwards, forwards, and jumps (a fixed LCG): every seek path (forward deltas, keyframe restart).
  let x = 7;
  const jumps = Array.from({ length: 200 }, () => (x = (x * 1103515245 + 12345) % 2 ** 31) % trace.steps);

  it('has many keyframes and suspended requests to show', () => {
    expect(trace.rec.keyframes.length).toBeGreaterThan(2);
    expect(live.some((l) => l.states.includes('suspended'))).toBe(true);
  });

  it('pools at every pass equal the live state and the copied frame, in any seek order', () => {
    const cursor = trace.frameCursor();
    let suspendedSlots = 0;
    for (const k of [...steps].reverse().concat(steps, jumps)) {
      const pools = cursor.poolsAt(k);
      const copy = trace.frameAt(k);
      pools.forEach((p, pg) => {
        expect(Array.from(p.ownerRequest), `pass ${k}`).toEqual(live[k].owners[pg]);
        expect(Array.from(p.ownerBlock), `pass ${k}`).toEqual(live[k].blocks[pg]);
        const want = live[k].owners[pg].map((r) => (r < 0 ? SLOT_FREE : live[k].states[r] === 'suspended' ? SLOT_SUSPENDED : SLOT_RUNNING));
        expect(Array.from(p.slotState), `pass ${k}`).toEqual(want);
        suspendedSlots += want.filter((s) => s === SLOT_SUSPENDED).length;
        const c = copy.pools[pg];
        expect([p.used, p.heldSuspended, p.free, p.total]).toEqual([c.used, c.heldSuspended, c.free, c.total]);
        expect(p.used).toBe(trace.columns[pg].used[k]);
        expect(p.heldSuspended).toBe(trace.columns[pg].heldSuspended[k]);
        expect(p.ownerLifeCycle).toEqual(c.ownerLifeCycle);
      });
    }
    expect(suspendedSlots).toBeGreaterThan(0);
  });

  it('whole frames (requests, block tables, events) equal the copied frame', () => {
    const cursor = trace.frameCursor();
    for (const k of jumps.slice(0, 60)) {
      const f = cursor.frameAt(k);
      const c = trace.frameAt(k);
      expect(f.step).toBe(c.step);
      expect(f.requests).toEqual(c.requests);
      expect(f.events).toEqual(c.events);
      expect(f.pools.map((p) => [p.ownerRequest, p.slotState])).toEqual(c.pools.map((p) => [p.ownerRequest, p.slotState]));
    }
  });

  it('are views (the same buffers every pass, no copy); trace.frameAt stays a value', () => {
    const cursor = trace.frameCursor();
    const a = cursor.poolsAt(3)[0];
    const b = cursor.poolsAt(40)[0];
    expect(b.ownerRequest).toBe(a.ownerRequest);
    expect(b.slotState).toBe(a.slotState);
    expect(cursor.poolsAt(40)).toBe(cursor.poolsAt(40));
    expect(trace.frameAt(40).pools[0].ownerRequest).not.toBe(trace.frameAt(40).pools[0].ownerRequest);
    // Out-of-range passes clamp, as frameAt does.
    expect(cursor.frameAt(-5).step).toBe(0);
    expect(cursor.frameAt(1e9).step).toBe(trace.steps - 1);
  });
});
