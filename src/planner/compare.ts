/**
 * Two TensorRT-LLM V2 versions of the same configuration side by side, and for every number that
 * differs, the version rule that moved it. The attribution is computed, not tabled: each rule the
 * newer version adds is switched off alone and the plan redone; the rule whose removal restores
 * the older number is the one named ("STATE min_slots 1 -> 2: structural floor, ... (PR #15588)").
 * The wrapper rule (mode main) is switched off by planning the older version's mode instead.
 * Pure: the CLI's `--engine A,B` and the page's Compare view both call `compareEngines`.
 */
import type { ConstraintMode } from './build.ts';
import { getEngine } from './engines/registry.ts';
import { isTrtllmSizer } from './engines/trtllm.ts';
import type { KnobValues } from './engines/types.ts';
import { type PlanJson, planToJson } from './json.ts';
import type { EngineScenario } from './scenario.ts';
import { TRTLLM_RULE_IDS, TRTLLM_RULES, type TrtRuleId, type TrtRules, withoutRule } from './trtllm-rules.ts';
import { planScenario } from './trtllm-v2.ts';
import type { Plan } from './types.ts';

export interface CompareSide {
  readonly engine: string;
  readonly scenario: EngineScenario;
  /** The constraint mode the scenario was built with; null for a scenario file planned as given. */
  readonly mode: ConstraintMode | null;
}

export interface EngineDiff {
  /** e.g. `min_slots[STATE]`, `pool_group_order`, `error`. */
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
  /** The rule whose removal alone restores `from`; null when no single rule does. */
  readonly rule: TrtRuleId | null;
  /** One line: "STATE min_slots 1 -> 2: structural floor, <why> (<origin>)". */
  readonly text: string;
}

export interface Comparison {
  readonly engines: readonly [PlanJson & { engine: string }, PlanJson & { engine: string }];
  readonly diff: readonly EngineDiff[];
}

export interface CompareOptions {
  readonly knobs?: KnobValues;
  /** Rebuilds the configuration under another mode (presets and flags); absent for scenario files. */
  readonly rebuild?: (mode: ConstraintMode) => EngineScenario;
}

function rulesOf(id: string): TrtRules {
  const e = getEngine(id);
  if (!isTrtllmSizer(e)) throw new Error(`compareEngines: ${id} is not a TensorRT-LLM V2 version`);
  return e.rules;
}

/** Pool-group keys stable across versions (names, made unique) in each plan's own order. */
function poolKeys(plan: Plan): string[] {
  const seen = new Map<string, number>();
  return plan.poolGroups.map((g) => {
    const n = (seen.get(g.name) ?? 0) + 1;
    seen.set(g.name, n);
    return n === 1 ? g.name : `${g.name}#${n}`;
  });
}

const PER_POOL_GROUP = ['min_slots', 'slot_counts', 'initial_ratio', 'typical_step_slots', 'bytes_per_pool_group'] as const;
const SCALARS = ['ratio_source', 'min_quota_bytes', 'effective_quota_bytes', 'total_grains'] as const;

/** The comparable numbers of a plan, by field name (pool-group arrays keyed by pool-group name). */
export function comparableFields(plan: Plan): Map<string, unknown> {
  const j = planToJson(plan) as unknown as Record<string, unknown>;
  const out = new Map<string, unknown>();
  const keys = poolKeys(plan);
  out.set('error', plan.error ? `${plan.error.type}: ${plan.error.message}` : null);
  out.set('pool_group_order', keys.join(', '));
  if (plan.error) return out;
  for (const f of SCALARS) out.set(f, j[f]);
  for (const f of PER_POOL_GROUP) {
    const arr = j[f] as readonly unknown[] | null;
    keys.forEach((k, pg) => out.set(`${f}[${k}]`, arr ? arr[pg] : null));
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function describe(field: string, from: unknown, to: unknown, rule: TrtRuleId | null): string {
  const head = `${field} ${JSON.stringify(from)} -> ${JSON.stringify(to)}`;
  if (rule === null) return `${head}: no single rule restores it (several rules act together)`;
  const r = TRTLLM_RULES[rule];
  return `${head}: ${r.title}, ${r.why} (${r.origin})`;
}

interface Side {
  readonly side: CompareSide;
  readonly rules: TrtRules;
  readonly plan: Plan;
  readonly fields: Map<string, unknown>;
}

/**
 * For each field, the rule of `newer` whose removal alone gives `older`'s value. The wrapper rule
 * is a candidate only when the two sides were built with different modes and can be rebuilt.
 */
function attribute(older: Side, newer: Side, o: CompareOptions, opts: { maxUtilForResume?: number }): Map<string, TrtRuleId> {
  const wrapperDiffers = older.side.mode !== newer.side.mode && older.side.mode !== null && o.rebuild !== undefined;
  const candidates = TRTLLM_RULE_IDS.filter((r) => (r === 'wrapper-main' ? wrapperDiffers : newer.rules.has(r) && !older.rules.has(r)));
  // Each candidate switched off alone; one plan per rule, reused for every field.
  const without = candidates.map((r) => {
    const scenario = r === 'wrapper-main' && o.rebuild && older.side.mode ? o.rebuild(older.side.mode) : newer.side.scenario;
    return { rule: r, fields: comparableFields(planScenario(scenario, r === 'wrapper-main' ? newer.rules : withoutRule(newer.rules, r), opts)) };
  });
  const out = new Map<string, TrtRuleId>();
  for (const [field, value] of older.fields) {
    if (same(value, newer.fields.get(field) ?? null)) continue;
    const hit = without.find((w) => same(w.fields.get(field) ?? null, value));
    if (hit) out.set(field, hit.rule);
  }
  return out;
}

function side(s: CompareSide, opts: { maxUtilForResume?: number }): Side {
  const rules = rulesOf(s.engine);
  const plan = planScenario(s.scenario, rules, opts);
  return { side: s, rules, plan, fields: comparableFields(plan) };
}

/** Compare two versions of one configuration, attributing every moved number to a rule. */
export function compareEngines(from: CompareSide, to: CompareSide, o: CompareOptions = {}): Comparison {
  const opts = { maxUtilForResume: typeof o.knobs?.maxUtilForResume === 'number' ? o.knobs.maxUtilForResume : undefined };
  const a = side(from, opts);
  const b = side(to, opts);
  // Rules are switched off on the side that has more of them (the newer version), whichever order the user gave.
  const rules = a.rules.size > b.rules.size ? attribute(b, a, o, opts) : attribute(a, b, o, opts);
  const diff: EngineDiff[] = [];
  for (const field of new Set([...a.fields.keys(), ...b.fields.keys()])) {
    const x = a.fields.get(field) ?? null;
    const y = b.fields.get(field) ?? null;
    if (same(x, y)) continue;
    const rule = rules.get(field) ?? null;
    diff.push({ field, from: x, to: y, rule, text: describe(field, x, y, rule) });
  }
  return {
    engines: [
      { engine: from.engine, ...planToJson(a.plan) },
      { engine: to.engine, ...planToJson(b.plan) },
    ],
    diff,
  };
}
