/**
 * The simulator's front door.
 *
 *   const trace = runSimulation({ plan, policy: 'trtllm-v2', workload: { kind: 'spec', spec } });
 *   trace.summary            outcome, steps, completedRequests, peaks, deadlock report
 *   trace.columns[pg]        used / heldSuspended / free per pass (Int32Array, uPlot-ready)
 *   trace.frameAt(step)      full state after pass `step`: slot owners per pool, requests + block tables
 *   trace.eventsAt(step)     admit / finish / suspend / resume / preempt / stall / deadlock
 *   traceToJson / traceToCsv exports; runNamedScenario('trtllm-15401', { constraints: 'issue-fix' })
 */
import { describeLimit, LIMITS } from '../limits.ts';
import { EngineRefusal, InputError, requireInt, requireNumber } from '../model/errors.ts';
import type { PoolLayout } from '../planner/types.ts';
import { worstBlocks } from './policies/no-evict.ts';
import { deadlockPoolGroup, deadlockReport, execute, type FloorSuggestion, summarize, toTrace } from './run.ts';
import { type ScenarioOverrides, scenarioConfig } from './scenarios.ts';
import type { Trace } from './trace.ts';
import type { PolicyName, RequestSpec, SimConfig, Workload } from './types.ts';
import { POLICY_NAMES } from './types.ts';
import { resolveWorkload } from './workload.ts';

export { traceHash, traceToCsv, traceToJson, traceToObject } from './export.ts';
export { requestAt } from './frame.ts';
export { renderSimulation, sparkline } from './report.ts';
export { listScenarios, NAMED_SCENARIOS, type NamedScenario, type ScenarioOverrides, scenarioConfig } from './scenarios.ts';
export { Trace } from './trace.ts';
export * from './types.ts';
export { generateWorkload, mulberry32, parseTrace } from './workload.ts';

export type SimInput = Partial<Omit<SimConfig, 'plan' | 'workload'>> & {
  readonly plan: PoolLayout;
  readonly workload: Workload | readonly RequestSpec[];
};

export const SIM_DEFAULTS = {
  policy: 'trtllm-v2' as PolicyName,
  maxBatchSize: 64,
  maxNumTokens: 8192,
  maxUtilForResume: 0.95,
  recomputePause: false,
  stallLimit: 1000,
  maxSteps: 100_000,
  draftTokens: 0,
  suggestFloor: 'bisect' as const,
};

/** Fill defaults and validate (InputError names the field). */
export function normalizeConfig(input: SimInput): SimConfig {
  // Defaults under the given fields (an undefined field keeps its default); a plain loop, as the
  // verdict's searches normalize a config for every list they replay.
  const given: Record<string, unknown> = { ...SIM_DEFAULTS };
  for (const k in input) {
    const v = (input as Record<string, unknown>)[k];
    if (v !== undefined) given[k] = v;
  }
  const c = given as unknown as SimConfig;
  if (!POLICY_NAMES.includes(c.policy)) throw new InputError('policy', c.policy, POLICY_NAMES.join(', '));
  requireInt('maxBatchSize', c.maxBatchSize, 1, LIMITS.batchSize.max);
  requireInt('maxNumTokens', c.maxNumTokens, 1, LIMITS.tokens.max);
  requireNumber('maxUtilForResume', c.maxUtilForResume, 0, 1);
  // Users are held to LIMITS.steps at the flag and the link; internal callers (the verdict's
  // replays) may ask for more passes, which the run's work meter still bounds (each pass costs >= 1).
  requireInt('maxSteps', c.maxSteps, 1, LIMITS.simWork.max);
  // Deadlock is declared after stallLimit stalled passes: a limit above maxSteps could never fire.
  // The default stall limit follows a smaller step limit; a stall limit that was given must fit it.
  if (input.stallLimit === undefined && Number.isInteger(c.maxSteps) && c.maxSteps < c.stallLimit) (c as { stallLimit: number }).stallLimit = c.maxSteps;
  if (!(Number.isInteger(c.stallLimit) && c.stallLimit >= 1 && c.stallLimit <= c.maxSteps)) {
    throw new InputError('stallLimit', c.stallLimit, `an integer in [1, max steps = ${c.maxSteps}] (a deadlock is declared after that many stalled passes)`);
  }
  requireInt('draftTokens', c.draftTokens, 0, LIMITS.draftTokens.max);
  // A decode computes 1 + draft tokens in one pass: a smaller budget could never schedule one.
  if (c.maxNumTokens < 1 + c.draftTokens) throw new InputError('maxNumTokens', c.maxNumTokens, `an integer >= ${1 + c.draftTokens} (1 + ${c.draftTokens} draft tokens: what one decode computes in a pass)`);
  // The engine's own refusal (a scenario file's quota or ratio): exit 1, in the engine's words.
  if (c.plan.error) throw new EngineRefusal(`${c.plan.error.type}: ${c.plan.error.message}`);
  if (c.seed !== undefined) requireInt('seed', c.seed, 0, LIMITS.seed.max);
  checkWork(c);
  return c;
}

