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
  /** The rule whose removal alone restores `from` (with several, the first of them); null when none does. */
  readonly rule: TrtRuleId | null;
  /** The smallest set of rules whose removal restores `from` (one, two or three acting together); empty if none. */
  readonly rules: readonly TrtRuleId[];
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

/** The numbers behind a rule for one pool group of the newer plan (e.g. "window 8 at tpb 256 spans up to 2 blocks"). */
function detail(rule: TrtRuleId, field: string, plan: Plan): string | null {
  const m = /^(\w+)\[(.+)\]$/.exec(field);
  const pg = m ? poolKeys(plan).indexOf(m[2]) : -1;
  if (pg < 0 || m?.[1] !== 'min_slots') return null;
  const lcs = plan.poolGroups[pg].lifeCycleIds;
  if (rule === 'structural-floor') {
    return lcs
      .map((id) => {
        const lc = plan.lifeCycles[id];
        const f = plan.structuralFloorByLifeCycle[id];
        if (lc.kind === 'ssm') return `recurrent state floor ${f}`;
        return lc.windowTokens === null ? `full attention takes the largest windowed floor, ${f}` : `window ${lc.windowTokens} at tpb ${plan.tokensPerBlock} spans up to ${f} blocks`;
      })
      .join('; ');
  }
  if (rule === 'resume-headroom' && plan.maxUtilForResume !== null && plan.constraintSlots.length > 0) {
    const c = Math.max(0, ...plan.constraintSlots.map((x) => x[pg]));
    return `ceil(${c} / ${plan.maxUtilForResume}) = ${Math.ceil(c / Math.fround(plan.maxUtilForResume))}`;
  }
  return null;
}

function fmt(v: unknown): string {
  return typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(9))) : JSON.stringify(v);
}

function describe(field: string, from: unknown, to: unknown, rules: readonly TrtRuleId[], newer: Plan): string {
  const head = `${field} ${fmt(from)} -> ${fmt(to)}`;
  if (rules.length === 0) return `${head}: no set of up to three rules restores it`;
  const parts = rules.map((id) => {
    const r = TRTLLM_RULES[id];
    return `${r.title}, ${detail(id, field, newer) ?? r.why} (${r.origin})`;
  });
  return `${head}: ${parts.join(' together with ')}`;
}

function combinations<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  return items.flatMap((x, i) => combinations(items.slice(i + 1), k - 1).map((rest) => [x, ...rest]));
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
function attribute(older: Side, newer: Side, o: CompareOptions, opts: { maxUtilForResume?: number }): Map<string, TrtRuleId[]> {
  const wrapperDiffers = older.side.mode !== newer.side.mode && older.side.mode !== null && o.rebuild !== undefined;
  const candidates = TRTLLM_RULE_IDS.filter((r) => (r === 'wrapper-main' ? wrapperDiffers : newer.rules.has(r) && !older.rules.has(r)));
  // Each candidate switched off alone; one plan per rule, reused for every field.
  const without = candidates.map((r) => {
    const scenario = r === 'wrapper-main' && o.rebuild && older.side.mode ? o.rebuild(older.side.mode) : newer.side.scenario;
    return { rule: r, fields: comparableFields(planScenario(scenario, r === 'wrapper-main' ? newer.rules : withoutRule(newer.rules, r), opts)) };
  });
  const out = new Map<string, TrtRuleId[]>();
  const unexplained: string[] = [];
  for (const [field, value] of older.fields) {
    if (same(value, newer.fields.get(field) ?? null)) continue;
    const hit = without.find((w) => same(w.fields.get(field) ?? null, value));
    if (hit) out.set(field, [hit.rule]);
    else unexplained.push(field);
  }
  // What no rule restores alone: the smallest set of two, then three rules that does (at most 56 more plans).
  for (const set of [...combinations(candidates, 2), ...combinations(candidates, 3)]) {
    if (unexplained.length === 0) break;
    const wrapperOff = set.includes('wrapper-main');
    const scenario = wrapperOff && o.rebuild && older.side.mode ? o.rebuild(older.side.mode) : newer.side.scenario;
    let rules = newer.rules;
    for (const r of set) if (r !== 'wrapper-main') rules = withoutRule(rules, r);
    const fields = comparableFields(planScenario(scenario, rules, opts));
    for (const field of [...unexplained]) {
      if (!same(fields.get(field) ?? null, older.fields.get(field) ?? null)) continue;
      out.set(field, set);
      unexplained.splice(unexplained.indexOf(field), 1);
    }
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
    const set = rules.get(field) ?? [];
    const newer = a.rules.size > b.rules.size ? a.plan : b.plan;
    diff.push({ field, from: x, to: y, rule: set[0] ?? null, rules: set, text: describe(field, x, y, set, newer) });
  }
  return {
    engines: [
      { engine: from.engine, ...planToJson(a.plan) },
      { engine: to.engine, ...planToJson(b.plan) },
    ],
    diff,
  };
}
