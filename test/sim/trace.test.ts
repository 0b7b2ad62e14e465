/** Trace indexing: keyframes + replay give the live state; frames are values; exports agree. */
import { describe, expect, it } from 'vitest';
import { normalizeConfig, runSimulation, traceToCsv, traceToJson } from '../../src/sim/index.ts';
import { execute, summarize, toTrace } from '../../src/sim/run.ts';
import { tinyPlan, win } from './helpers.ts';

// tpb 1, window 3: every decode allocates one block and frees one, so deltas pile up quickly.
const plan = tinyPlan({ tokensPerBlock: 1, lifeCycles: [win(0, 3), win(1, null)], lifeCyclePoolGroup: [0, 1], slotCounts: [200, 900] });
const requests = Array.from({ length: 40 }, (_, i) => ({ arrival: i % 7, prompt: 3 + (i % 5), output: 5 + ((i * 7) % 23) }));

describe('trace indexing', () => {
  it('many keyframes; frameAt at every pass, backwards and forwards, equals the live state', () => {
    const cfg = normalizeConfig({ plan, workload: requests, maxBatchSize: 16, maxNumTokens: 64 });
    const live: string[] = [];
    const res = execute(cfg, requests, true, (s) => {
      live[s.step] = JSON.stringify([s.pools.map((p) => p.owners().requests), s.requests.map((r) => [r.state, r.kv?.history ?? 0, r.kv?.capacity ?? 0])]);
    });
    const trace = toTrace(summarize(cfg, res, requests.length, null), res);
    expect(trace.summary.outcome).toBe('completed');
    expect(trace.rec.keyframes.length).toBeGreaterThan(1);
    const view = (k: number) => {
      const f = trace.frameAt(k);
      return JSON.stringify([f.pools.map((p) => Array.from(p.ownerRequest)), f.requests.map((r) => [r.state, r.history, r.capacity])]);
    };
    const order = [...Array(trace.steps).keys()];
    for (const k of [...order].reverse()) expect(view(k)).toBe(live[k]);
    for (const k of order) expect(view(k)).toBe(live[k]);
  });

  it('frames are values: mutating one does not leak into the next', () => {
    const t = runSimulation({ plan, workload: requests, maxBatchSize: 16, maxNumTokens: 64 });
    const a = t.frameAt(10);
    a.pools[0].ownerRequest.fill(99);
    a.requests[0].blockTables[0][0].slots.fill(99);
    const b = t.frameAt(10);
    expect(b.pools[0].ownerRequest.includes(99)).toBe(false);
    expect(t.frameAt(11).pools[0].ownerRequest.includes(99)).toBe(false);
    // Out-of-range steps clamp to the run.
    expect(t.frameAt(-5).step).toBe(0);
    expect(t.frameAt(1e9).step).toBe(t.steps - 1);
  });

  it('events per pass, JSON and CSV exports agree with the columns', () => {
    const t = runSimulation({ plan, workload: requests, maxBatchSize: 16, maxNumTokens: 64 });
    const all = t.events;
    expect(all.filter((e) => e.kind === 'admit').length).toBe(40);
    expect(all.filter((e) => e.kind === 'finish').length).toBe(40);
    for (const k of [0, 5, t.steps - 1]) expect(t.eventsAt(k)).toEqual(all.filter((e) => e.step === k));
    const j = JSON.parse(traceToJson(t));
    expect(j.summary.outcome).toBe('completed');
    expect(j.pools[1].used.length).toBe(t.steps);
    expect(j.pools[1].free[t.steps - 1]).toBe(900);
    const csv = traceToCsv(t).trim().split('\n');
    expect(csv.length).toBe(t.steps + 1);
    const row5 = csv[6].split(',');
    expect(Number(row5[1])).toBe(t.columns[0].used[5]);
    expect(Number(row5[6])).toBe(t.columns[1].free[5]);
  });
});
