/**
 * Progress certificates: an argument, per scheduler policy, that every workload within the limits
 * (maxBatchSize concurrent requests, maxSeqLen tokens each, the pass's token budget) keeps making
 * progress. Each rule states what it needs per pool group and checks it against the slot counts.
 * A policy without a rule gets no certificate (the verdict is then decided by search alone).
 *
 * One rule per policy, in a registry: a policy added to src/sim/policies adds its argument here.
 */

import { zeros } from '../planner/arrays.ts';
import { divUp } from '../planner/pymath.ts';
import type { Plan } from '../planner/types.ts';
import { worstBlocks } from '../sim/policies/no-evict.ts';
import { admissionBlocks } from '../sim/policies/vllm-v1.ts';
import type { RequestSpec } from '../sim/types.ts';
import { type Bounds, footprintOf, type PoolGroupBound } from './bounds.ts';
import { planSubject, type Subject, schedulerTokens } from './subject.ts';

export interface GroupCertificate {
  readonly poolGroup: number;
  readonly name: string;
  readonly slots: number;
  readonly needed: number;
  readonly holds: boolean;
  /** The numbers the requirement rests on, in words. */
  readonly why: string;
}

export interface Certificate {
  readonly policy: string;
  /** Which argument: e.g. 'no-failure' (no allocation can fail) or 'oldest-progresses'. */
  readonly argument: string;
  /** What the policy can free and why that is enough. */
  readonly frees: string;
  readonly holds: boolean;
  readonly poolGroups: readonly GroupCertificate[];
  /** Conditions besides slot counts (e.g. the holder bound needs d = 0 or a large budget). */
  readonly conditions: readonly string[];
}

type Rule = (s: Subject, b: Bounds, holders: number) => Certificate[];

/** Proves that one concrete request list cannot deadlock (lets the search skip it), or says nothing. */
type ListProof = (s: Subject, plan: Plan, list: readonly RequestSpec[]) => boolean;

const windowWords = (g: PoolGroupBound) => g.windows.map((w) => (w === 'ssm' ? 'recurrent state' : w === null ? 'full attention' : `window ${w}`)).join(' + ');

/** One pool group's line of a certificate: it holds when its slots cover what the argument needs. */
function groupLine(g: PoolGroupBound, needed: number, why: string) {
  return { poolGroup: g.poolGroup, name: g.name, slots: g.slots, needed, holds: g.slots >= needed, why };
}

/** What one request alone can hold in a pool group, at its worst alignment. */
const aloneWords = (g: PoolGroupBound, unit: string, extra = '') =>
  `one request alone holds at most ${g.singleRequestBlocks} ${unit} (decode ${g.decodeBlocksWorst} at worst alignment, fresh chunk ${g.freshChunkBlocks}, continued chunk ${g.continuationBlocks}; ${windowWords(g)}${extra})`;

/**
 * No allocation can fail: at most `holders` requests hold slots (the generation phase schedules
 * every decode before the context phase admits anyone, and admits only while the batch has room),
 * each holds at most the worst decode, plus at most one cut chunk and one fresh chunk per pass.
 * Then every pass schedules the oldest request: progress. Suspension is never needed, so it does
 * not matter that on a GPU-only tier it frees nothing.
 */
function noFailure(s: Subject, b: Bounds, holders: number): Certificate {
  const d = s.knobs.draftTokens;
  const B = schedulerTokens(s);
  const conditions: string[] = [];
  // With draft tokens a budget that cannot fit every decode leaves room to admit past maxBatchSize holders.
  const holderBound = d === 0 || B >= holders * (1 + d);
  conditions.push(holderBound ? `at most ${holders} requests hold slots at once (draft ${d}, budget ${B})` : `holder bound fails: draft ${d} with budget ${B} < ${holders} x ${1 + d} can admit past maxBatchSize`);
  const poolGroups = b.poolGroups.map((g) => {
    const w = g.worstPass(holders);
    return groupLine(g, w.blocks, `${holders} requests x ${g.decodeBlocksWorst} blocks at worst alignment (${windowWords(g)}, tpb ${b.tokensPerBlock}, up to maxSeqLen ${b.maxSeqLen}) + ${w.extra} more for the pass's prefill chunks (budget ${B}) = ${w.blocks}`);
  });
  return {
    policy: s.policy,
    argument: 'no-failure',
    frees: 'nothing is needed: with these slots no allocation can fail, so no request is ever suspended (on a GPU-only tier suspending frees nothing, and the certificate does not rely on it)',
    holds: holderBound && poolGroups.every((g) => g.holds),
    poolGroups,
    conditions,
  };
}

