/**
 * Import of exported JSON. A trace exported from the page carries the link of its run
 * (`playground.query`); since a run is a value, importing it re-runs those settings and checks the
 * summary is identical. A trace without settings (e.g. from `kvpool simulate --json`) is shown as
 * timeline and summary only. A plan JSON (engine output format) is shown as a table.
 * Everything is validated; errors name the field.
 */
import { InputError } from '../../model/errors.ts';
import { parseJsonChecked } from '../../model/parse.ts';
import type { LifeCycle } from '../../planner/lifecycle.ts';
import type { Plan } from '../../planner/types.ts';
import type { PlanRowView, PlanView, RunEvent, RunView, SummaryView } from '../model.ts';
import { SLOT_FREE } from '../model.ts';
import { planViewOf } from './plan.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function numArray(field: string, v: unknown): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new InputError(field, v, 'an array of numbers');
  return v as number[];
}

/** An imported file as a JSON object; size and nesting are checked before parsing (src/model/parse.ts). */
export function parseJsonFile(text: string, name: string): Obj {
  const raw = parseJsonChecked(text, name);
  if (!isObj(raw)) throw new InputError(name, raw, 'a JSON object');
  return raw;
}

/** Add the page link to an exported trace (the JSON object gains a `playground` key first). */
export function withPlayground(traceJson: string, query: string): string {
  return `{"playground":${JSON.stringify({ query })},${traceJson.slice(1)}`;
}

export function isTrace(o: Obj): boolean {
  return o.format === 'kvpool-trace';
}

export function isPlan(o: Obj): boolean {
  return Array.isArray(o.pool_groups) && Array.isArray(o.slot_counts);
}

export function playgroundQuery(o: Obj): string | null {
  const p = o.playground;
  return isObj(p) && typeof p.query === 'string' ? p.query : null;
}

const KINDS = new Set(['admit', 'finish', 'suspend', 'resume', 'preempt', 'stall', 'deadlock']);

/** Timeline-and-summary view of a trace JSON (no slot frames in the export). */
export function traceJsonToRunView(o: Obj): RunView {
  if (o.version !== 1) throw new InputError('version', o.version, '1');
  if (!Array.isArray(o.pools) || o.pools.length === 0) throw new InputError('pools', o.pools, 'a non-empty array of pool columns');
  const pools = o.pools.map((p, i) => {
    if (!isObj(p)) throw new InputError(`pools[${i}]`, p, 'an object');
    const used = numArray(`pools[${i}].used`, p.used);
    const held = numArray(`pools[${i}].heldSuspended`, p.heldSuspended);
    if (held.length !== used.length) throw new InputError(`pools[${i}].heldSuspended`, `length ${held.length}`, `length ${used.length} (as used)`);
    const total = typeof p.total === 'number' ? p.total : 0;
    return { name: typeof p.name === 'string' ? p.name : `pool ${i}`, total, used, held };
  });
  const steps = pools[0].used.length;
  const events: RunEvent[] = (Array.isArray(o.events) ? o.events : []).filter(isObj).flatMap((e) =>
    typeof e.step === 'number' && typeof e.kind === 'string' && KINDS.has(e.kind) ? [{ step: e.step, kind: e.kind as RunEvent['kind'], requestId: Number(e.request ?? -1), poolGroup: Number(e.poolGroup ?? -1) }] : [],
  );
  const s = isObj(o.summary) ? o.summary : {};
  const d = isObj(s.deadlock) ? s.deadlock : null;
  const summary: SummaryView = {
    outcome: s.outcome === 'completed' || s.outcome === 'deadlock' ? s.outcome : 'step-limit',
    steps: Number(s.steps ?? steps),
    completedRequests: Number(s.completedRequests ?? 0),
    totalRequests: Number(s.requests ?? 0),
    maxConcurrentDecodes: Number(s.maxConcurrentDecodes ?? 0),
    peakUsedSlots: Array.isArray(s.peakUsedSlots) ? (s.peakUsedSlots as number[]) : [],
    slotCounts: pools.map((p) => p.total),
    deadlock: d
      ? {
          poolGroup: Number(d.poolGroup),
          poolName: String(d.poolName),
          neededSlots: Number(d.neededSlots),
          freeSlots: Number(d.freeSlots),
          heldByRunning: Number(d.heldByRunning),
          heldBySuspended: Number(d.heldBySuspended),
          suggestedMinSlots: Number(d.suggestedMinSlots),
          message: typeof d.message === 'string' ? d.message : undefined,
        }
      : null,
  };
  const empty = pools.map((p) => ({ owner: new Int32Array(p.total).fill(-1), state: new Uint8Array(p.total).fill(SLOT_FREE) }));
  return {
    poolGroups: pools.map((p, i) => ({ index: i, name: p.name, slotCount: p.total, lifeCycleLabels: [], lifeCycleIds: [], lifeCycles: [] })),
    tokensPerBlock: Number(o.tokensPerBlock ?? 1),
    stepCount: Math.max(1, steps),
    used: pools.map((p) => p.used),
    held: pools.map((p) => p.held),
    events,
    summary,
    story: 'Imported trace without its settings: timeline, events and summary only (slot ownership is not part of the export, so the grids stay empty).',
    frameAt: (step) => ({ step, slotOwner: empty.map((e) => e.owner), slotState: empty.map((e) => e.state), slotBlock: empty.map((e) => e.owner), slotLifeCycle: empty.map((e) => e.owner), requests: [] }),
    toJson: () => JSON.stringify(o),
  };
}

