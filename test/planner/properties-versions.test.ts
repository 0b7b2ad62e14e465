/** Invariants across the two TensorRT-LLM V2 versions on random layouts (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULES_15401, RULES_MAIN } from '../../src/planner/trtllm-rules.ts';
import { planScenario } from '../../src/planner/trtllm-v2.ts';
import type { Plan } from '../../src/planner/types.ts';
import { arbScenarioFields, scenarioOf } from './arbitraries.ts';

/** One scenario for both versions: the same typical step and constraints, a resume gate <= 1. */
const arbCase = fc.record({
  scenario: fc.record(arbScenarioFields).map(scenarioOf),
  mu: fc.double({ min: 0.05, max: 1, noNaN: true }),
});

/** min_slots keyed by slot_size_list (the two versions order pool groups differently). */
function floorsBySizes(p: Plan): Map<string, number> {
  return new Map(p.poolGroups.map((g, pg) => [`${g.slotSizeList.join(',')}|${g.lifeCycleIds.join(',')}`, p.minSlots[pg]]));
}

function checkSized(p: Plan): void {
  expect(p.error).toBeNull();
  p.slotCounts.forEach((n, pg) => expect(n, `pool group ${pg}`).toBeGreaterThanOrEqual(p.minSlots[pg]));
  expect(p.bytesPerPoolGroup.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(p.effectiveQuotaBytes);
}

describe('trtllm-v2@15401 vs trtllm-v2@main over random layouts', () => {
  it('with the same typical step and constraints and max_util_for_resume <= 1, @main floors are never below @15401 floors', () => {
    fc.assert(
      fc.property(arbCase, ({ scenario, mu }) => {
        const old = floorsBySizes(planScenario(scenario, RULES_15401));
        const now = floorsBySizes(planScenario(scenario, RULES_MAIN, { maxUtilForResume: mu }));
        expect([...now.keys()].sort()).toEqual([...old.keys()].sort());
        for (const [k, floor] of old) expect(now.get(k), k).toBeGreaterThanOrEqual(floor);
      }),
      { numRuns: 300, seed: 8 },
    );
  });
  it('in both versions slot counts never fall below min_slots and the bytes stay within the effective quota', () => {
    fc.assert(
      fc.property(arbCase, ({ scenario, mu }) => {
        checkSized(planScenario(scenario, RULES_15401));
        checkSized(planScenario(scenario, RULES_MAIN, { maxUtilForResume: mu }));
      }),
      { numRuns: 300, seed: 9 },
    );
  });
  it('@main with a per-life-cycle initial_pool_ratio (normalised to 1): the same invariants', () => {
    const arb = fc.record({ c: arbCase, weights: fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }) });
    fc.assert(
      fc.property(arb, ({ c, weights }) => {
        const nLc = planScenario(c.scenario, RULES_MAIN).lifeCycles.length;
        const w = weights.slice(0, nLc);
        const total = w.reduce((a, b) => a + b, 0);
        const p = planScenario({ ...c.scenario, initial_pool_ratio: w.map((x) => x / total) }, RULES_MAIN, { maxUtilForResume: c.mu });
        expect(p.ratioSource).toBe('initial_pool_ratio');
        checkSized(p);
      }),
      { numRuns: 200, seed: 10 },
    );
  });
});
