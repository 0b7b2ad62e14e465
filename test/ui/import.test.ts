import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/errors.ts';
import { planFor } from '../../src/ui/bridge/engine-plan.ts';
import { isPlan, isTrace, parseJsonFile, planJsonRows, playgroundQuery, traceJsonToRunView, withPlayground } from '../../src/ui/bridge/import.ts';
import { computeRun } from '../../src/ui/bridge/run.ts';
import { baseState, serializeUrlState } from '../../src/ui/state/codec.ts';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.field;
    throw e;
  }
  return '(no error)';
}

describe('import', () => {
  const state = { ...baseState('trtllm-15401'), mode: 'issue-fix' as const };
  const run = computeRun(state, null).run;

  it('an exported trace carries its link and is recognised', () => {
    const text = withPlayground(run.toJson(), serializeUrlState(state));
    const o = parseJsonFile(text, 'trace.json');
    expect(isTrace(o)).toBe(true);
    expect(isPlan(o)).toBe(false);
    expect(playgroundQuery(o)).toBe('?scenario=trtllm-15401&mode=issue-fix');
  });

  it('a trace without settings becomes a timeline-only run with the same columns and summary', () => {
    const o = parseJsonFile(run.toJson(), 'trace.json');
    const v = traceJsonToRunView(o);
    expect(v.stepCount).toBe(run.stepCount);
    expect(Array.from(v.used[2])).toEqual(Array.from(run.used[2]));
    expect(v.summary.outcome).toBe('completed');
    expect(v.summary.completedRequests).toBe(64);
    expect(v.events.length).toBe(run.events.length);
    expect(v.frameAt(5).slotOwner[2].every((x) => x === -1)).toBe(true);
  });

  it('a plan JSON gives one row per pool group', () => {
    const o = parseJsonFile(planFor(state, null).view.toJson(), 'plan.json');
    expect(isPlan(o)).toBe(true);
    const rows = planJsonRows(o);
    expect(rows.map((r) => [r.name, r.minSlots, r.slotCount])).toEqual([
      ['SWA', 64, 64],
      ['COMPRESS', 539, 42555],
      ['STATE', 64, 64],
    ]);
  });

  it('bad files name the field', () => {
    expect(fieldOf(() => parseJsonFile('{oops', 'x.json'))).toBe('x.json');
    expect(fieldOf(() => parseJsonFile('[1]', 'x.json'))).toBe('x.json');
    expect(fieldOf(() => traceJsonToRunView({ format: 'kvpool-trace', version: 2, pools: [] }))).toBe('version');
    expect(fieldOf(() => traceJsonToRunView({ format: 'kvpool-trace', version: 1, pools: [{ used: [1, 'a'], heldSuspended: [] }] }))).toBe('pools[0].used');
    expect(fieldOf(() => traceJsonToRunView({ format: 'kvpool-trace', version: 1, pools: [{ used: [1, 2], heldSuspended: [0] }] }))).toBe('pools[0].heldSuspended');
    expect(fieldOf(() => planJsonRows({ pool_groups: [{}], slot_counts: [1, 2], min_slots: [1], bytes_per_pool_group: [1] }))).toBe('slot_counts');
  });
});
