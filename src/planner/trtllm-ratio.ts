/**
 * The initial ratio: which source wins (initial_pool_ratio, typical step, constraints, the
 * 2049/2048 fallback) and how bytes become a ratio per pool group, in both versions.
 *
 *   #15401 era   bytes per pool group -> ratio (double)
 *   main         bytes per life cycle -> ratio per life cycle (float32) -> summed per pool group
 *                (toPoolGroupRatio, float32) -> renormalised (storageManager.cpp @ afe52a0)
 */
import { normalize, slotsToBytes } from './grains.ts';
import { rangeLength, staleRange } from './lifecycle.ts';
import { divUp, roundUp } from './pymath.ts';
import type { BatchDesc } from './scenario.ts';
import type { StorageLayout } from './storage.ts';
import type { TrtRules } from './trtllm-rules.ts';
import { constraintSlotsByLifeCycle, type SizingContext, slotsForBatchByLifeCycle } from './trtllm-slots.ts';
import type { PlanError, RatioSource } from './types.ts';

export const FALLBACK_BATCH: BatchDesc = { kvCaches: [{ capacity: 2049, history: 2048, count: 1 }], systemPromptLength: 0 };

/**
 * Rule float32-ratio: normalizeToRatio divides float32 by float32. Integer totals (bytes) are
 * summed exactly (size_t); float totals are summed in float32 (std::accumulate over float).
 */
export function normalizeWith(rules: TrtRules, values: readonly number[], floatTotal = false): number[] {
  if (!rules.has('float32-ratio')) return normalize(values);
  const f = Math.fround;
  let total = 0;
  for (const v of values) total = floatTotal ? f(total + v) : total + v;
  const t = f(total);
  return values.map((v) => f(f(v) / t));
}

/** toPoolGroupRatio: life-cycle ratios summed per pool group (float32 adds), then renormalised. */
export function toPoolGroupRatio(layout: StorageLayout, lcRatio: readonly number[], rules: TrtRules): number[] {
  const f32 = rules.has('float32-ratio');
  const pg = new Array<number>(layout.poolGroups.length).fill(0);
  lcRatio.forEach((r, lc) => {
    const i = layout.lifeCyclePoolGroup[lc];
    pg[i] = f32 ? Math.fround(pg[i] + r) : pg[i] + r;
  });
  return normalizeWith(rules, pg, true);
}

/** slotsToBytes per life cycle: each life cycle's slots in each pool of its pool group, rounded to grains. */
function bytesByLifeCycle(layout: StorageLayout, slotsByLc: readonly number[], gran: number): number[] {
  return slotsByLc.map((n, lc) => layout.poolGroups[layout.lifeCyclePoolGroup[lc]].slotSizeList.reduce((acc, s) => acc + roundUp(n * s, gran), 0));
}

export interface RatioChoice {
  readonly source: RatioSource;
  /** Per pool group, in the plan's pool-group order. */
  readonly ratio: number[];
  /** Per life cycle (rule per-life-cycle-ratio), else null. */
  readonly lifeCycleRatio: number[] | null;
  readonly error: PlanError | null;
}

export interface RatioInputs {
  readonly ctx: SizingContext;
  readonly gran: number;
  readonly typicalStep: BatchDesc | null;
  readonly constraints: readonly BatchDesc[];
  readonly constraintSlotsByLc: readonly (readonly number[])[];
  readonly floorsByLc: readonly number[];
  readonly minSlots: readonly number[];
  /** initial_pool_ratio as the scenario gives it (per life cycle under main). */
  readonly given: readonly number[] | null;
  readonly mu: number;
}

const invalid = (message: string): PlanError => ({ type: 'std::invalid_argument', message });

/** The main constructor's check of initial_pool_ratio (values are float32 in the engine). */
function checkLifeCycleRatio(given: readonly number[], nLc: number): PlanError | null {
  if (given.length !== nLc) return invalid('initial_pool_ratio length must match number of layer groups');
  const f = given.map((r) => Math.fround(r));
  if (f.some((r) => !(r > 0))) return invalid('initial_pool_ratio values must be positive');
  const sum = f.reduce((a, b) => a + b, 0); // accumulated in double
  if (!Number.isFinite(sum) || Math.abs(sum - 1) > 1e-6) return invalid('initial_pool_ratio values must sum to 1.0');
  return null;
}

