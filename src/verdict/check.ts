/**
 * The verdict's front door: will this configuration stall?
 *
 *   safe     a progress certificate (certificate.ts) holds for maxBatchSize concurrent requests
 *   unsafe   a minimal counterexample in the search family (search.ts) deadlocks in the simulator
 *   unknown  neither within the budget; says what was tried
 *
 * Never a guess: `safe` needs the certificate, `unsafe` needs a run that deadlocked.
 */
import type { Plan } from '../planner/types.ts';
import { type Bounds, computeBounds, type PoolGroupBound } from './bounds.ts';
import { type Certificate, certify } from './certificate.ts';
import { type CrossingExplanation, explainCrossing } from './explain.ts';
import { collapseFindings, concurrencyBound, type VerdictFinding } from './findings.ts';
import { type Counterexample, type SearchBudget, type SearchResult, searchCounterexample } from './search.ts';
import { planSubject, type Subject, verdictSupport } from './subject.ts';

export type VerdictKind = 'safe' | 'unsafe' | 'unknown';

export interface Verdict {
  readonly verdict: VerdictKind;
  readonly subject: Subject;
  readonly plan: Plan;
  readonly bounds: Bounds;
  readonly certificate: Certificate | null;
  readonly counterexample: Counterexample | null;
  /** The boundary-crossing argument behind the counterexample (windowed pools), or null. */
  readonly crossing: CrossingExplanation | null;
  readonly search: SearchResult | null;
  readonly concurrency: { readonly bound: number; readonly poolGroup: number | null };
  readonly findings: readonly VerdictFinding[];
  /** For unknown: what was tried and why it stopped. */
  readonly reason: string;
}

export const DEFAULT_WORK_UNITS = 400_000_000;

/** True when the subject is certified safe (cheap: planning plus bounds, no simulation). */
export function isCertified(s: Subject): boolean {
  const plan = planSubject(s);
  if (plan.error || verdictSupport(s, plan)) return false;
  return certify(s, computeBounds(s, plan))?.holds ?? false;
}

/**
 * `detail` 'kind': only what decides the verdict (a sweep cell keeps its kind and nothing else):
 * no findings (they plan the subject again in safe mode) and no crossing argument. The verdict,
 * certificate and counterexample are the same as with 'full'.
 */
export function checkSubject(s: Subject, budget: SearchBudget = { workUnits: DEFAULT_WORK_UNITS }, detail: 'full' | 'kind' = 'full'): Verdict {
  const plan = planSubject(s);
  const base = { subject: s, plan, counterexample: null, crossing: null, search: null };
  const unsupported = verdictSupport(s, plan);
  if (plan.error || unsupported) {
    const empty: Bounds = { tokensPerBlock: plan.tokensPerBlock, maxSeqLen: s.knobs.maxSeqLen, maxNumTokens: 0, maxPrompt: 0, poolGroups: [] };
    return { ...base, verdict: 'unknown', bounds: empty, certificate: null, concurrency: { bound: 0, poolGroup: null }, findings: [], reason: plan.error ? `the engine refuses this configuration (${plan.error.type}: ${plan.error.message}); nothing to simulate` : (unsupported as string) };
  }
  const bounds = computeBounds(s, plan);
  const certificate = certify(s, bounds);
  const findings = detail === 'full' ? collapseFindings(s, plan, bounds) : [];
  const concurrency = concurrencyBound(s, bounds);
  if (certificate?.holds) return { ...base, verdict: 'safe', bounds, certificate, concurrency, findings, reason: `certificate (${certificate.argument}) holds in every pool group` };
  const search = searchCounterexample(s, plan, bounds, budget);
  const why = certificate ? `the ${certificate.argument} certificate fails in ${certificate.poolGroups.filter((g) => !g.holds).map((g) => g.name).join(', ') || 'a condition'}` : `no certificate rule for policy ${s.policy}`;
  if (search.counterexample) return { ...base, verdict: 'unsafe', bounds, certificate, concurrency, findings, search, counterexample: search.counterexample, crossing: detail === 'full' ? explainCrossing(s, plan, bounds, search.counterexample) : null, reason: `${why}; a ${search.counterexample.requests.length}-request list deadlocks` };
  const stop = search.stoppedBy === 'family-exhausted' ? 'the family was exhausted without a deadlock' : search.stoppedBy === 'deadline' ? 'the time budget ran out' : 'the work budget ran out';
  return {
    ...base,
    verdict: 'unknown',
    bounds,
    certificate,
    concurrency,
    findings,
    search,
    reason: `${why}; searched ${search.tried.lists} lists (sizes ${search.tried.sizes} run, ${search.tried.provenSizes} proven, ${search.tried.shapes} shapes, ${search.tried.workUnits} request-passes): ${stop}`,
  };
}

export type { PoolGroupBound };
