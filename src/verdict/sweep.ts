/**
 * Maps: how the verdict changes across two knobs. A sweep is a grid of subjects (the base with two
 * knobs set per cell); each cell records the verdict (with a fixed search budget in work units, so
 * a cell is a value: same subject, same result, on any thread) and, for a chosen workload, the most
 * concurrent decodes and the tokens per pass the simulator reached. Cells are independent, so the
 * shells compute them in parallel (worker threads in Node, Web Workers in the page).
 */
import { LIMITS } from '../limits.ts';
import { InputError } from '../model/errors.ts';
import { PoolArena } from '../sim/block-pool.ts';
import { execute } from '../sim/run.ts';
import type { RequestSpec } from '../sim/types.ts';
import { checkSubject, type VerdictKind } from './check.ts';
import { passLimit } from './search.ts';
import { planSubject, presetSubject, type Subject, simConfigOf, withKnobs } from './subject.ts';

/** Knobs a sweep can vary: the CLI flag names. `pool-ratio-N` = pool group N's share of the ratio. */
export const SWEEP_KNOBS = ['max-batch-size', 'quota', 'max-seq-len', 'max-num-tokens', 'tokens-per-block', 'max-util-for-resume', 'pool-ratio-N'] as const;

export interface SweepAxis {
  readonly knob: string;
  readonly values: readonly number[];
}

export interface CellResult {
  readonly verdict: VerdictKind | 'refused';
  readonly maxConcurrentDecodes: number;
  readonly tokensPerStep: number;
  readonly outcome: 'completed' | 'deadlock' | 'step-limit' | 'refused';
  readonly slotCounts: readonly number[];
}

export interface SweepCell {
  readonly xi: number;
  readonly yi: number;
  readonly x: number;
  readonly y: number;
  readonly subject: Subject;
}

/** The subject with one knob set (throws InputError naming the knob for one it cannot vary). */
export function applyKnob(s: Subject, knob: string, v: number): Subject {
  switch (knob) {
    case 'max-batch-size':
      return withKnobs(s, { maxBatchSize: v });
    case 'quota':
      return withKnobs(s, { quotaBytes: v });
    case 'max-seq-len':
      return withKnobs(s, { maxSeqLen: v });
    case 'max-num-tokens':
      return withKnobs(s, { maxNumTokens: v });
    case 'max-util-for-resume':
      return { ...s, maxUtilForResume: v };
    case 'tokens-per-block': {
      // Bytes per block follow the block size: re-derive the layers from the model.
      if (s.source.kind !== 'preset') throw new InputError('sweep knob', knob, 'a preset subject (a named scenario fixes its layers)');
      const src = s.source;
      return { ...presetSubject(src.id, { engine: s.engine, mode: s.mode, kvDtype: src.kvDtype as never, knobs: { ...s.knobs, tokensPerBlock: v } }), policy: s.policy, maxUtilForResume: s.maxUtilForResume, recomputePause: s.recomputePause, stallLimit: s.stallLimit };
    }
  }
  const m = /^pool-ratio-(\d+)$/.exec(knob);
  if (m) {
    const pg = Number(m[1]);
    const n = planSubject({ ...s, knobs: { ...s.knobs, poolRatio: null } }).poolGroups.length;
    if (pg >= n) throw new InputError('sweep knob', knob, `pool-ratio-0 .. pool-ratio-${n - 1}`);
    if (!(v > 0 && v < 1)) throw new InputError(`sweep ${knob}`, v, 'a share in (0, 1)');
    // The other groups share the rest in the base ratio's proportions (equal shares without one).
    const base = s.knobs.poolRatio ?? new Array(n).fill(1);
    const rest = base.reduce((a, r, i) => (i === pg ? a : a + r), 0);
    return withKnobs(s, { poolRatio: base.map((r, i) => (i === pg ? v : ((1 - v) * r) / rest)) });
  }
  throw new InputError('sweep knob', knob, SWEEP_KNOBS.join(', '));
}

export function sweepCells(base: Subject, x: SweepAxis, y: SweepAxis): SweepCell[] {
  const cells: SweepCell[] = [];
  y.values.forEach((yv, yi) => {
    x.values.forEach((xv, xi) => cells.push({ xi, yi, x: xv, y: yv, subject: applyKnob(applyKnob(base, x.knob, xv), y.knob, yv) }));
  });
  return cells;
}

/**
 * Slot storage the cells of this thread share: every run of a cell (the search's replays, the
 * workload's run) takes its pools from it and gives them back, so a thread allocates its largest
 * pools once instead of once per run. A cell's result does not depend on it (test/verdict/sweep-cell.test.ts).
 */
const cellArena = new PoolArena();

/** One cell: the verdict within `workUnits`, then the workload's run. Pure: safe to call in a worker. */
export function evaluateCell(s: Subject, workload: readonly RequestSpec[], workUnits: number): CellResult {
  const plan = planSubject(s);
  if (plan.error) return { verdict: 'refused', maxConcurrentDecodes: 0, tokensPerStep: 0, outcome: 'refused', slotCounts: [] };
  const v = checkSubject(s, { workUnits, arena: cellArena }, 'kind');
  const res = execute(simConfigOf(s, plan, workload, passLimit(s, workload)), workload, false, undefined, 'refuse', cellArena);
  const out: CellResult = {
    verdict: v.verdict,
    maxConcurrentDecodes: res.stats.maxConcurrentDecodes,
    tokensPerStep: res.steps > 0 ? res.stats.tokensScheduled / res.steps : 0,
    outcome: res.outcome,
    slotCounts: [...plan.slotCounts],
  };
  res.state.recycleInto(cellArena);
  return out;
}

/** Values for an axis: "A,B,C" or "A:B:N" (N values from A to B, rounded for integer knobs). */
export function axisValues(knob: string, raw: string, parse: (s: string) => number): number[] {
  const integer = !knob.startsWith('pool-ratio') && knob !== 'max-util-for-resume';
  const range = /^([^:]+):([^:]+):(\d+)$/.exec(raw);
  const count = range ? Number(range[3]) : 0;
  const values = range
    ? Array.from({ length: count }, (_, i) => {
        const lo = parse(range[1]);
        const hi = parse(range[2]);
        const v = count === 1 ? lo : lo + ((hi - lo) * i) / (count - 1);
        return integer ? Math.round(v) : Number(v.toPrecision(6));
      })
    : raw.split(',').map((p) => parse(p.trim()));
  const most = LIMITS.sweepValues.max;
  if (values.length === 0 || values.length > most || values.some((v) => !Number.isFinite(v) || v <= 0)) throw new InputError(`--${knob}`, raw, `A,B,C or A:B:N with 1..${most} positive values (limits.sweepValues: ${LIMITS.sweepValues.why})`);
  return values;
}
