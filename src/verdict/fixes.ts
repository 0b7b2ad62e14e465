/**
 * The cheapest changes that make an unsafe configuration safe, one axis at a time (largest
 * maxBatchSize, smallest quota, pool ratio, constraint mode, the engine's own knobs), then the
 * cheapest pairs where no single axis is enough. Every fix listed is verified twice: the changed
 * configuration is certified safe, and the counterexample replayed under it completes. Ranked by
 * extra bytes, then by the concurrency they leave.
 */
import { computeBounds } from './bounds.ts';
import { isCertified } from './check.ts';
import { concurrencyBound } from './findings.ts';
import { type Counterexample, replay } from './search.ts';
import { changedFlags, planSubject, type Subject, schedulerTokens, subjectModes, withKnobs } from './subject.ts';

export type FixAxis = 'maxBatchSize' | 'quota' | 'poolRatio' | 'constraints' | 'recomputePause' | 'maxNumTokens' | 'pair';

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

/** Changes that flip one switch (no search along the axis). */
function switches(s: Subject): Candidate[] {
  const out: Candidate[] = [];
  for (const m of subjectModes(s)) if (m !== s.mode) out.push({ axis: 'constraints', label: `constraint mode ${m}`, subject: { ...s, mode: m } });
  if (s.policy === 'trtllm-v2' && !s.recomputePause) out.push({ axis: 'recomputePause', label: 'recompute pause on', subject: { ...s, recomputePause: true } });
  if (s.knobs.poolRatio !== null) {
    out.push({ axis: 'poolRatio', label: 'no explicit pool ratio (the typical step sets it)', subject: withKnobs(s, { poolRatio: null }) });
    const r = neededRatio(s);
    if (r) out.push({ axis: 'poolRatio', label: 'pool ratio by the bytes the certificate needs', subject: r });
  }
  return out;
}

const SEARCHES: { axis: FixAxis; label: string; run: (s: Subject) => Subject | null }[] = [
  { axis: 'maxBatchSize', label: 'largest maxBatchSize', run: bisectMbs },
  { axis: 'quota', label: 'smallest quota', run: smallestQuota },
  { axis: 'maxNumTokens', label: 'largest maxNumTokens', run: bisectTokens },
];

function candidates(s: Subject): Candidate[] {
  const singles: Candidate[] = switches(s).filter((c) => isCertified(c.subject));
  for (const a of SEARCHES) {
    const r = a.run(s);
    if (r) singles.push({ axis: a.axis, label: a.label, subject: r });
  }
  if (singles.length > 0) return singles;
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

export function listFixes(s: Subject, counterexample: Counterexample | null): Fix[] {
  const before = planSubject(s);
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
      extraBytes: plan.effectiveQuotaBytes - (before.error ? 0 : before.effectiveQuotaBytes),
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