/**
 * The oldest request always progresses: the policy tears down (recompute) every other request it
 * needs to, so the oldest competes only with itself; it fits if one request alone fits, and (for
 * the trtllm-v2 resume gate) if its own blocks keep utilization under max_util_for_resume.
 */
function oldestProgresses(s: Subject, b: Bounds, gate: boolean, frees: string): Certificate {
  const poolGroups = b.poolGroups.map((g) => {
    const gateNeed = gate ? Math.ceil(g.decodeBlocksWorst / s.maxUtilForResume) : 0;
    const needed = Math.max(g.singleRequestBlocks, gateNeed);
    return groupLine(g, needed, aloneWords(g, 'blocks') + (gate ? `; resume gate: ${g.decodeBlocksWorst} held / ${s.maxUtilForResume} = ${gateNeed}` : ''));
  });
  return { policy: s.policy, argument: 'oldest-progresses', frees, holds: poolGroups.every((g) => g.holds), poolGroups, conditions: [] };
}

function reservation(s: Subject, b: Bounds): Certificate {
  const poolGroups = b.poolGroups.map((g) => groupLine(g, g.reservationBlocks, `the longest request (prompt ${b.maxPrompt}) reserves ${g.reservationBlocks} blocks (${windowWords(g)})`));
  return {
    policy: s.policy,
    argument: 'reservation',
    frees: 'admission reserves each request\'s worst case, so a started request never waits; finishing releases its reservation, and the oldest waiting request fits once the pool is empty',
    holds: poolGroups.every((g) => g.holds),
    poolGroups,
    conditions: [],
  };
}

/**
 * No allocation fails for this list: the requests together never hold more than the slots, each at
 * the most it can hold over its own life (listFootprint). Then the oldest request is scheduled in
 * every pass (trtllm-v2, vllm-recompute), so the list completes.
 */
const footprintProof: ListProof = (s, plan, list) => {
  const sum = zeros(plan.slotCounts.length);
  // Runs of equal requests (the search's lists are n identical ones, maybe behind one long one)
  // add one footprint times the run's length.
  for (let i = 0; i < list.length; ) {
    const r = list[i];
    let j = i + 1;
    while (j < list.length && list[j].prompt === r.prompt && list[j].output === r.output) j++;
    const f = footprintOf(s, plan, r);
    for (let pg = 0; pg < sum.length; pg++) sum[pg] += (j - i) * f[pg];
    i = j;
  }
  return sum.every((n, pg) => n <= plan.slotCounts[pg]);
};

/** no-evict admits the oldest waiting request once the pool is empty, if its reservation fits at all. */
const reservationProof: ListProof = (s, plan, list) =>
  list.every((r) => plan.slotCounts.every((slots, pg) => plan.lifeCycles.reduce((a, lc) => (plan.lifeCyclePoolGroup[lc.id] === pg ? a + worstBlocks(lc, r.prompt, r.output, plan.tokensPerBlock, schedulerTokens(s), s.knobs.draftTokens) : a), 0) <= slots));

const PROOFS: Record<string, ListProof> = { 'trtllm-v2': footprintProof, 'vllm-recompute': footprintProof, 'no-evict': reservationProof };

export function provesList(s: Subject, plan: Plan, list: readonly RequestSpec[]): boolean {
  const proof = PROOFS[s.policy];
  return proof ? proof(s, plan, list) : false;
}

/**
 * vLLM v1 (recompute preemption from the tail, one shared pool): the oldest running request always
 * progresses if one request alone fits the whole pool (every newer one is preempted first), and
 * with nothing running the pool is empty, so the waiting head is admitted if its admission count
 * (the policy's own `admissionBlocks`, full-ISL or clamped to the startup bound) fits the pool.
 * The longest input the gate ever sees is maxSeqLen tokens (a prompt, or a preempted request's
 * prompt plus output so far), and the count grows with the input, so that one bound covers all.
 */