/**
 * Bounded work and memory: a pass touches at most maxBatchSize requests, and every slot costs
 * state in the pools and the trace, so both are capped by the limits table.
 */
function checkWork(c: SimConfig): void {
  let total = 0;
  c.plan.slotCounts.forEach((n, pg) => {
    total += n;
    if (n > LIMITS.simSlotsPerPool.max) throw new InputError(`slotCounts[${pg}]`, n, `${describeLimit('simSlotsPerPool')} slots to simulate; a smaller quota or larger tokens_per_block`);
  });
  if (total > LIMITS.simSlotsTotal.max) throw new InputError('slotCounts', total, `${describeLimit('simSlotsTotal')} slots over all pool groups; a smaller quota or larger tokens_per_block`);
}

/** Run one simulation and return its trace (a value: same input, same trace). */
export function runSimulation(input: SimInput): Trace {
  const cfg = normalizeConfig(input);
  const specs = resolveWorkload(cfg.workload, cfg.seed);
  const res = execute(cfg, specs, true);
  let deadlock = null;
  // An admission gate states its own need: no floor below it can help.
  const gateNeed = res.stats.rootFailure?.cause === 'admission' ? res.stats.rootFailure.needed : 0;
  if (res.outcome === 'deadlock') deadlock = deadlockReport(cfg, res, suggestFloor(cfg, specs, deadlockPoolGroup(res), res.steps, gateNeed, res.state.managers.retained));
  return toTrace(summarize(cfg, res, specs.length, deadlock), res);
}

/** Enough slots in pool group pg for min(maxBatchSize, requests) requests at their worst-case
 * need (the no-evict bound): always sufficient for that pool. */
/** `retained` life cycles (a policy keeps their stale blocks cached) count as full attention. */
function analyticFloor(cfg: SimConfig, specs: readonly RequestSpec[], pg: number, retained?: Uint8Array): number {
  const tpb = cfg.plan.tokensPerBlock;
  const perRequest = specs.map((r) =>
    cfg.plan.lifeCycles.reduce((sum, lc) => (cfg.plan.lifeCyclePoolGroup[lc.id] === pg ? sum + worstBlocks(retained?.[lc.id] && lc.kind === 'attn' ? { ...lc, windowTokens: null } : lc, r.prompt, r.output, tpb, cfg.maxNumTokens, cfg.draftTokens) : sum), 0),
  );
  perRequest.sort((a, b) => b - a);
  const c = Math.min(cfg.maxBatchSize, specs.length);
  return perRequest.slice(0, c).reduce((a, b) => a + b, 0);
}

/**
 * The smallest slot count for pool group pg that avoids the deadlock. 'bisect' (small runs): the
 * other pools are raised to their analytic floors (so they cannot become the next bottleneck) and
 * pg is bisected in (current, analytic]; the first count whose re-run does not deadlock (within
 * twice the original run's passes) is reported. Deadlock is not strictly monotone in slots, so
 * this is the count bisection finds, not a proven minimum.
 * 'analytic': the analytic floor itself.
 */
function suggestFloor(cfg: SimConfig, specs: readonly RequestSpec[], pg: number, steps: number, atLeast = 0, retained?: Uint8Array): FloorSuggestion {
  const analytic = Math.max(cfg.plan.slotCounts[pg] + 1, analyticFloor(cfg, specs, pg, retained), atLeast);
  const withPg = (counts: readonly number[], n: number) => counts.map((s, i) => (i === pg ? n : s));
  if (cfg.suggestFloor === 'analytic' || specs.length * Math.max(steps, 1) > 4_000_000) return { slots: analytic, by: 'analytic', slotCounts: withPg(cfg.plan.slotCounts, analytic) };
  const others = cfg.plan.slotCounts.map((s, i) => (i === pg ? s : Math.max(s, analyticFloor(cfg, specs, i, retained))));
  // A re-run that has not deadlocked after twice the deadlocked run's length counts as avoiding
  // it: this bounds the cost of each re-run (a completed workload can be much longer).
  const maxSteps = Math.min(cfg.maxSteps, Math.max(2 * steps, steps + 2 * cfg.stallLimit));
  const completes = (n: number): boolean => execute({ ...cfg, maxSteps, plan: { ...cfg.plan, slotCounts: withPg(others, n) } }, specs, false).outcome !== 'deadlock';
  if (!completes(analytic)) return { slots: analytic, by: 'analytic', slotCounts: withPg(others, analytic) };
  let lo = cfg.plan.slotCounts[pg];
  let hi = analytic;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (completes(mid)) hi = mid;
    else lo = mid;
  }
  return { slots: hi, by: 'bisect', slotCounts: withPg(others, hi) };
}

/** Run a named scenario ('trtllm-15401', 'straddle') with optional overrides (constraints, policy, ...). */
export function runNamedScenario(name: string, overrides: ScenarioOverrides = {}): Trace {
  return runSimulation(scenarioConfig(name, overrides).config);
}
