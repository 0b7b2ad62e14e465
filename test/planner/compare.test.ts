import { describe, expect, it } from 'vitest';
import { getPreset } from '../../src/model/presets.ts';
import type { ConstraintMode } from '../../src/planner/build.ts';
import { comparableFields } from '../../src/planner/compare.ts';
import { type Comparison, compareEngines, type ModelKnobs, scenarioForModel } from '../../src/planner/index.ts';
import { parseScenario } from '../../src/planner/scenario.ts';
import { RULES_MAIN, type TrtRuleId, withoutRule } from '../../src/planner/trtllm-rules.ts';
import { planScenario } from '../../src/planner/trtllm-v2.ts';
import { issue15401Knobs, mainCases } from './helpers.ts';

const flash = getPreset('deepseek-v4-flash');

function comparePreset(k: ModelKnobs): { cmp: Comparison; rebuild: (m: ConstraintMode) => ReturnType<typeof scenarioForModel> } {
  const rebuild = (m: ConstraintMode) => scenarioForModel(flash, k, m);
  const cmp = compareEngines({ engine: 'trtllm-v2@15401', scenario: rebuild('as-shipped'), mode: 'as-shipped' }, { engine: 'trtllm-v2@main', scenario: rebuild('main'), mode: 'main' }, { rebuild });
  return { cmp, rebuild };
}

/** Re-plan @main with `rules` switched off (the wrapper rule: the @15401 mode) and read `field`. */
function withRulesOff(rebuild: (m: ConstraintMode) => ReturnType<typeof scenarioForModel>, rules: readonly TrtRuleId[], field: string): unknown {
  let set = RULES_MAIN;
  for (const r of rules) if (r !== 'wrapper-main') set = withoutRule(set, r);
  const scenario = rebuild(rules.includes('wrapper-main') ? 'as-shipped' : 'main');
  return comparableFields(planScenario(scenario, set)).get(field);
}

describe('compareEngines: every moved number, with the rule that moved it', () => {
  it('#15401 under main: floors [1, 539, 1] -> [2, 2, 2], pool-group order, float32 ratios; STATE slot count unchanged', () => {
    const { cmp } = comparePreset(issue15401Knobs({ poolRatio: [0.01, 0.98, 0.01] }));
    const byField = new Map(cmp.diff.map((d) => [d.field, d]));
    expect(byField.get('min_slots[STATE]')).toMatchObject({ from: 1, to: 2, rule: 'structural-floor', rules: ['structural-floor'] });
    expect(byField.get('min_slots[STATE]')?.text).toContain('window 8 at tpb 256 spans up to 2 blocks (PR #15588');
    expect(byField.get('min_slots[SWA]')).toMatchObject({ from: 1, to: 2, rule: 'structural-floor' });
    expect(byField.get('min_slots[COMPRESS]')).toMatchObject({ from: 539, to: 2, rules: ['resume-headroom', 'wrapper-main'] });
    expect(byField.get('pool_group_order')).toMatchObject({ from: 'SWA, COMPRESS, STATE', to: 'COMPRESS, SWA, STATE', rule: 'pool-group-order' });
    expect(byField.get('initial_ratio[STATE]')?.rule).toBe('float32-ratio');
    expect(byField.has('slot_counts[STATE]')).toBe(false); // still 7: the deadlock shape survives
    expect(cmp.engines[1].slot_counts).toEqual([47473, 16, 7]);
  });

  it('switching off the named rule(s) restores the old number, for every diff of several configurations', () => {
    const configs = [issue15401Knobs({ poolRatio: [0.01, 0.98, 0.01] }), issue15401Knobs(), issue15401Knobs({ maxNumTokens: 8192, avgSeqLen: 4096 }), issue15401Knobs({ draftTokens: 1, numExtraKvTokens: 1, maxNumTokens: 2048 })];
    let checked = 0;
    for (const k of configs) {
      const { cmp, rebuild } = comparePreset(k);
      for (const d of cmp.diff) {
        if (d.rules.length === 0) continue;
        expect(withRulesOff(rebuild, d.rules, d.field), `${d.field} with ${d.rules.join('+')} off`).toEqual(d.from);
        // and no smaller set does: a single named rule is the smallest by construction; a pair is not a single.
        if (d.rules.length > 1) for (const r of d.rules) expect(withRulesOff(rebuild, [r], d.field)).not.toEqual(d.from);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('a scenario file (same batches): resume headroom moves COMPRESS 539 -> 568; no wrapper rule is named', () => {
    const scenario = parseScenario(mainCases[0].input);
    const cmp = compareEngines({ engine: 'trtllm-v2@15401', scenario, mode: null }, { engine: 'trtllm-v2@main', scenario, mode: null });
    const compress = cmp.diff.find((d) => d.field === 'min_slots[COMPRESS]');
    expect(compress).toMatchObject({ from: 539, to: 568, rule: 'resume-headroom' });
    expect(compress?.text).toContain('ceil(539 / 0.95) = 568');
    expect(cmp.diff.some((d) => d.rules.includes('wrapper-main'))).toBe(false);
    expect(planScenario(scenario, withoutRule(RULES_MAIN, 'resume-headroom')).minSlots[0]).toBe(539);
  });

  it('the order of the two engines does not change the attribution', () => {
    const scenario = parseScenario(mainCases[0].input);
    const ab = compareEngines({ engine: 'trtllm-v2@15401', scenario, mode: null }, { engine: 'trtllm-v2@main', scenario, mode: null });
    const ba = compareEngines({ engine: 'trtllm-v2@main', scenario, mode: null }, { engine: 'trtllm-v2@15401', scenario, mode: null });
    const rows = (c: Comparison, flip: boolean) => c.diff.map((d) => JSON.stringify([d.field, flip ? d.to : d.from, flip ? d.from : d.to, d.rules])).sort();
    expect(rows(ba, true)).toEqual(rows(ab, false));
  });

  it('a ratio that fits one version only: the other plan carries that engine\'s refusal', () => {
    const scenario = { ...parseScenario(mainCases[0].input), initial_pool_ratio: [0.5, 0.25, 0.26] };
    const cmp = compareEngines({ engine: 'trtllm-v2@15401', scenario, mode: null }, { engine: 'trtllm-v2@main', scenario, mode: null });
    expect(cmp.engines[0].error).toBeNull();
    expect(cmp.engines[1].error).toEqual({ type: 'std::invalid_argument', message: 'initial_pool_ratio values must sum to 1.0' });
    expect(cmp.diff.find((d) => d.field === 'error')?.rule).toBe('per-life-cycle-ratio');
  });
});