function vllmV1(s: Subject, b: Bounds): Certificate {
  const plan = planSubject(s);
  const gate = s.enginePolicy?.vllmAdmission ?? 'full-isl';
  const maxModelLen = s.enginePolicy?.maxModelLen ?? Number.MAX_SAFE_INTEGER;
  const n = b.maxSeqLen;
  const poolGroups = b.poolGroups.map((g) => {
    const terms = plan.lifeCycles.filter((lc) => plan.lifeCyclePoolGroup[lc.id] === g.poolGroup).map((lc) => admissionBlocks(lc, n, b.tokensPerBlock, gate, maxModelLen, schedulerTokens(s)));
    const admit = terms.reduce((a, x) => a + x, 0);
    const needed = Math.max(admit, g.singleRequestBlocks);
    return groupLine(g, needed, `admission (${gate}) of a ${n}-token input: ${terms.join(' + ')} = ${admit} blocks; ${aloneWords(g, 'blocks')}`);
  });
  return {
    policy: s.policy,
    argument: 'oldest-progresses',
    frees: 'recompute preemption pops the newest running request and frees all it holds until the oldest fits; with nothing running the shared pool is empty, and the waiting head\'s admission count fits it',
    holds: poolGroups.every((g) => g.holds),
    poolGroups,
    conditions: [`vllm-v1 admission ${gate}${gate === 'single-bound' ? ` (bounds clamped at max_model_len ${maxModelLen})` : ''}`],
  };
}

/**
 * SGLang (FULL + SWA, retract the newest): the oldest running request progresses if it alone fits
 * both pools. FULL holds its whole history. SWA holds its window when the policy can free the
 * out-of-window entries (the fixed eviction turns them into tombstones on demand); under the
 * as-shipped FULL-LRU eviction they are never freed while the request runs, so SWA must hold the
 * whole history too. Requests are at most SGLang's max_req_len (the subject's maxSeqLen, see
 * sglangLimit in subject.ts).
 */
function sglang(s: Subject, b: Bounds): Certificate {
  const plan = planSubject(s);
  const eviction = s.enginePolicy?.sglangEviction ?? 'full-lru';
  const whole = divUp(b.maxSeqLen, b.tokensPerBlock);
  const poolGroups = b.poolGroups.map((g) => {
    const lcs = plan.lifeCycles.filter((lc) => plan.lifeCyclePoolGroup[lc.id] === g.poolGroup);
    const retained = g.poolGroup === 1 && eviction === 'full-lru';
    const needed = retained ? lcs.length * whole : g.singleRequestBlocks;
    const why = retained
      ? `FULL-LRU eviction never frees a running request's out-of-window SWA entries: one request of ${b.maxSeqLen} tokens keeps ${lcs.length} x ${whole} pages here`
      : aloneWords(g, 'pages', g.poolGroup === 1 ? '; out-of-window entries evicted to tombstones on demand' : '');
    return groupLine(g, needed, why);
  });
  return {
    policy: s.policy,
    argument: 'oldest-progresses',
    frees:
      eviction === 'bottleneck'
        ? 'an SWA shortfall evicts out-of-window SWA entries (tombstones), then the newest running requests are retracted (all their pages freed) until the oldest fits'
        : 'the newest running requests are retracted (all their pages freed) until the oldest fits; eviction walks the FULL LRU and frees no SWA entry of a running request',
    holds: poolGroups.every((g) => g.holds),
    poolGroups,
    conditions: [`sglang eviction ${eviction}; requests at most max_req_len ${b.maxSeqLen} tokens`],
  };
}

const RULES: Record<string, Rule> = {
  'vllm-v1': (s, b) => [vllmV1(s, b)],
  sglang: (s, b) => [sglang(s, b)],
  'trtllm-v2': (s, b, h) =>
    s.recomputePause
      ? [noFailure(s, b, h), oldestProgresses(s, b, true, 'recompute-pause tears down every other request from the tail (suspended ones too), freeing all their slots; the oldest request then holds only its own')]
      : [noFailure(s, b, h)],
  'vllm-recompute': (s, b, h) => [noFailure(s, b, h), oldestProgresses(s, b, false, 'recompute preemption frees every newer running request (newest first) until the oldest fits')],
  'no-evict': (s, b) => [reservation(s, b)],
};

export function hasCertificateRule(policy: string): boolean {
  return policy in RULES;
}

/**
 * The certificate for `holders` concurrent requests (maxBatchSize for the verdict; fewer to prove a
 * short request list cannot deadlock). Returns the first argument that holds, else the closest
 * failed one (the first), else null when the policy has no rule.
 */
export function certify(s: Subject, b: Bounds, holders = s.knobs.maxBatchSize): Certificate | null {
  const rule = RULES[s.policy];
  if (!rule) return null;
  const certs = rule(s, b, holders);
  return certs.find((c) => c.holds) ?? certs[0];
}
