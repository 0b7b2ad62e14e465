import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planToJson } from '../../src/planner/json.ts';
import { parseScenario } from '../../src/planner/scenario.ts';
import { planScenario } from '../../src/planner/trtllm-v2.ts';

// Public golden cases computed by TensorRT-LLM's own sizing code (copied into test/fixtures/cases, see its README).
const casesPath = resolve(__dirname, '../fixtures/cases/trtllm-15401/dsv4-flash-fp8-40g.json');
const cases = JSON.parse(readFileSync(casesPath, 'utf8')).cases as { name: string; input: unknown; expected: Record<string, unknown> }[];

describe('trtllm-v2 planner: golden cases', () => {
  it('has the four public cases', () => {
    expect(cases.map((c) => c.name)).toHaveLength(4);
  });
  for (const c of cases) {
    it(`${c.name}: every expected field matches`, () => {
      const got = planToJson(planScenario(parseScenario(c.input))) as Record<string, unknown>;
      for (const [key, value] of Object.entries(c.expected)) {
        if (key === 'pool_groups') {
          const pgs = (got.pool_groups as Record<string, unknown>[]).map(({ name: _name, ...rest }) => rest);
          expect(pgs, key).toEqual(value);
        } else {
          expect(got[key], key).toEqual(value);
        }
      }
    });
  }
});
