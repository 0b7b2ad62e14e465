/**
 * Diagnostics: what each pool group can and cannot serve, in numbers and plain words. Built from
 * the same stale-range functions the simulator allocates with, so a bound printed here is the
 * bound the simulator hits.
 *
 * Every decoding request holds at least one slot in every attention pool group (its current
 * block), two where its window straddles a block boundary:
 *
 *   tpb = 8, w = 4   h = 11: window [8, 11]  |blk1    |            -> 1 block  (best alignment)
 *                    h = 9:  window [6, 9]   |blk0    |blk1    |   -> 2 blocks (worst: straddle)
 *
 * so the number of concurrent decodes is bounded by min over pool groups of slots / blocks.
 */

import { decodeBlocksRange } from './lifecycle.ts';
import { divUp } from './pymath.ts';
import type { Plan } from './types.ts';

export interface PoolGroupDiagnostics {
  readonly poolGroup: number;
  readonly name: string;
  /** Windows of the life cycles in this pool group (null = full / no window; 'ssm' = recurrent state). */
  readonly windows: readonly (number | null | 'ssm')[];
  /** Slots one decoding request needs here at best / worst block alignment; null = grows with length. */
  readonly decodeBlocksBest: number | null;
  readonly decodeBlocksWorst: number | null;
  /** Slots one request of maxSeqLen tokens needs (full attention grows with length). */
  readonly blocksAtMaxSeqLen: number;
  readonly minSlots: number;
  readonly slotCount: number;
  readonly slotBytes: number;
  readonly bytes: number;
  /** Concurrent decodes the floor guarantees / the actual slot count supports, at best and worst alignment. */
  readonly floorDecodesBest: number;
  readonly floorDecodesWorst: number;
  readonly decodesBest: number;
  readonly decodesWorst: number;
  /** Concurrent maxSeqLen-long requests the slot count can hold. */
  readonly longRequests: number;
}

export interface Finding {
  readonly severity: 'error' | 'warning' | 'info';
  readonly poolGroup: number | null;
  readonly text: string;
}

export interface PlanDiagnostics {
  readonly poolGroups: readonly PoolGroupDiagnostics[];
  /** Concurrent decodes the whole plan supports (min over pool groups), best and worst alignment. */
  readonly maxDecodesBest: number;
  readonly maxDecodesWorst: number;
  readonly limitingPoolGroup: number | null;
  readonly findings: readonly Finding[];
}

export interface DiagnosticsContext {
  readonly maxBatchSize: number;
  readonly maxSeqLen: number;
  readonly draftTokens?: number;
}

const GiB = 1024 ** 3;
const fmtGiB = (b: number) => `${(b / GiB).toFixed(2)} GiB`;
const per = (slots: number, blocks: number | null) => (blocks === null || blocks === 0 ? Number.POSITIVE_INFINITY : Math.floor(slots / blocks));

function poolGroupDiagnostics(plan: Plan, pg: number, ctx: DiagnosticsContext): PoolGroupDiagnostics {
  const g = plan.poolGroups[pg];
  const tpb = plan.tokensPerBlock;
  let best: number | null = 0;
  let worst: number | null = 0;
  let atMax = 0;
  const windows: (number | null | 'ssm')[] = [];
  for (const id of g.lifeCycleIds) {
    const lc = plan.lifeCycles[id];
    windows.push(lc.kind === 'ssm' ? 'ssm' : lc.windowTokens);
    const r = decodeBlocksRange(lc, tpb, ctx.draftTokens ?? 0);
    // Slots are per life cycle: a pool group with k life cycles pays each of them.
    best = best === null || !Number.isFinite(r.best) ? null : best + r.best;
    worst = worst === null || !Number.isFinite(r.worst) ? null : worst + r.worst;
    atMax += lc.kind === 'ssm' ? 1 : Math.min(divUp(ctx.maxSeqLen, tpb), lc.windowTokens === null ? Infinity : r.worst);
  }
  const slots = plan.slotCounts[pg];
  const min = plan.minSlots[pg];
  return {
    poolGroup: pg,
    name: g.name,
    windows,
    decodeBlocksBest: best,
    decodeBlocksWorst: worst,
    blocksAtMaxSeqLen: atMax,
    minSlots: min,
    slotCount: slots,
    slotBytes: g.slotBytes,
    bytes: plan.bytesPerPoolGroup[pg],
    floorDecodesBest: per(min, best),
    floorDecodesWorst: per(min, worst),
    decodesBest: per(slots, best),
    decodesWorst: per(slots, worst),
    longRequests: per(slots, atMax),
  };
}

