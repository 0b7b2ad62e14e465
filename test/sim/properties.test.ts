/**
 * The invariants as properties over random plans, workloads and policies (fast-check):
 * per pool free + used + held = total at every pass; no slot has two owners; a finished request
 * holds nothing; a windowed life cycle never holds more than the stale-range rule allows; the
 * trace's frameAt(k) is exactly the live state of pass k; the same inputs give the same hash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LifeCycle } from '../../src/planner/lifecycle.ts';
import { normalizeConfig, traceHash } from '../../src/sim/index.ts';
import { execute, summarize, toTrace } from '../../src/sim/run.ts';
import type { PolicyName, RequestSpec } from '../../src/sim/types.ts';
import { invariantViolations, tinyPlan } from './helpers.ts';

const arbLifeCycle = (tpb: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ w: fc.option(fc.integer({ min: 1, max: 3 * tpb }), { nil: null, freq: 4 }), sinks: fc.integer({ min: 0, max: 2 }) }) },
    { weight: 1, arbitrary: fc.constant(null) },
  );

const arbCase = fc
  .record({
    tpb: fc.constantFrom(1, 2, 4, 8),
    nPools: fc.integer({ min: 1, max: 3 }),
    lcCount: fc.integer({ min: 1, max: 4 }),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .chain(({ tpb, nPools, lcCount, seed }) =>
    fc.record({
      tpb: fc.constant(tpb),
      lcs: fc.array(arbLifeCycle(tpb), { minLength: lcCount, maxLength: lcCount }),
      groupOf: fc.array(fc.integer({ min: 0, max: nPools - 1 }), { minLength: lcCount, maxLength: lcCount }),
      slots: fc.array(fc.integer({ min: 1, max: 24 }), { minLength: nPools, maxLength: nPools }),
      requests: fc.array(fc.record({ arrival: fc.integer({ min: 0, max: 8 }), prompt: fc.integer({ min: 1, max: 30 }), output: fc.integer({ min: 1, max: 20 }) }), { minLength: 1, maxLength: 10 }),
      policy: fc.constantFrom<PolicyName>('trtllm-v2', 'vllm-recompute', 'no-evict', 'vllm-v1', 'sglang'),
      enginePolicy: fc.record({ vllmAdmission: fc.constantFrom('full-isl' as const, 'single-bound' as const), sglangEviction: fc.constantFrom('full-lru' as const, 'bottleneck' as const), maxModelLen: fc.integer({ min: 1, max: 60 }) }),
      maxBatchSize: fc.integer({ min: 1, max: 6 }),
      maxNumTokens: fc.integer({ min: 1, max: 40 }),
      recomputePause: fc.boolean(),
      maxUtilForResume: fc.constantFrom(0.5, 0.95, 1),
      draftTokens: fc.integer({ min: 0, max: 2 }),
      seed: fc.constant(seed),
    }),
  )
  .map((c) => {
    // Pool groups in order of first use, so every group has a life cycle.
    const used = [...new Set(c.groupOf)];
    const lifeCycles: LifeCycle[] = c.lcs.map((l, id) => (l === null ? { id, kind: 'ssm' } : { id, kind: 'attn', windowTokens: l.w, sinkBlocks: l.w === null ? 0 : l.sinks }));
    const plan = tinyPlan({ tokensPerBlock: c.tpb, lifeCycles, lifeCyclePoolGroup: c.groupOf.map((g) => used.indexOf(g)), slotCounts: used.map((g) => c.slots[g]) });
    return { ...c, plan };
  });

type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

function configOf(c: Case) {
  // A budget below one decode (1 + draft) is rejected by the config check, so lift it there.
  return normalizeConfig({ ...c, maxNumTokens: Math.max(c.maxNumTokens, 1 + c.draftTokens), workload: c.requests, stallLimit: 25, maxSteps: 3000, suggestFloor: 'analytic' });
}

/** Live snapshots of every pass: slot owners and per-request (state, history, capacity). */
function runWithSnapshots(c: Case) {
  const cfg = configOf(c);
  const snaps: { owners: number[][]; blocks: number[][]; reqs: string[] }[] = [];
  const bad: string[] = [];
  const res = execute(cfg, c.requests as RequestSpec[], true, (s) => {
    bad.push(...invariantViolations(s).map((v) => `pass ${s.step}: ${v}`));
    snaps[s.step] = {
      owners: s.pools.map((p) => p.owners().requests),
      blocks: s.pools.map((p) => p.owners().blocks),
      reqs: s.requests.map((r) => `${r.state}/${r.kv?.history ?? 0}/${r.kv?.capacity ?? 0}`),
    };
  });
  const trace = toTrace(summarize(cfg, res, c.requests.length, null), res);
  return { res, trace, snaps, bad };
}

