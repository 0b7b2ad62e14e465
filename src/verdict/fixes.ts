/**
 * The cheapest changes that make an unsafe configuration safe, one axis at a time (largest
 * maxBatchSize, smallest quota, per-pool-group floors, pool ratio, constraint mode, the engine's
 * own knobs: max_util_for_resume, recompute pause, maxNumTokens), then the
 * cheapest pairs where no single axis is enough. Every fix listed is verified twice: the changed
 * configuration is certified safe, and the counterexample replayed under it completes. Ranked by
 * extra bytes, then by the concurrency they leave.
 */
import { computeBounds } from './bounds.ts';
import { certify } from './certificate.ts';
import { isCertified } from './check.ts';
import { concurrencyBound } from './findings.ts';
import { type Counterexample, replay } from './search.ts';
import { changedFlags, ENGINE_POLICIES, planSubject, type Subject, schedulerTokens, subjectModes, verdictSupport, withKnobs } from './subject.ts';

export type FixAxis = 'maxBatchSize' | 'quota' | 'minSlots' | 'poolRatio' | 'constraints' | 'maxUtilForResume' | 'recomputePause' | 'maxNumTokens' | 'enginePolicy' | 'pair';

export interface Fix {
  readonly axis: FixAxis;
  readonly label: string;
  /** The CLI flags to change (append to the command line). */
  readonly flags: readonly string[];
  readonly subject: Subject;
  /** Effective quota after minus before (the engine raises a quota below min_quota). */
  readonly extraBytes: number;
  /** Concurrent decodes the changed configuration's slots allow (and maxBatchSize caps). */
  readonly concurrency: number;
  readonly concurrencyBefore: number;
  readonly verified: boolean;
  readonly verification: string;
}

interface Candidate {
  readonly axis: FixAxis;
  readonly label: string;
  readonly subject: Subject;
}

const GiB = 1024 ** 3;

/** Largest value in [lo, hi] with ok(value), assuming ok is monotone (true below a threshold); null if ok(lo) fails. */
function largest(lo: number, hi: number, ok: (v: number) => boolean): number | null {
  if (hi < lo || !ok(lo)) return null;
  if (ok(hi)) return hi;
  let a = lo;
  let b = hi;
  while (b - a > 1) {
    const m = a + Math.floor((b - a) / 2);
    if (ok(m)) a = m;
    else b = m;
  }
  return a;
}

/** Smallest quota above the current one that certifies (doubling, then bisection to 1 MiB). */
function smallestQuota(s: Subject): Subject | null {
  const q0 = s.knobs.quotaBytes;
  const at = (q: number) => withKnobs(s, { quotaBytes: q });
  let hi = Math.max(q0 * 2, 2 ** 21);
  while (!isCertified(at(hi))) {
    hi *= 2;
    if (hi > 2 ** 50) return null; // a petabyte of KV cache is no fix
  }
  let lo = q0;
  while (hi - lo > 2 ** 20) {
    const m = Math.floor((lo + hi) / 2);
    if (isCertified(at(m))) hi = m;
    else lo = m;
  }
  return at(hi);
}

function bisectMbs(s: Subject): Subject | null {
  const m = largest(1, s.knobs.maxBatchSize - 1, (v) => isCertified(withKnobs(s, { maxBatchSize: v })));
  return m === null ? null : withKnobs(s, { maxBatchSize: m });
}

function bisectTokens(s: Subject): Subject | null {
  const B = schedulerTokens(s);
  const m = largest(1 + s.knobs.draftTokens, B - 1, (v) => isCertified(withKnobs(s, { maxNumTokens: v })));
  return m === null ? null : withKnobs(s, { maxNumTokens: m });
}

/** A pool ratio proportional to the bytes each pool group needs for the certificate. */
function neededRatio(s: Subject): Subject | null {
  const plan = planSubject(s);
  if (plan.error || s.knobs.poolRatio === null) return null;
  const b = computeBounds(s, plan);
  const bytes = b.poolGroups.map((g) => Math.max(1, g.worstPass(s.knobs.maxBatchSize).blocks) * g.slotBytes);
  const total = bytes.reduce((a, x) => a + x, 0);
  return withKnobs(s, { poolRatio: bytes.map((x) => Number((x / total).toPrecision(4))) });
}

/**
 * Floors per pool group: min_slots >= what the certificate needs in every group. KVCacheManagerV2
 * has no min_slots flag (the floors come from the constraints it builds), so the fix is expressed
 * as what gives those slots: a pool ratio by those bytes and a quota of at least their sum (bumped
 * a little where the engine's grain rounding leaves a group one slot short).
 */