function label(d: PoolGroupDiagnostics): string {
  const w = d.windows.map((x) => (x === 'ssm' ? 'recurrent state' : x === null ? 'no window' : `window ${x}`));
  return `pool group ${d.poolGroup} ${d.name} (${[...new Set(w)].join(', ')})`;
}

function ratioWords(plan: Plan): string {
  const r = plan.initialRatio.map((x) => Number(x.toPrecision(3))).join(', ');
  switch (plan.ratioSource) {
    case 'initial_pool_ratio':
      return `with initial_pool_ratio [${r}]`;
    case 'typical_step':
      return `with the typical step's ratio [${r}]`;
    case 'constraints':
      return `with the constraint floors' ratio [${r}]`;
    default:
      return `with the 2049/2048 fallback ratio [${r}]`;
  }
}

function poolFindings(plan: Plan, d: PoolGroupDiagnostics, ctx: DiagnosticsContext): Finding[] {
  const out: Finding[] = [];
  const mbs = ctx.maxBatchSize;
  if (d.decodeBlocksWorst === null) {
    if (d.longRequests < 1) out.push({ severity: 'error', poolGroup: d.poolGroup, text: `${label(d)}: ${d.slotCount} slots cannot hold one request of maxSeqLen ${ctx.maxSeqLen} (needs ${d.blocksAtMaxSeqLen}).` });
    else out.push({ severity: 'info', poolGroup: d.poolGroup, text: `${label(d)}: grows with length; ${d.slotCount} slots hold ${d.longRequests} request(s) of maxSeqLen ${ctx.maxSeqLen} (${d.blocksAtMaxSeqLen} blocks each).` });
    return out;
  }
  const need = mbs * (d.decodeBlocksBest ?? 1);
  if (d.minSlots < need) {
    // Say what min_slots is below: maxBatchSize itself only when a decode takes one block.
    const below = need === mbs ? `maxBatchSize ${mbs}` : `the ${need} blocks that maxBatchSize ${mbs} decodes take (${d.decodeBlocksBest} blocks each)`;
    out.push({
      severity: d.decodesBest < mbs ? 'error' : 'warning',
      poolGroup: d.poolGroup,
      text: `${label(d)}: min_slots ${d.minSlots} is below ${below}; ${ratioWords(plan)} it gets ${d.slotCount} slots, so at most ${d.decodesBest} requests can decode at once, each holding its full window (a policy that preempts and recomputes can run more for a while).`,
    });
  }
  if (d.decodesWorst < mbs && d.decodesBest >= mbs) {
    out.push({
      severity: 'warning',
      poolGroup: d.poolGroup,
      text: `${label(d)}: ${d.slotCount} slots cover ${mbs} aligned decodes (${d.decodeBlocksBest} block each), but a window that starts mid-block needs ${d.decodeBlocksWorst} blocks, so only ${d.decodesWorst} decodes fit when they straddle a block boundary together.`,
    });
  }
  return out;
}

/**
 * A larger quota can cross a granularity step and round every pool up to bigger grains, so a
 * quota just below the step can give more slots. Said only when the re-plan (by the same engine:
 * the caller's rePlan) really has finer grains, and compared pool group by pool group of the same
 * life cycles (an engine may order pool groups differently).
 */