/** Rows of an imported plan JSON (engine output format). */
export function planJsonRows(o: Obj): PlanRowView[] {
  const slots = numArray('slot_counts', o.slot_counts);
  const mins = numArray('min_slots', o.min_slots);
  const bytes = numArray('bytes_per_pool_group', o.bytes_per_pool_group);
  const groups = o.pool_groups as unknown[];
  if (slots.length !== groups.length) throw new InputError('slot_counts', `length ${slots.length}`, `one entry per pool group (${groups.length})`);
  return groups.map((g, i) => {
    if (!isObj(g)) throw new InputError(`pool_groups[${i}]`, g, 'an object');
    return {
      index: i,
      name: String(g.name ?? `pool ${i}`),
      lifeCycles: Array.isArray(g.life_cycle_ids) ? `lc ${g.life_cycle_ids.join(', ')}` : '',
      slotBytes: Number(g.slot_bytes ?? 0),
      minSlots: mins[i] ?? 0,
      slotCount: slots[i],
      bytes: bytes[i] ?? 0,
      decodesBest: null,
      decodesWorst: null,
    };
  });
}

export type ImportOutcome =
  | { readonly kind: 'query'; readonly query: string; readonly summaryJson: string }
  | { readonly kind: 'run'; readonly run: RunView; readonly message: string }
  | { readonly kind: 'plan'; readonly plan: PlanView; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

function objError(e: unknown): string | null {
  return e && typeof e === 'object' && 'message' in e ? String((e as { message: unknown }).message) : null;
}

/** What an imported file is and how to show it; never throws (an error is a message naming the field). */
export function importFile(text: string, name: string): ImportOutcome {
  try {
    const o = parseJsonFile(text, name);
    if (isTrace(o)) {
      const query = playgroundQuery(o);
      if (query !== null) return { kind: 'query', query, summaryJson: JSON.stringify(o.summary) };
      const run = traceJsonToRunView(o);
      return { kind: 'run', run, message: `Imported ${name}: ${run.stepCount} steps (timeline and summary only: the file has no settings).` };
    }
    if (isPlan(o)) {
      const rows = planJsonRows(o);
      const like = planFromJson(o);
      if (like) {
        // The same view as the live plan: rows with decodes and the planner's findings.
        const view = planViewOf(like.plan, like.ctx, null);
        return { kind: 'plan', plan: { ...view, toJson: () => text }, message: `Imported plan ${name}: ${rows.length} pool group(s).` };
      }
      const plan: PlanView = { rows, findings: [], ratioSource: String(o.ratio_source ?? 'unknown'), quotaBytes: Number(o.effective_quota_bytes ?? 0), error: objError(o.error), toJson: () => text };
      return { kind: 'plan', plan, message: `Imported plan ${name}: ${rows.length} pool group(s); the file has no tokens_per_block / max_batch_size, so decodes and findings are not shown (the page's export has them).` };
    }
    throw new InputError(name, 'JSON', 'a trace (format "kvpool-trace") or a plan (pool_groups, slot_counts) exported by the playground or kvpool');
  } catch (e) {
    return { kind: 'error', message: e instanceof InputError ? e.message : `${name}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Does a re-run's summary match the file's (a run is a value)? */
export function sameSummary(run: RunView, summaryJson: string): boolean {
  return JSON.stringify(JSON.parse(run.toJson()).summary) === summaryJson;
}

/**
 * The plan in a JSON file as the planner's Plan (what the plan view and the diagnostics read),
 * when the file says its tokens per block and batch (the page's export does; `kvpool plan --json`
 * has the life cycles and slot counts but not those).
 */
function planFromJson(o: Obj): { plan: Plan; ctx: { maxBatchSize: number; maxSeqLen: number } } | null {
  const tpb = o.tokens_per_block;
  const mbs = o.max_batch_size;
  const msl = o.max_seq_len;
  if (typeof tpb !== 'number' || typeof mbs !== 'number' || typeof msl !== 'number' || !Array.isArray(o.life_cycles)) return null;
  const lcs = o.life_cycles.filter(isObj);
  const lifeCycles: LifeCycle[] = lcs.map((l) => (l.kind === 'ssm' ? { id: Number(l.id), kind: 'ssm' } : { id: Number(l.id), kind: 'attn', windowTokens: l.window === null ? null : Number(l.window), sinkBlocks: Number(l.sink_blocks ?? 0) }));
  const groups = (o.pool_groups as unknown[]).filter(isObj);
  const plan = {
    tokensPerBlock: tpb,
    lifeCycles,
    lifeCyclePoolGroup: lcs.map((l) => Number(l.pool_group)),
    poolGroups: groups.map((g, i) => ({ index: i, name: String(g.name ?? `pool ${i}`), lifeCycleIds: (g.life_cycle_ids as number[]) ?? [], slotSizeList: (g.slot_size_list as number[]) ?? [], slotBytes: Number(g.slot_bytes ?? 0) })),
    slotCounts: numArray('slot_counts', o.slot_counts),
    minSlots: numArray('min_slots', o.min_slots),
    bytesPerPoolGroup: numArray('bytes_per_pool_group', o.bytes_per_pool_group),
    initialRatio: Array.isArray(o.initial_ratio) ? (o.initial_ratio as number[]) : [],
    ratioSource: String(o.ratio_source ?? 'unknown'),
    quotaRaisedToMin: o.quota_raised_to_min === true,
    quotaRoundedBytes: Number(o.quota_rounded_bytes ?? 0),
    minQuotaBytes: Number(o.min_quota_bytes ?? 0),
    effectiveQuotaBytes: Number(o.effective_quota_bytes ?? 0),
    granularityBytes: Number(o.granularity ?? 0),
    error: isObj(o.error) ? { type: String(o.error.type), message: String(o.error.message) } : null,
  } as unknown as Plan;
  return { plan, ctx: { maxBatchSize: mbs, maxSeqLen: msl } };
}
