/**
 * Counterexample search: the smallest request list, in a stated family, on which the simulator
 * stops making progress. Lists are tried by size, smallest first, so the first deadlock found is
 * minimal in the family: every smaller list was run (or, where the certificate bound proves that
 * so few requests cannot deadlock, proven) and completed.
 *
 * The family: n identical requests arriving together at pass 0 (they prefill together and then
 * decode in lockstep, so their windows cross block boundaries together), with prompts at chosen
 * block counts and alignments, and outputs that either cross the next boundaries of every window
 * or run to maxSeqLen; plus the same with one long request (the longest prompt) in front.
 *
 * Cost is counted in request-passes simulated (work units), never in time: the caller passes a
 * budget and, optionally, a deadline callback (the CLI's clock lives in the CLI).
 */
import { LIMITS } from '../limits.ts';
import { divUp } from '../planner/pymath.ts';
import type { Plan } from '../planner/types.ts';
import type { PoolArena } from '../sim/block-pool.ts';
import { deadlockPoolGroup, deadlockReport, execute } from '../sim/run.ts';
import type { DeadlockReport, RequestSpec } from '../sim/types.ts';
import { type Bounds, footprintOf } from './bounds.ts';
import { certify, provesList } from './certificate.ts';
import { maxPromptTokens, type Subject, schedulerTokens, simConfigOf } from './subject.ts';

export interface SearchBudget {
  /** Request-passes the search may simulate. */
  readonly workUnits: number;
  /** Polled between runs; true = stop now (a wall-clock deadline from the shell). */
  readonly stop?: () => boolean;
  /** Slot storage the replays reuse (a sweep's thread keeps one across its cells); results do not depend on it. */
  readonly arena?: PoolArena;
}

export interface Shape {
  readonly label: string;
  readonly prompt: number;
  readonly output: number;
  /** One long request (longest prompt) in front of the n - 1 identical ones. */
  readonly longFirst: boolean;
  /** Runs to maxSeqLen: only in the family where full-attention pools cannot hold n of them. */
  readonly growth: boolean;
}

export interface Counterexample {
  readonly requests: readonly RequestSpec[];
  readonly shape: Shape;
  readonly deadlock: DeadlockReport;
  readonly steps: number;
  readonly minimality: string;
}

export interface SearchResult {
  readonly counterexample: Counterexample | null;
  readonly family: string;
  readonly tried: { readonly lists: number; readonly provenLists: number; readonly beyondLimit: number; readonly sizes: string; readonly provenSizes: string; readonly workUnits: number; readonly shapes: number };
  readonly exhausted: boolean;
  readonly stoppedBy: 'found' | 'family-exhausted' | 'budget' | 'deadline';
}

export const FAMILY =
  'n identical requests arriving together (prompts at 0, 1, 2, window-edge and power-of-two block counts, each at block alignments 1, tpb/2 and tpb and at the window-edge residues; outputs crossing the next block boundary and past every window straddle, or running to maxSeqLen where full-attention pools cannot hold n such requests), and the same with one longest-prompt request in front';

/** Alignments within a block: 1, tpb/2, tpb (a prompt that ends on a boundary) and each window's edge. */
function residues(plan: Plan): number[] {
  const tpb = plan.tokensPerBlock;
  if (tpb <= 8) return Array.from({ length: tpb }, (_, i) => i + 1);
  const set = new Set([1, Math.ceil(tpb / 2), tpb]);
  for (const lc of plan.lifeCycles) {
    if (lc.kind !== 'attn' || lc.windowTokens === null) continue;
    const e = lc.windowTokens % tpb;
    set.add(((tpb - e) % tpb) + 1);
  }
  return [...set].sort((a, b) => a - b);
}

/**
 * Prompt block counts: 0, 1, 2, around every window, and powers of two up to a window plus the
 * token budget (past that a prefill's footprint repeats chunk after chunk).
 */
function blockCounts(plan: Plan, maxPrompt: number, budget: number): number[] {
  const tpb = plan.tokensPerBlock;
  let widest = 0;
  const set = new Set([0, 1, 2]);
  for (const lc of plan.lifeCycles) {
    if (lc.kind !== 'attn' || lc.windowTokens === null) continue;
    const k = Math.floor(lc.windowTokens / tpb);
    widest = Math.max(widest, lc.windowTokens);
    for (const x of [k - 1, k, k + 1]) set.add(x);
  }
  const top = Math.min(Math.floor(maxPrompt / tpb), divUp(widest + budget, tpb) + 2);
  for (let k = 4; k <= 2 * top; k *= 2) set.add(Math.min(k, top));
  return [...set].filter((k) => k >= 0 && k <= Math.floor(maxPrompt / tpb)).sort((a, b) => a - b);
}