function granularityFinding(plan: Plan, rePlan: ((quotaBytes: number) => Plan) | undefined): Finding[] {
  if (!rePlan) return [];
  const gran = plan.granularityBytes;
  const stepGiB = grainStepBelow(plan.scenario.gpu_quota_bytes);
  if (stepGiB === null) return [];
  const q = stepGiB * GiB - 1;
  const below = rePlan(q);
  if (below.error || below.granularityBytes >= gran) return [];
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const gains: string[] = [];
  const losses: string[] = [];
  for (const [pg, g] of plan.poolGroups.entries()) {
    const j = below.poolGroups.findIndex((o) => same(o.lifeCycleIds, g.lifeCycleIds));
    if (j < 0) return []; // not the same pool groups: nothing to compare
    const d = below.slotCounts[j] - plan.slotCounts[pg];
    if (d > 0) gains.push(`${g.name} +${d}`);
    if (d < 0) losses.push(`${g.name} ${d}`);
  }
  if (gains.length === 0) return [];
  const mib = (b: number) => b / 1024 ** 2;
  return [
    {
      severity: 'info',
      poolGroup: null,
      text: `granularity step: this quota uses ${mib(gran)} MiB grains; a quota just below ${stepGiB} GiB (${q} bytes; ${mib(below.granularityBytes)} MiB grains) would give more slots (${gains.join(', ')})${losses.length ? ` and fewer (${losses.join(', ')})` : ''}. The engine does this too; the port keeps it.`,
    },
  ];
}

/** The grain step (in GiB) at or below quota q where grains last doubled, or null below the first step. */
function grainStepBelow(q: number): number | null {
  // Grains double at 2, 4, 8 and 16 GiB (gpuGranularity clamps above 16 GiB).
  const e = Math.min(4, Math.trunc(Math.log(q / GiB) / Math.log(2)));
  return e >= 1 ? 2 ** e : null;
}

export function diagnose(plan: Plan, ctx: DiagnosticsContext, rePlan?: (quotaBytes: number) => Plan): PlanDiagnostics {
  if (plan.error) {
    return { poolGroups: [], maxDecodesBest: 0, maxDecodesWorst: 0, limitingPoolGroup: null, findings: [{ severity: 'error', poolGroup: null, text: `${plan.error.type}: ${plan.error.message}` }] };
  }
  const pgs = plan.poolGroups.map((_, pg) => poolGroupDiagnostics(plan, pg, ctx));
  let limiting: number | null = null;
  let maxBest = Number.POSITIVE_INFINITY;
  let maxWorst = Number.POSITIVE_INFINITY;
  for (const d of pgs) {
    if (d.decodesWorst < maxWorst || (d.decodesWorst === maxWorst && d.decodesBest < maxBest)) limiting = d.poolGroup;
    maxBest = Math.min(maxBest, d.decodesBest);
    maxWorst = Math.min(maxWorst, d.decodesWorst);
  }
  const findings: Finding[] = [];
  if (plan.quotaRaisedToMin) {
    findings.push({ severity: 'warning', poolGroup: null, text: `quota raised: ${fmtGiB(plan.quotaRoundedBytes)} is below the ${fmtGiB(plan.minQuotaBytes)} that min_slots [${plan.minSlots.join(', ')}] need; the engine silently raises it to ${fmtGiB(plan.effectiveQuotaBytes)}.` });
  }
  for (const d of pgs) findings.push(...poolFindings(plan, d, ctx));
  if (Number.isFinite(maxBest) && limiting !== null) {
    const d = pgs[limiting];
    // "The limit" only when a pool bounds decoding below maxBatchSize; else no pool does.
    const limits = maxWorst < ctx.maxBatchSize;
    // Pool groups that tie at both bounds are named together: picking one of them would be arbitrary.
    const tied = pgs.filter((x) => x.decodesWorst === maxWorst && x.decodesBest === d.decodesBest).map((x) => x.name);
    const who = tied.length > 1 ? `${tied.join(' and ')} (tied)` : d.name;
    const tail = limits ? `the limit is ${who}.` : `no pool group limits decoding below maxBatchSize (the tightest is ${who}).`;
    findings.push({ severity: maxBest < ctx.maxBatchSize ? 'error' : 'info', poolGroup: limiting, text: `at most ${maxBest} concurrent decodes at best alignment and ${maxWorst} at worst, each holding its full window (maxBatchSize ${ctx.maxBatchSize}); ${tail}` });
  }
  findings.push(...granularityFinding(plan, rePlan));
  return { poolGroups: pgs, maxDecodesBest: maxBest, maxDecodesWorst: maxWorst, limitingPoolGroup: limiting, findings };
}
