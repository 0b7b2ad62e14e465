import { describe, expect, it } from 'vitest';
import { planToJson } from '../../src/planner/json.ts';
import { parseScenario } from '../../src/planner/scenario.ts';
import { RULES_MAIN } from '../../src/planner/trtllm-rules.ts';
import { planScenario } from '../../src/planner/trtllm-v2.ts';
import { fround, mainCases } from './helpers.ts';

describe('trtllm-v2@main planner: golden cases', () => {
  it('has the three public cases, one an error', () => {
    expect(mainCases).toHaveLength(3);
    expect(mainCases.filter((c) => c.expected.error !== null)).toHaveLength(1);
  });
  for (const c of mainCases) {
    it(`${c.name}: every expected field matches`, () => {
      const got = planToJson(planScenario(parseScenario(c.input), RULES_MAIN)) as Record<string, unknown>;
      for (const [key, value] of Object.entries(c.expected)) {
        const mine = key === 'pool_groups' ? (got.pool_groups as Record<string, unknown>[]).map(({ name: _n, ...rest }) => rest) : got[key];
        expect(fround(mine), key).toEqual(fround(value));
      }
    });
  }
});