export function shapesOf(s: Subject, plan: Plan): Shape[] {
  const tpb = plan.tokensPerBlock;
  const L = s.knobs.maxSeqLen;
  const d = s.knobs.draftTokens;
  const maxPrompt = maxPromptTokens(s);
  const windows = plan.lifeCycles.flatMap((lc) => (lc.kind === 'attn' && lc.windowTokens !== null ? [lc.windowTokens] : []));
  const hasFull = plan.lifeCycles.some((lc) => lc.kind === 'attn' && lc.windowTokens === null);
  const widest = Math.max(0, ...windows);
  // Decode far enough to cross the next block boundary and leave every window's straddle behind
  // (a window wider than a block: fill it, then one more block).
  const cross = (p: number) => ((tpb - (p % tpb)) % tpb) + (widest <= tpb ? widest + 2 : Math.max(0, widest - p) + tpb + 2);
  const out: Shape[] = [];
  const seen = new Set<string>();
  const add = (prompt: number, output: number, longFirst: boolean, label: string, growth = false) => {
    const maxOut = L + 1 - d - prompt;
    if (prompt < 1 || maxOut < 1) return;
    const o = Math.max(1, Math.min(output, maxOut));
    const key = `${prompt}:${o}:${longFirst}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ label, prompt, output: o, longFirst, growth });
  };
  const prompts: number[] = [];
  for (const k of blockCounts(plan, maxPrompt, schedulerTokens(s))) for (const r of residues(plan)) prompts.push(k * tpb + r);
  for (const p of prompts) add(p, cross(p), false, `prompt ${p}, output crossing`);
  if (hasFull) for (const p of prompts.filter((x) => x <= 2 * tpb)) add(p, L, false, `prompt ${p}, output to maxSeqLen`, true);
  add(maxPrompt, 1, false, 'longest prompt');
  for (const p of prompts.filter((x) => x <= 2 * tpb)) add(p, cross(p), true, `longest prompt + prompt ${p}, output crossing`);
  return out;
}

/** Full-attention pools hold n requests of this shape at their longest: the shape is outside the family at n. */
function fitsGrowingPools(s: Subject, plan: Plan, shape: Shape, n: number): boolean {
  const f = footprintOf(s, plan, shape);
  return plan.poolGroups.every((g, pg) => g.lifeCycleIds.every((id) => { const lc = plan.lifeCycles[id]; return lc.kind === 'ssm' || lc.windowTokens !== null; }) || n * f[pg] <= plan.slotCounts[pg]);
}

export function buildList(s: Subject, shape: Shape, n: number): RequestSpec[] {
  const list: RequestSpec[] = [];
  if (shape.longFirst) list.push({ arrival: 0, prompt: maxPromptTokens(s), output: 1 });
  // One spec object for the n identical requests (specs are read, never written).
  const spec: RequestSpec = { arrival: 0, prompt: shape.prompt, output: shape.output };
  while (list.length < n) list.push(spec);
  return list;
}

/** A pass limit no completing run of this list reaches: prefill + decode passes, then a whole stall. */
export function passLimit(s: Subject, list: readonly RequestSpec[]): number {
  const B = schedulerTokens(s);
  const prefill = list.reduce((a, r) => a + divUp(r.prompt, B) + 1, 0);
  const decode = list.reduce((a, r) => a + r.output, 0);
  return prefill + decode + 2 * s.stallLimit + 16;
}

export interface ReplayOutcome {
  readonly outcome: 'completed' | 'deadlock' | 'step-limit';
  readonly work: number;
  readonly steps: number;
  readonly deadlock: DeadlockReport | null;
}

/** Run a request list under a subject; `work` counts the request-passes actually executed. */
export function replay(s: Subject, plan: Plan, list: readonly RequestSpec[], floorFor: (pg: number) => number = (pg) => plan.slotCounts[pg], arena: PoolArena | null = null): ReplayOutcome {
  const cfg = simConfigOf(s, plan, list, passLimit(s, list));
  // Past the simulator's work limit a replay ends as 'step-limit' (unfinished), never as bad input.
  const res = execute(cfg, cfg.workload as RequestSpec[], false, undefined, 'stop', arena);
  const executed = res.steps - res.stats.stalledPasses + res.stats.executedStalledPasses;
  const work = Math.max(1, executed) * list.length;
  let deadlock: DeadlockReport | null = null;
  if (res.outcome === 'deadlock') {
    const pg = deadlockPoolGroup(res);
    const slots = Math.max(plan.slotCounts[pg], floorFor(pg));
    deadlock = deadlockReport(cfg, res, { slots, by: 'analytic', slotCounts: plan.slotCounts.map((n, i) => (i === pg ? slots : n)) });
  }
  if (arena) res.state.recycleInto(arena); // everything kept above is copied out of the run
  return { outcome: res.outcome, work, steps: res.steps, deadlock };
}

/**
 * Work units a replay costs besides its request-passes: building its block pools (a slot each,
 * four arrays per pool group) and proving lists by footprint. Counted so the budget bounds the
 * real cost where a pool is large (COMPRESS at 200 GiB has 200k+ slots) and the runs are short.
 */
const SLOTS_PER_UNIT = 16;
function setupUnits(plan: Plan): number {
  return Math.ceil(plan.slotCounts.reduce((a, n) => a + n, 0) / SLOTS_PER_UNIT);
}

function estimate(s: Subject, plan: Plan, list: readonly RequestSpec[]): number {
  return passLimit(s, list) * list.length + setupUnits(plan);
}

const ranges = (xs: number[]) => {
  if (xs.length === 0) return 'none';
  const parts: string[] = [];
  let a = xs[0];
  let prev = xs[0];
  for (const x of [...xs.slice(1), Number.NaN]) {
    if (x === prev + 1) prev = x;
    else {
      parts.push(a === prev ? `${a}` : `${a}-${prev}`);
      a = x;
      prev = x;
    }
  }
  return parts.join(', ');
};

export function searchCounterexample(s: Subject, plan: Plan, b: Bounds, budget: SearchBudget, maxRequests = s.knobs.maxBatchSize + 1): SearchResult {
  const shapes = shapesOf(s, plan);
  let work = 0;
  let lists = 0;
  let skipped = 0;
  let beyondLimit = 0;
  const ran: number[] = [];
  const proven: number[] = [];
  const result = (counterexample: Counterexample | null, stoppedBy: SearchResult['stoppedBy']): SearchResult => ({
    counterexample,
    family: FAMILY,
    tried: { lists, provenLists: skipped, beyondLimit, sizes: ranges(ran), provenSizes: ranges(proven), workUnits: work, shapes: shapes.length },
    exhausted: stoppedBy === 'family-exhausted',
    stoppedBy,
  });
  for (let n = 1; n <= maxRequests; n++) {
    // n requests are at most n holders: if the certificate holds for n, no list of n can deadlock.
    if (certify(s, b, n)?.holds) {
      proven.push(n);
      continue;
    }
    for (const shape of shapes) {
      if (shape.longFirst && n < 2) continue;
      const list = buildList(s, shape, n);
      if (shape.growth && fitsGrowingPools(s, plan, shape, n)) continue;
      if (provesList(s, plan, list)) {
        skipped++;
        continue;
      }
      if (passLimit(s, list) * list.length > LIMITS.simWork.max) {
        // Beyond what one simulator run may do (the limits table): not run, and said so.
        beyondLimit++;
        continue;
      }
      if (budget.stop?.()) return result(null, 'deadline');
      if (work + estimate(s, plan, list) > budget.workUnits) return result(null, 'budget');
      const r = replay(s, plan, list, (pg) => b.poolGroups[pg].worstPass(s.knobs.maxBatchSize).blocks, budget.arena ?? null);
      work += r.work + setupUnits(plan);
      lists++;
      if (r.outcome === 'deadlock' && r.deadlock) {
        const minimality =
          `no list of fewer than ${n} requests in the family deadlocks: ${lists - 1} lists were run and completed, ${skipped} more are proven (their requests' footprints fit the slots together)` +
          (proven.length > 0 ? `, and sizes ${ranges(proven)} are proven by the certificate bound for that many holders` : '') +
          (beyondLimit > 0 ? `; ${beyondLimit} lists longer than one simulator run may be (simWork) were not run, so minimality holds only among the rest` : '');
        if (!ran.includes(n)) ran.push(n);
        return result({ requests: list, shape, deadlock: r.deadlock, steps: r.steps, minimality }, 'found');
      }
    }
    ran.push(n);
  }
  return result(null, beyondLimit > 0 ? 'budget' : 'family-exhausted');
}