function mainRatio(r: RatioInputs, rules: TrtRules): RatioChoice {
  const { layout } = r.ctx;
  const fromSlots = (byLc: readonly number[]) => normalizeWith(rules, bytesByLifeCycle(layout, byLc, r.gran));
  let source: RatioSource;
  let lcRatio: number[];
  if (r.given) {
    const error = checkLifeCycleRatio(r.given, layout.lifeCycles.length);
    if (error) return { source: 'initial_pool_ratio', ratio: [], lifeCycleRatio: null, error };
    source = 'initial_pool_ratio';
    lcRatio = r.given.map((x) => (rules.has('float32-ratio') ? Math.fround(x) : x));
  } else if (r.typicalStep) {
    source = 'typical_step';
    lcRatio = fromSlots(slotsForBatchByLifeCycle(r.ctx, r.typicalStep));
  } else if (r.constraints.length > 0) {
    // The constraint ratio comes from the scaled per-life-cycle slots (floors included), not min_slots.
    source = 'constraints';
    lcRatio = fromSlots(constraintSlotsByLifeCycle(r.floorsByLc, r.constraintSlotsByLc, rules, r.mu));
  } else {
    source = 'fallback_2049_2048';
    lcRatio = fromSlots(slotsForBatchByLifeCycle(r.ctx, FALLBACK_BATCH));
  }
  return { source, ratio: toPoolGroupRatio(layout, lcRatio, rules), lifeCycleRatio: lcRatio, error: null };
}

/** #15401 era: one ratio per pool group; batches priced per pool group. `givenPg` is in plan order. */
function legacyRatio(r: RatioInputs, rules: TrtRules, givenPg: readonly number[] | null): RatioChoice {
  const sizeLists = r.ctx.layout.poolGroups.map((g) => g.slotSizeList);
  const fromSlots = (pgSlots: readonly number[]) => normalizeWith(rules, slotsToBytes(pgSlots, sizeLists, r.gran));
  const pgOf = (byLc: readonly number[]) => {
    const out = new Array<number>(sizeLists.length).fill(0);
    byLc.forEach((v, lc) => (out[r.ctx.layout.lifeCyclePoolGroup[lc]] += v));
    return out;
  };
  const ok = (source: RatioSource, ratio: number[]): RatioChoice => ({ source, ratio, lifeCycleRatio: null, error: null });
  if (givenPg) return ok('initial_pool_ratio', givenPg.map((x) => (rules.has('float32-ratio') ? Math.fround(x) : x)));
  if (r.typicalStep) return ok('typical_step', fromSlots(pgOf(slotsForBatchByLifeCycle(r.ctx, r.typicalStep))));
  if (r.constraints.length > 0) return ok('constraints', fromSlots(r.minSlots));
  return ok('fallback_2049_2048', fromSlots(pgOf(slotsForBatchByLifeCycle(r.ctx, FALLBACK_BATCH))));
}

export function chooseRatio(r: RatioInputs, rules: TrtRules, givenPg: readonly number[] | null): RatioChoice {
  return rules.has('per-life-cycle-ratio') ? mainRatio(r, rules) : legacyRatio(r, rules, givenPg);
}

/** ratio_from_length: price one request of this shape (rebalancing), not rounded to grains. */
export function ratioFromLength(ctx: SizingContext, history: number, capacity: number, rules: TrtRules): number[] {
  const { tokensPerBlock: tpb, layout } = ctx;
  const cap = Math.max(capacity, history);
  const byLc = layout.lifeCycles.map((lc) => {
    const blocks = lc.kind === 'ssm' ? 1 : Math.max(divUp(cap, tpb) - rangeLength(staleRange(lc, history, tpb)), 1);
    return blocks * layout.poolGroups[layout.lifeCyclePoolGroup[lc.id]].slotSizeList.reduce((a, b) => a + b, 0);
  });
  if (rules.has('per-life-cycle-ratio')) return toPoolGroupRatio(layout, normalizeWith(rules, byLc), rules);
  const bytes = new Array<number>(layout.poolGroups.length).fill(0);
  byLc.forEach((b, lc) => (bytes[layout.lifeCyclePoolGroup[lc]] += b));
  return normalizeWith(rules, bytes);
}
