/**
 * A sweep cell is computed cheaply (its runs reuse one thread's slot storage, footprints and pass
 * bounds are remembered across cells), and must come out exactly as through the plain path: each
 * configuration checked alone (`checkSubject` with no arena) and its workload run on fresh pools.
 * The cells are evaluated in grid order and again in reverse (so the shared storage both grows and
 * shrinks between runs), each against a subject built afresh (no shared plan).
 */
import { describe, expect, it } from 'vitest';
import { nonStaleBlocks } from '../../src/planner/lifecycle.ts';
import { PoolArena } from '../../src/sim/block-pool.ts';
import { scenarioConfig } from '../../src/sim/index.ts';
import { execute } from '../../src/sim/run.ts';
import type { RequestSpec } from '../../src/sim/types.ts';
import { resolveWorkload } from '../../src/sim/workload.ts';
import { computeBounds, footprintOf, requestFootprint } from '../../src/verdict/bounds.ts';
import { checkSubject } from '../../src/verdict/check.ts';
import { passLimit, shapesOf } from '../../src/verdict/search.ts';
import { maxPromptTokens, planSubject, presetSubject, type Subject, scenarioSubject, schedulerTokens, simConfigOf } from '../../src/verdict/subject.ts';
import { type CellResult, evaluateCell, type SweepAxis, sweepCells } from '../../src/verdict/sweep.ts';

const UNITS = 2_000_000;
const GiB = 2 ** 30;

/** The plain path: the verdict with no arena, the workload on pools of its own. */
function plainCell(s: Subject, workload: readonly RequestSpec[]): CellResult {
  const plan = planSubject(s);
  if (plan.error) return { verdict: 'refused', maxConcurrentDecodes: 0, tokensPerStep: 0, outcome: 'refused', slotCounts: [] };
  const res = execute(simConfigOf(s, plan, workload, passLimit(s, workload)), workload, false);
  return { verdict: checkSubject(s, { workUnits: UNITS }).verdict, maxConcurrentDecodes: res.stats.maxConcurrentDecodes, tokensPerStep: res.steps > 0 ? res.stats.tokensScheduled / res.steps : 0, outcome: res.outcome, slotCounts: [...plan.slotCounts] };
}

function compareGrid(base: () => Subject, x: SweepAxis, y: SweepAxis, workload: readonly RequestSpec[]): Set<string> {
  const fast = sweepCells(base(), x, y);
  const order = [...fast.keys(), ...[...fast.keys()].reverse()];
  const verdicts = new Set<string>();
  for (const i of order) {
    const plain = plainCell(sweepCells(base(), x, y)[i].subject, workload);
    expect(evaluateCell(fast[i].subject, workload, UNITS), `cell ${fast[i].x} x ${fast[i].y}`).toEqual(plain);
    verdicts.add(plain.verdict);
  }
  return verdicts;
}