function floors(s: Subject): Candidate | null {
  const plan = planSubject(s);
  if (plan.error) return null;
  const cert = certify(s, computeBounds(s, plan));
  if (!cert) return null;
  const need = cert.poolGroups.map((g) => Math.max(g.needed, 1));
  const bytes = need.map((n, pg) => n * plan.poolGroups[pg].slotBytes);
  const total = bytes.reduce((a, x) => a + x, 0);
  const ratio = bytes.map((x) => Number((x / total).toPrecision(6)));
  const names = plan.poolGroups.map((g, pg) => `${g.name} >= ${need[pg]}`).join(', ');
  for (const bump of [1, 1.001, 1.01, 1.03, 1.1]) {
    const q = Math.ceil((Math.max(total, plan.effectiveQuotaBytes) * bump) / 2 ** 20) * 2 ** 20;
    const sub = withKnobs(s, { quotaBytes: q, poolRatio: ratio });
    if (isCertified(sub)) return { axis: 'minSlots', label: `floors min_slots ${names} (no engine flag for min_slots: given as the pool ratio and quota that yield these slots)`, subject: sub };
  }
  return null;
}

/**
 * max_util_for_resume alone: the value nearest the current one that certifies. It gates resumes
 * (higher is easier) and, on main, scales the floors by 1 / max_util_for_resume (lower is more
 * slots), so both directions are tried on a grid, then refined to 0.01 towards the current value.
 */
function utilFix(s: Subject): Candidate | null {
  const u0 = s.maxUtilForResume;
  const at = (u: number) => ({ ...s, maxUtilForResume: Number(u.toFixed(2)) });
  const grid = [1, 0.99, 0.98, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1].filter((u) => u !== u0).sort((a, b) => Math.abs(a - u0) - Math.abs(b - u0));
  const hit = grid.find((u) => isCertified(at(u)));
  if (hit === undefined) return null;
  let good = hit;
  let bad = u0;
  while (Math.abs(good - bad) > 0.011) {
    const m = Number(((good + bad) / 2).toFixed(2));
    if (m === good || m === bad) break;
    if (isCertified(at(m))) good = m;
    else bad = m;
  }
  return { axis: 'maxUtilForResume', label: `max_util_for_resume ${good} (nearest value that certifies)`, subject: at(good) };
}

/** Changes that flip one switch (no search along the axis). */
function switches(s: Subject): Candidate[] {
  const out: Candidate[] = [];
  for (const m of subjectModes(s)) if (m !== s.mode) out.push({ axis: 'constraints', label: `constraint mode ${m}`, subject: { ...s, mode: m } });
  // The engines' own fixed schedulers: vLLM PR #40946's single-bound admission, SGLang's SWA eviction.
  if (s.policy === 'vllm-v1' && (s.enginePolicy?.vllmAdmission ?? 'full-isl') !== 'single-bound') out.push({ axis: 'enginePolicy', label: 'vLLM admission single-bound (PR #40946)', subject: { ...s, enginePolicy: { ...s.enginePolicy, vllmAdmission: 'single-bound' } } });
  if (s.policy === 'sglang' && (s.enginePolicy?.sglangEviction ?? 'full-lru') !== 'bottleneck') out.push({ axis: 'enginePolicy', label: 'SGLang eviction of out-of-window SWA entries (bottleneck)', subject: { ...s, enginePolicy: { ...s.enginePolicy, sglangEviction: 'bottleneck' } } });
  if (s.policy === 'trtllm-v2' && !s.recomputePause) out.push({ axis: 'recomputePause', label: 'recompute pause on', subject: { ...s, recomputePause: true } });
  if (s.knobs.poolRatio !== null) {
    out.push({ axis: 'poolRatio', label: 'no explicit pool ratio (the typical step sets it)', subject: withKnobs(s, { poolRatio: null }) });
    const r = neededRatio(s);
    if (r) out.push({ axis: 'poolRatio', label: 'pool ratio by the bytes the certificate needs', subject: r });
  }
  return out;
}

/** Searches along one axis; each returns the changed subject that certifies, or null. */
const SEARCHES: { axis: FixAxis; label: string; run: (s: Subject) => Subject | null }[] = [
  { axis: 'maxBatchSize', label: 'largest maxBatchSize', run: bisectMbs },
  { axis: 'quota', label: 'smallest quota', run: smallestQuota },
  { axis: 'maxNumTokens', label: 'largest maxNumTokens', run: bisectTokens },
];

