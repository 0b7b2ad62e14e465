import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/limits.ts';
import { InputError } from '../../src/model/errors.ts';
import { checkConfig, customConfig } from '../../src/ui/bridge/custom.ts';
import { planFor } from '../../src/ui/bridge/engine-plan.ts';
import { isPlan, isTrace, parseJsonFile, planJsonRows, playgroundQuery, traceJsonToRunView, withPlayground } from '../../src/ui/bridge/import.ts';
import { computeRun } from '../../src/ui/bridge/run.ts';
import { toBase64Url } from '../../src/ui/state/b64.ts';
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

describe('pasted and imported JSON: nesting and size are checked before any parser runs', () => {
  // 200,000 levels: JSON.parse copes, but every recursive walker after it overflowed the stack.
  const deep = (key: string) => `{"${key}":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
  const oneLine = (msg: string) => expect(msg.includes('\n') || msg.length > 300).toBe(false);

  it('an imported file nested too deep is one InputError naming the file and the limit', () => {
    let err: unknown;
    try {
      parseJsonFile(deep('pools'), 'trace.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe('trace.json');
    expect((err as InputError).message).toContain(`at most ${LIMITS.jsonDepth.max}`);
    oneLine((err as InputError).message);
  });

  it('an imported file over the file limit is refused by its size, not parsed', () => {
    const huge = `[${' '.repeat(LIMITS.fileBytes.max)}]`;
    expect(fieldOf(() => parseJsonFile(huge, 'plan.json'))).toBe('plan.json');
    expect(() => parseJsonFile(huge, 'plan.json')).toThrow(/characters"; expected at most 67,108,864/);
  });

  it('a pasted config nested too deep: checkConfig and the link both give one line naming config.json', () => {
    for (const text of [deep('num_hidden_layers'), `{"tokens_per_block":1,"layers":${deep('x')}}`]) {
      const checked = checkConfig(text);
      expect('error' in checked && checked.error).toMatch(/^config\.json: got "JSON nested more than 64 levels deep"; expected nesting at most 64/);
      const linked = customConfig(toBase64Url(text));
      expect(linked.custom).toBeNull();
      expect(linked.error).toBe('error' in checked ? checked.error : '');
      oneLine(linked.error);
    }
  });

  it('nesting at the limit still parses (the check refuses only what is past it)', () => {
    const ok = `{"num_hidden_layers":2,"x":${'['.repeat(LIMITS.jsonDepth.max - 1)}${']'.repeat(LIMITS.jsonDepth.max - 1)}}`;
    expect(checkConfig(ok)).not.toHaveProperty('error', expect.stringContaining('nested'));
    expect(Object.keys(parseJsonFile(ok, 'trace.json'))).toEqual(['num_hidden_layers', 'x']);
  });
});
