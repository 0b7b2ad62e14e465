/** Small hand-checked runs of each policy (tpb 4, window 4): what the rules say, pass by pass. */
import { describe, expect, it } from 'vitest';
import { normalizeConfig, runSimulation } from '../../src/sim/index.ts';
import { execute } from '../../src/sim/run.ts';
import type { PolicyName } from '../../src/sim/types.ts';
import { invariantViolations, tinyPlan, win } from './helpers.ts';

// Two requests, prompt 3, output 4: prefill (3,0) takes blk0; the decode at h = 4 (capacity 5)
// enters blk1 while the window [1,4] still touches blk0: |blk0|blk1| -> 2 blocks each.
const plan = (slots: number) => tinyPlan({ tokensPerBlock: 4, lifeCycles: [win(0, 4)], lifeCyclePoolGroup: [0], slotCounts: [slots] });
const two = [
  { arrival: 0, prompt: 3, output: 4 },
  { arrival: 0, prompt: 3, output: 4 },
];
const run = (slots: number, policy: PolicyName, extra = {}) => runSimulation({ plan: plan(slots), policy, workload: two, maxBatchSize: 4, maxNumTokens: 16, stallLimit: 20, ...extra });

describe('trtllm-v2', () => {
  it('2 slots: both cross blk0|blk1 together; suspending frees nothing; deadlock named with its cause', () => {
    const t = run(2, 'trtllm-v2');
    const s = t.summary;
    expect(s.outcome).toBe('deadlock');
    expect(s.completedRequests).toBe(0);
    // pass 0: both prefill; pass 1: both decode at h = 3 (capacity 4, still blk0);
    // pass 2: request 0 needs blk1, none free -> suspend request 1 (tail), retry, self-suspend.
    expect(t.eventsAt(2).map((e) => `${e.kind}:${e.request}`)).toEqual(['suspend:1', 'suspend:0', 'stall:-1']);
    expect(s.deadlock).toMatchObject({ poolGroup: 0, request: 0, neededSlots: 1, freeSlots: 0, heldByRunning: 0, heldBySuspended: 2, slotsHeldBySuspended: 2, firstStalledStep: 2, stalledPasses: 20, cause: 'allocation' });
    // Two stalled passes are executed; the third would be identical, so 18 are recorded as copies.
    expect(s.deadlock!.executedStalledPasses).toBe(2);
    expect(s.steps).toBe(22);
    expect(t.columns[0].heldSuspended[21]).toBe(2);
    // 3 slots is the smallest pool that lets both finish (one straddles while the other waits).
    expect(s.deadlock!.suggestedMinSlots).toBe(3);
    expect(s.deadlock!.suggestedBy).toBe('bisect');
  });

  it('3 slots: request 1 waits suspended until request 0 finishes, then both finish', () => {
    const t = run(3, 'trtllm-v2');
    expect(t.summary.outcome).toBe('completed');
    expect(t.summary.completedRequests).toBe(2);
    const kinds = t.events.map((e) => `${e.kind}:${e.request}`);
    // Request 0 takes the third slot for blk1 and finishes (h = 5) before its window leaves blk0.
    expect(kinds.slice(0, 5)).toEqual(['admit:0', 'admit:1', 'suspend:1', 'finish:0', 'resume:1']);
  });

  it('recompute-pause tears the victim down instead, and it re-prefills later', () => {
    const t = run(2, 'trtllm-v2', { recomputePause: true });
    expect(t.summary.outcome).toBe('completed');
    // The ladder in order: suspend the tail (frees nothing here), then tear it down, then retry.
    expect(t.eventsAt(2).map((e) => `${e.kind}:${e.request}`)).toEqual(['suspend:1', 'preempt:1']);
    expect(t.frameAt(2).requests[1]).toMatchObject({ state: 'waiting', history: 0, capacity: 0 });
    expect(t.summary.completedRequests).toBe(2);
  });
});

describe('vllm-recompute and no-evict', () => {
  it('vllm-recompute preempts the newest running request and requeues it at the front', () => {
    const t = run(2, 'vllm-recompute');
    expect(t.summary.outcome).toBe('completed');
    expect(t.events.filter((e) => e.kind === 'preempt').map((e) => e.request)).toEqual([1]);
  });

  it('no-evict admits only what fits at worst case: one request at a time in 2 slots', () => {
    const t = run(2, 'no-evict');
    expect(t.summary.outcome).toBe('completed');
    expect(t.summary.maxConcurrentHolders).toBe(1);
    expect(t.summary.suspensions + t.summary.preemptions).toBe(0);
  });

  it('no-evict reports a request that can never fit as a deadlock rather than spinning', () => {
    const t = runSimulation({ plan: plan(1), policy: 'no-evict', workload: [{ arrival: 0, prompt: 9, output: 2 }], stallLimit: 10 });
    expect(t.summary.outcome).toBe('deadlock');
    expect(t.summary.deadlock).toMatchObject({ poolGroup: 0, neededSlots: 3, freeSlots: 1 });
  });
});

describe('live invariants on the hand cases', () => {
  for (const policy of ['trtllm-v2', 'vllm-recompute', 'no-evict'] as const) {
    it(`${policy}: every pass keeps the pool accounting exact`, () => {
      const cfg = normalizeConfig({ plan: plan(3), policy, workload: two, maxBatchSize: 4, maxNumTokens: 16, stallLimit: 20 });
      const bad: string[] = [];
      execute(cfg, two, false, (s) => bad.push(...invariantViolations(s)));
      expect(bad).toEqual([]);
    });
  }
});

describe('configuration errors name the field', () => {
  it('rejects what could never run', () => {
    expect(() => runSimulation({ plan: plan(2), workload: two, maxNumTokens: 2, draftTokens: 2 })).toThrow(/maxNumTokens: got 2; expected an integer >= 3/);
    expect(() => runSimulation({ plan: plan(2), workload: two, policy: 'fifo' as never })).toThrow(/policy: got "fifo"/);
    expect(() => runSimulation({ plan: plan(2), workload: [{ arrival: 0, prompt: 0, output: 1 }] })).toThrow(/workload\[0\]\.prompt: got 0/);
    expect(() => runSimulation({ plan: plan(2), workload: two, maxUtilForResume: 1.5 })).toThrow(/maxUtilForResume/);
  });
});
