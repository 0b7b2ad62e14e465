/**
 * Compare with another engine: the right side's state (the same configuration and workload under
 * another registry engine, as the picker would make it) and what moved the numbers. Two
 * TensorRT-LLM V2 versions get the computed rule attribution of compareEngines (each rule switched
 * off alone restores the older number); two engine families cannot be attributed to a rule (their
 * pools differ in kind), and the page says so instead of inventing one.
 */
import { compareEngines } from '../../planner/compare.ts';
import { getEngine } from '../../planner/engines/registry.ts';
import { isTrtllmSizer } from '../../planner/engines/trtllm.ts';
import type { Plan } from '../../planner/types.ts';
import type { CompareAttribution } from '../model.ts';
import { knobsFor } from '../state/knobs.ts';
import { engineDefaults, type UiState } from '../state/params.ts';
import { engineKnobValues } from './engine-plan.ts';
import type { CustomModel } from './plan.ts';
import { scenarioOfState } from './run.ts';

/** The left side's configuration under the compare engine: its policy, its own knobs, and for a preset its default mode. */
export function compareRightState(p: UiState): UiState {
  const own = engineDefaults(p.compareEngine, p.scenario === 'custom');
  return { ...p, engine: p.compareEngine, policy: own.policy ?? p.policy, mode: own.mode ?? p.mode, knobs: knobsFor(p.compareEngine, p.knobs) };
}

export const familyOf = (id: string): string => id.split('@')[0];

/** What moved each number from the left plan to the right one (computed), or why that cannot be said. */
export function compareAttribution(left: UiState, right: UiState, plans: { left: Plan; right: Plan }, custom: CustomModel | null): CompareAttribution {
  const a = getEngine(left.engine);
  const b = getEngine(right.engine);
  if (!isTrtllmSizer(a) || !isTrtllmSizer(b)) {
    return {
      lines: [],
      note: `${a.id} and ${b.id} are ${familyOf(a.id) === familyOf(b.id) ? 'versions without version rules' : 'different engine families'}: their pools differ in kind (${plans.left.poolGroups.map((g) => g.name).join(', ')} vs ${plans.right.poolGroups.map((g) => g.name).join(', ')}), so a difference cannot be attributed to a rule. Compare the numbers side by side.`,
    };
  }
  const rebuild = (mode: UiState['mode']) => scenarioOfState({ ...left, mode }, custom);
  const cmp = compareEngines(
    { engine: a.id, scenario: plans.left.scenario, mode: left.mode },
    { engine: b.id, scenario: plans.right.scenario, mode: right.mode },
    { knobs: engineKnobValues(right), rebuild },
  );
  return {
    lines: cmp.diff.map((d) => d.text),
    note: cmp.diff.length === 0 ? `No number of the plan differs between ${a.id} and ${b.id}.` : `${cmp.diff.length} number(s) differ; each with the rule whose removal alone (or with the fewest others) restores the ${a.id} value (compareEngines).`,
  };
}
