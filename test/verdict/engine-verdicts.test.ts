/**
 * The vLLM and SGLang scenarios under their own schedulers: the as-shipped ones are unsafe with a
 * one-request counterexample that deadlocks when replayed the way `kvpool simulate --scenario ...
 * --trace` does; the fixed ones are certified, with the numbers the certificate rests on.
 */
import { describe, expect, it } from 'vitest';
import { runSimulation, scenarioConfig } from '../../src/sim/index.ts';
import { checkSubject } from '../../src/verdict/check.ts';
import { listFixes } from '../../src/verdict/fixes.ts';
import { replay } from '../../src/verdict/search.ts';
import { planSubject, scenarioSubject } from '../../src/verdict/subject.ts';

describe('engine verdicts (vLLM #39734, SGLang #29662)', () => {
  it('as shipped: unsafe, one request, deadlocks on the scenario replay; the engine fix and a bigger quota are verified', () => {
    for (const [name, pool, fixFlag] of [
      ['vllm-39734', 'shared', '--vllm-admission'],
      ['sglang-29662', 'SWA', '--sglang-eviction'],
    ] as const) {
      const v = checkSubject(scenarioSubject(name));
      expect(v.verdict, name).toBe('unsafe');
      const cx = v.counterexample!;
      expect(cx.requests).toHaveLength(1);
      expect(v.plan.poolGroups[cx.deadlock.poolGroup].name).toBe(pool);
      const run = runSimulation(scenarioConfig(name, { workload: cx.requests }).config);
      expect(run.summary.outcome, name).toBe('deadlock');
      const fixes = listFixes(v.subject, cx);
      // The engine's own fix is free and ranks first; a bigger quota (the scenario re-sized by its engine) also works.
      expect(fixes[0].flags[0], name).toBe(fixFlag);
      expect(fixes.some((f) => f.axis === 'quota'), name).toBe(true);
      for (const f of fixes) {
        expect(f.verified, `${name} ${f.label}`).toBe(true);
        expect(replay(f.subject, planSubject(f.subject), cx.requests).outcome, `${name} ${f.label}`).toBe('completed');
      }
      const bigger = fixes.find((f) => f.axis === 'quota')!;
      expect(planSubject(bigger.subject).slotCounts[cx.deadlock.poolGroup]).toBeGreaterThan(v.plan.slotCounts[cx.deadlock.poolGroup]);
    }
  }, 60_000);

  it('fixed: certified safe with the counts the simulator allocates with', () => {
    const vllm = checkSubject(scenarioSubject('vllm-39734-fixed'));
    expect(vllm.verdict).toBe('safe');
    // 5 sliding groups clamped to the startup bound cdiv(1023 + 8192, 16) + 1 = 577, one full group of 131072 / 16.
    expect(vllm.certificate!.poolGroups[0]).toMatchObject({ slots: 11468, needed: 5 * 577 + 8192, holds: true });
    const sgl = checkSubject(scenarioSubject('sglang-29662-fixed'));
    expect(sgl.verdict).toBe('safe');
    // Requests are capped at max_req_len = FULL tokens - 1 = 19999; SWA holds the window plus a chunk.
    expect(sgl.subject.knobs.maxSeqLen).toBe(19_999);
    expect(sgl.certificate!.poolGroups.map((g) => [g.name, g.slots, g.holds])).toEqual([
      ['FULL', 1250, true],
      ['SWA', 1000, true],
    ]);
    // As shipped, the same SWA pool must hold the whole history: 1250 pages of 1000.
    expect(checkSubject(scenarioSubject('sglang-29662'), { workUnits: 1 }).certificate!.poolGroups[1]).toMatchObject({ needed: 1250, holds: false });
  }, 60_000);
});