describe('sweep cells: the cheap path gives the plain path\'s results', () => {
  it('#15401 quota x maxBatchSize (safe, unsafe and unknown cells)', () => {
    const workload = resolveWorkload(scenarioConfig('trtllm-15401').config.workload);
    const verdicts = compareGrid(() => scenarioSubject('trtllm-15401'), { knob: 'quota', values: [20 * GiB, 110 * GiB, 400 * GiB] }, { knob: 'max-batch-size', values: [4, 40, 80] }, workload);
    // The grid must exercise both a found counterexample and a certificate, or it proves little.
    expect(verdicts.has('unsafe')).toBe(true);
    expect(verdicts.has('safe') || verdicts.has('unknown')).toBe(true);
  }, 120_000);

  it('a preset under recompute preemption, tokens-per-block x maxBatchSize', () => {
    const workload = Array.from({ length: 24 }, (_, i) => ({ arrival: i % 3, prompt: 300 + 37 * i, output: 40 + 11 * i }));
    const base = () => ({ ...presetSubject('gemma-3-27b', { knobs: { maxSeqLen: 2048, quotaBytes: 2 * GiB } }), policy: 'vllm-recompute' });
    compareGrid(base, { knob: 'tokens-per-block', values: [16, 64] }, { knob: 'max-batch-size', values: [8, 48] }, workload);
  }, 120_000);

  it('the verdict itself (reason, counterexample, what was tried) does not depend on the arena', () => {
    const arena = new PoolArena();
    const cells = sweepCells(scenarioSubject('trtllm-15401'), { knob: 'quota', values: [400 * GiB, 20 * GiB, 66 * GiB] }, { knob: 'max-batch-size', values: [80, 4] });
    for (const c of cells) {
      const a = checkSubject(c.subject, { workUnits: UNITS, arena });
      const b = checkSubject(sweepCells(scenarioSubject('trtllm-15401'), { knob: 'quota', values: [c.x] }, { knob: 'max-batch-size', values: [c.y] })[0].subject, { workUnits: UNITS });
      expect([a.verdict, a.reason, a.search?.tried, a.counterexample?.requests, a.counterexample?.deadlock]).toEqual([b.verdict, b.reason, b.search?.tried, b.counterexample?.requests, b.counterexample?.deadlock]);
      // What a cell asks for ('kind': no findings, no crossing argument) decides the same way.
      const k = checkSubject(c.subject, { workUnits: UNITS, arena }, 'kind');
      expect([k.verdict, k.reason, k.certificate, k.search?.tried, k.counterexample?.requests]).toEqual([b.verdict, b.reason, b.certificate, b.search?.tried, b.counterexample?.requests]);
      expect([k.findings, k.crossing]).toEqual([[], null]);
    }
  }, 120_000);

  it('remembered footprints are the scan\'s, for every shape the search tries', () => {
    for (const s of [scenarioSubject('trtllm-15401'), scenarioSubject('straddle', { mode: 'issue-fix' }), presetSubject('gemma-3-27b', { knobs: { maxSeqLen: 4096 } })]) {
      const plan = planSubject(s);
      const reqs = [...shapesOf(s, plan), { prompt: maxPromptTokens(s), output: 1 }];
      for (const r of reqs) expect(footprintOf(s, plan, r)).toEqual(requestFootprint(s, plan, r));
    }
  }, 60_000);

  it('the worst pass for n holders is the brute-force maximum over chunk splits, for every n', () => {
    const subjects = [presetSubject('gemma-3-27b', { knobs: { maxSeqLen: 1200, maxNumTokens: 300, tokensPerBlock: 32 } }), scenarioSubject('straddle', { mode: 'issue-fix' })];
    let split = 0; // pool groups where one holder and several differ (else the test shows little)
    for (const s of subjects) {
      const plan = planSubject(s);
      const b = computeBounds(s, plan);
      const B = schedulerTokens(s);
      const P = maxPromptTokens(s);
      const tpb = plan.tokensPerBlock;
      expect(P * Math.min(B, P) * plan.lifeCycles.length).toBeLessThan(4e7); // brute force below: keep it small
      for (const g of b.poolGroups) {
        const lcs = plan.lifeCycles.filter((lc) => plan.lifeCyclePoolGroup[lc.id] === g.poolGroup);
        const D = g.decodeBlocksWorst;
        const fresh = (f: number) => lcs.reduce((a, lc) => a + (lc.kind === 'ssm' ? 1 : Math.ceil(f / tpb)), 0);
        // A continuation chunk of c tokens after p >= 1 prompt tokens, at every p it can start at.
        const contOf = (c: number) => lcs.reduce((a, lc) => {
          let m = Number.NEGATIVE_INFINITY;
          for (let p = 1; p + c <= P; p++) m = Math.max(m, nonStaleBlocks(lc, p + c, p, tpb));
          return a + m;
        }, 0);
        const contAt = Array.from({ length: Math.min(B, P - 1) + 1 }, (_, c) => (c === 0 ? 0 : contOf(c)));
        const cont = (c: number) => contAt[c];
        const best = (many: boolean) => {
          let extra = Math.max(0, fresh(Math.min(B, P)) - D);
          let chunk = 0;
          for (let c = 1; c <= Math.min(B, P - 1); c++) {
            const e1 = Math.max(0, cont(c) - D);
            const e2 = B - c >= 1 ? Math.max(0, fresh(Math.min(B - c, P)) - D) : 0;
            const v = many ? e1 + e2 : Math.max(e1, e2);
            if (v > extra) [extra, chunk] = [v, c];
          }
          return { extra, chunk };
        };
        const one = best(false);
        const many = best(true);
        if (one.extra !== many.extra || one.chunk !== many.chunk) split++;
        for (let n = 1; n <= s.knobs.maxBatchSize + 1; n++) {
          const e = n >= 2 ? many : one;
          expect(g.worstPass(n), `${g.name}, ${n} holders`).toEqual({ blocks: n * D + e.extra, extra: e.extra, chunk: e.chunk });
        }
      }
    }
    expect(split).toBeGreaterThan(0);
  }, 120_000);
});