/** Single-axis candidates that certify: switches, the searches, floors, max_util_for_resume. */
function singles(s: Subject): Candidate[] {
  const out: Candidate[] = switches(s).filter((c) => isCertified(c.subject));
  for (const a of SEARCHES) {
    const r = a.run(s);
    if (r) out.push({ axis: a.axis, label: a.label, subject: r });
  }
  for (const c of [floors(s), utilFix(s)]) if (c) out.push(c);
  return out;
}

/**
 * vLLM / SGLang under their own schedulers: the engine's fixed scheduler switch and
 * maxBatchSize / quota (the block count) / maxNumTokens (a named engine scenario is sized from
 * them too). min_slots floors, pool ratios, constraint modes and max_util_for_resume are
 * TensorRT-LLM knobs and are not offered.
 */
function engineCandidates(s: Subject): Candidate[] {
  const out = switches(s).filter((c) => c.axis === 'enginePolicy' && isCertified(c.subject));
  for (const a of SEARCHES) {
    const r = a.run(s);
    if (r) out.push({ axis: a.axis, label: a.label, subject: r });
  }
  return out;
}

function candidates(s: Subject): Candidate[] {
  if (ENGINE_POLICIES.includes(s.policy)) return engineCandidates(s);
  const one = singles(s);
  if (one.length > 0) return one;
  // No single axis: a switch plus a search, or two searches.
  const pairs: Candidate[] = [];
  for (const sw of switches(s)) {
    for (const a of SEARCHES) {
      const r = a.run(sw.subject);
      if (r) pairs.push({ axis: 'pair', label: `${sw.label} + ${a.label}`, subject: r });
    }
  }
  for (let B = Math.floor(schedulerTokens(s) / 2); B >= Math.max(1 + s.knobs.draftTokens, 16); B = Math.floor(B / 2)) {
    const t = withKnobs(s, { maxNumTokens: B });
    for (const a of SEARCHES.filter((x) => x.axis !== 'maxNumTokens')) {
      const r = a.run(t);
      if (r) pairs.push({ axis: 'pair', label: `maxNumTokens ${B} + ${a.label}`, subject: r });
    }
  }
  return pairs;
}

/** The quota the engine ends up using (TensorRT-LLM raises one below min_quota; vLLM / SGLang use the given one). */
const quotaOf = (s: Subject, p: { effectiveQuotaBytes?: number }) => p.effectiveQuotaBytes ?? s.knobs.quotaBytes;

export function listFixes(s: Subject, counterexample: Counterexample | null): Fix[] {
  const before = planSubject(s);
  if (verdictSupport(s, before)) return []; // an engine the verdict does not judge: no fix can be verified
  const cBefore = before.error ? 0 : concurrencyBound(s, computeBounds(s, before)).bound;
  const fixes: Fix[] = [];
  const seen = new Set<string>();
  for (const c of candidates(s)) {
    const plan = planSubject(c.subject);
    const flags = changedFlags(s, c.subject);
    const key = flags.join(' ');
    if (plan.error || seen.has(key)) continue;
    seen.add(key);
    const certified = isCertified(c.subject);
    const rep = counterexample ? replay(c.subject, plan, counterexample.requests) : null;
    const completes = rep === null || rep.outcome === 'completed';
    const verified = certified && completes;
    if (!verified) continue; // never offer a fix that does not work
    fixes.push({
      axis: c.axis,
      label: c.label,
      flags,
      subject: c.subject,
      extraBytes: quotaOf(c.subject, plan) - (before.error ? 0 : quotaOf(s, before)),
      concurrency: concurrencyBound(c.subject, computeBounds(c.subject, plan)).bound,
      concurrencyBefore: cBefore,
      verified,
      verification: `certified safe (${c.subject.policy}); ${rep ? `the ${counterexample!.requests.length}-request counterexample completes in ${rep.steps} passes` : 'no counterexample to replay'}`,
    });
  }
  return fixes.sort((a, b) => a.extraBytes - b.extraBytes || b.concurrency - a.concurrency || a.flags.length - b.flags.length);
}

export function describeFix(f: Fix): string {
  const gib = (x: number) => `${x >= 0 ? '+' : ''}${(x / GiB).toFixed(2)} GiB`;
  return `${f.label}: ${f.flags.join(' ')}  (${gib(f.extraBytes)}, concurrency ${f.concurrencyBefore} -> ${f.concurrency})`;
}
