/**
 * Throughput collapse: a configuration that cannot stall may still serve far fewer requests than
 * maxBatchSize. A concurrency bound below half of maxBatchSize is a finding of its own, naming the
 * bound, the pool group and the reason; so is a quota the engine silently raises to its minimum.
 */
import type { Plan } from '../planner/types.ts';
import type { Bounds } from './bounds.ts';
import { planSubject, type Subject, subjectModes } from './subject.ts';

export interface VerdictFinding {
  readonly kind: 'throughput-collapse' | 'quota-raised' | 'safe-mode-quota';
  readonly poolGroup: number | null;
  readonly text: string;
  readonly numbers: Readonly<Record<string, number>>;
}

const GiB = 1024 ** 3;
const gib = (b: number) => `${(b / GiB).toFixed(b < 10 * GiB ? 2 : 0)} GiB`;

/** Concurrent decodes the slots allow: the smallest over pool groups (at worst alignment; full attention at maxSeqLen). */
export function concurrencyBound(s: Subject, b: Bounds): { bound: number; poolGroup: number | null } {
  let bound = s.knobs.maxBatchSize;
  let poolGroup: number | null = null;
  for (const g of b.poolGroups) {
    if (g.concurrentWorst < bound) {
      bound = g.concurrentWorst;
      poolGroup = g.poolGroup;
    }
  }
  return { bound, poolGroup };
}

export function collapseFindings(s: Subject, plan: Plan, b: Bounds): VerdictFinding[] {
  const out: VerdictFinding[] = [];
  const mbs = s.knobs.maxBatchSize;
  for (const g of b.poolGroups) {
    if (!(g.concurrentWorst < mbs / 2)) continue;
    const why = g.lengthIndependent
      ? `each decoding request holds up to ${g.decodeBlocksWorst} blocks here at any length (${g.decodeBlocksBest} at best alignment)`
      : `a request of maxSeqLen ${s.knobs.maxSeqLen} holds ${g.decodeBlocksWorst} blocks here`;
    out.push({
      kind: 'throughput-collapse',
      poolGroup: g.poolGroup,
      text: `throughput collapse: pool group ${g.poolGroup} ${g.name} has ${g.slots} slots and ${why}, so at most ${g.concurrentWorst} requests decode at once (${g.concurrentBest} at best alignment), below half of maxBatchSize ${mbs}`,
      numbers: { bound: g.concurrentWorst, boundBest: g.concurrentBest, slots: g.slots, blocksPerRequest: g.decodeBlocksWorst, maxBatchSize: mbs },
    });
  }
  if (plan.quotaRaisedToMin) {
    out.push({
      kind: 'quota-raised',
      poolGroup: null,
      text: `quota raised: ${s.mode} mode needs ${gib(plan.minQuotaBytes)} for min_slots [${plan.minSlots.join(', ')}]; you gave ${gib(s.knobs.quotaBytes)}`,
      numbers: { neededBytes: plan.minQuotaBytes, givenBytes: s.knobs.quotaBytes },
    });
  }
  if (s.mode !== 'safe' && subjectModes(s).includes('safe')) {
    const safe = planSubject({ ...s, mode: 'safe' });
    if (!safe.error && safe.minQuotaBytes > s.knobs.quotaBytes) {
      out.push({
        kind: 'safe-mode-quota',
        poolGroup: null,
        text: `safe mode needs ${gib(safe.minQuotaBytes)}; you gave ${gib(s.knobs.quotaBytes)} (min_slots [${safe.minSlots.join(', ')}])`,
        numbers: { neededBytes: safe.minQuotaBytes, givenBytes: s.knobs.quotaBytes },
      });
    }
  }
  return out;
}