describe('simulator invariants (fast-check)', () => {
  it('pool accounting, single ownership, finished hold nothing, stale-range bound: every pass', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const { bad, res } = runWithSnapshots(c);
        expect(bad).toEqual([]);
        for (const r of res.state.requests) if (r.state === 'finished') expect(r.kv).toBeNull();
        if (res.outcome === 'completed') for (const p of res.state.pools) expect(p.free).toBe(p.total);
      }),
      { numRuns: 150, seed: 20260601 },
    );
    // five policies x many runs: a generous bound for a loaded shared machine (not a speed check)
  }, 60_000);

  it('frameAt(k) equals the live state of pass k, in any access order', () => {
    fc.assert(
      fc.property(arbCase, fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), (c, picks) => {
        const { trace, snaps } = runWithSnapshots(c);
        for (const p of picks) {
          const k = p % trace.steps;
          const snap = snaps[k];
          if (!snap) continue; // a pass recorded as a copy of a stalled one: checked below
          const f = trace.frameAt(k);
          f.pools.forEach((pf, pg) => {
            expect(Array.from(pf.ownerRequest)).toEqual(snap.owners[pg]);
            expect(Array.from(pf.ownerBlock)).toEqual(snap.blocks[pg]);
            expect(pf.used + pf.heldSuspended + pf.free).toBe(pf.total);
            expect([pf.used, pf.heldSuspended, pf.free]).toEqual([trace.columns[pg].used[k], trace.columns[pg].heldSuspended[k], trace.columns[pg].free[k]]);
          });
          expect(f.requests.map((r) => `${r.state}/${r.history}/${r.capacity}`)).toEqual(snap.reqs);
          // Block tables point at slots the frame says the request owns.
          for (const r of f.requests)
            r.blockTables.forEach((lcs, pg) => {
              for (const t of lcs) t.slots.forEach((slot, b) => slot >= 0 && expect([f.pools[pg].ownerRequest[slot], f.pools[pg].ownerBlock[slot], f.pools[pg].ownerLifeCycle[slot]]).toEqual([r.id, b, t.lifeCycleId]));
            });
        }
        // Copied (provably identical) passes reproduce the last executed one.
        const last = snaps.length - 1;
        if (trace.steps - 1 > last) expect(Array.from(trace.frameAt(trace.steps - 1).pools[0].ownerRequest)).toEqual(snaps[last].owners[0]);
      }),
      { numRuns: 80, seed: 7 },
    );
    // five policies x many runs: a generous bound for a loaded shared machine (not a speed check)
  }, 60_000);

  it('same inputs give the same trace hash; a different workload gives another', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const a = runWithSnapshots(c).trace;
        const b = runWithSnapshots(c).trace;
        expect(traceHash(a)).toBe(traceHash(b));
        const c2 = { ...c, requests: [...c.requests, { arrival: 0, prompt: 7, output: 3 }] };
        const d = runWithSnapshots(c2).trace;
        if (d.steps !== a.steps || d.summary.tokensScheduled !== a.summary.tokensScheduled) expect(traceHash(d)).not.toBe(traceHash(a));
      }),
      { numRuns: 40, seed: 11 },
    );
    // five policies x many runs: a generous bound for a loaded shared machine (not a speed check)
  }, 60_000);
});
