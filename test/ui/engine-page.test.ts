/** The page plans and simulates through the engine registry: engine key, its knobs, its policy, its report. */
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/planner/engines/registry.ts';
import { POLICY_NAMES } from '../../src/sim/types.ts';
import { controlsModel } from '../../src/ui/bridge/controls.ts';
import { PageModels } from '../../src/ui/bridge/page-model.ts';
import { computeRun } from '../../src/ui/bridge/run.ts';
import { runNow, SyncRuns } from '../../src/ui/bridge/runs.ts';
import { initialState, setParam } from '../../src/ui/state/actions.ts';
import { parseUrlState, serializeUrlState } from '../../src/ui/state/codec.ts';
import { KNOB_PARAMS } from '../../src/ui/state/knobs.ts';
import { ENGINE_IDS } from '../../src/ui/state/params.ts';

const state = (q: string) => {
  const { state: s, problems } = parseUrlState(q);
  expect(problems).toEqual([]);
  return s;
};

describe('the page through the engine registry', () => {
  it('engine values, knob URL keys and policies come from the registry', () => {
    expect(ENGINE_IDS).toEqual(ENGINES.map((e) => e.id));
    for (const e of ENGINES) {
      expect(POLICY_NAMES).toContain(e.policy);
      // Every knob of every engine is a URL key of the page (generated, or a declared row).
      for (const k of e.knobs) expect(parseUrlState(`?scenario=custom&engine=${e.id}&${k.urlKey}=`).problems.filter((p) => p.expected.startsWith('no such'))).toEqual([]);
    }
    expect(KNOB_PARAMS.map((k) => k.url)).toContain('sglRatio');
  });

  it('presets default to the default engine and its mode; named scenarios pin theirs', () => {
    expect(state('?scenario=custom').engine).toBe('trtllm-v2@main');
    expect(state('?scenario=custom').mode).toBe('main');
    expect(state('?scenario=trtllm-15401').engine).toBe('trtllm-v2@15401');
    expect(state('?scenario=vllm-39734').engine).toBe('vllm-v1');
    expect(state('?scenario=vllm-39734').policy).toBe('vllm-v1');
    expect(state('?scenario=sglang-29662').policy).toBe('sglang');
    expect(parseUrlState('?scenario=custom&engine=nope').problems[0].param).toBe('engine');
  });

  it('a knob of another engine is reported, not applied', () => {
    const { state: s, problems } = parseUrlState('?scenario=custom&engine=vllm-v1&sglRatio=0.5');
    expect(problems.map((p) => p.param)).toEqual(['sglRatio']);
    expect(s.knobs).toEqual({});
  });

  it('the picker brings the engine\'s mode and policy and keeps only its knobs; the link carries them', () => {
    let a = initialState('?scenario=custom&engine=sglang&sglRatio=0.5');
    expect(a.params.knobs).toEqual({ swaFullTokensRatio: 0.5 });
    a = setParam(a, 'engine', 'trtllm-v2@15401');
    expect(a.params.mode).toBe('as-shipped');
    expect(a.params.policy).toBe('trtllm-v2');
    expect(a.params.knobs).toEqual({});
    a = setParam(a, 'avg', '4096');
    expect(a.params.knobs).toEqual({ avgSeqLen: 4096 });
    expect(serializeUrlState(a.params)).toContain('engine=trtllm-v2%4015401');
    expect(serializeUrlState(a.params)).toContain('avg=4096');
    expect(setParam(a, 'avg', '-1').fieldErrors.avg).toContain('--avg-seq-len');
  });

  it('vLLM on a preset: one shared pool, its own report and policy; no TensorRT modes offered', () => {
    const s = state('?scenario=custom&preset=gemma-2-9b&engine=vllm-v1&quota=4&maxSeqLen=8192&tpb=16&requests=4&prompt=100&output=20');
    const r = computeRun(s, null);
    expect(r.planView.engine?.id).toBe('vllm-v1');
    expect(r.planView.rows.map((x) => x.name)).toEqual(['shared']);
    expect(r.planView.rows[0].minSlots).toBeNull();
    expect(r.planView.report).toContain('one shared block pool');
    expect(r.planView.report).toContain('max concurrency');
    expect(r.planView.report).toContain(`${r.plan.slotCounts[0]} blocks`);
    expect(r.run.summary.engineHasModes).toBe(false);
    expect(r.trace.summary.outcome).toBe('completed');
    const c = controlsModel({ params: s, fieldErrors: {}, runFieldError: null, configError: '', configOk: '', configText: '', customLoaded: false, loaded: '', notes: {} });
    expect(c.fields.some((f) => f.url === 'mode')).toBe(false);
    expect(c.fields.find((f) => f.url === 'engine')?.note).toContain('no constraint modes');
    expect(c.fields.some((f) => f.url === 'vllmHybridOff')).toBe(true);
  });

  it('SGLang on a preset: FULL and SWA pools; its ratio knob moves them', () => {
    const q = '?scenario=custom&preset=gemma-2-9b&engine=sglang&quota=4&requests=2';
    const a = computeRun(state(q), null);
    const b = computeRun(state(`${q}&sglRatio=0.4`), null);
    expect(a.planView.rows.map((x) => x.name)).toEqual(['FULL', 'SWA']);
    expect(a.planView.report).toContain('SWA pool');
    expect(b.plan.slotCounts[1] / b.plan.slotCounts[0]).toBeLessThan(a.plan.slotCounts[1] / a.plan.slotCounts[0]);
  });

  it('the TensorRT-LLM picker: @main modes offered with the shipped one marked', () => {
    const s = state('?scenario=custom');
    const c = controlsModel({ params: s, fieldErrors: {}, runFieldError: null, configError: '', configOk: '', configText: '', customLoaded: false, loaded: '', notes: {} });
    const mode = c.fields.find((f) => f.url === 'mode');
    expect(mode?.options?.find(([v]) => v === 'main')?.[1]).toContain('ships with trtllm-v2@main');
    expect(mode?.options?.find(([v]) => v === 'as-shipped')?.[1]).toContain('what-if');
    expect(c.fields.find((f) => f.url === 'engine')?.note).toContain('ships constraint mode main');
  });

  it('named scenarios: #15401 under main deadlocks on STATE with 7 slots; vLLM and SGLang show their engine\'s symptom', () => {
    const m = computeRun(state('?scenario=trtllm-15401-main'), null);
    expect(m.run.summary.deadlock?.poolName).toBe('STATE');
    expect(m.run.summary.slotCounts[m.run.summary.deadlock?.poolGroup ?? -1]).toBe(7);
    const v = computeRun(state('?scenario=vllm-39734'), null);
    expect(v.run.summary.deadlock?.engineNote).toContain('Running: 0 reqs, Waiting: 1 reqs, GPU KV cache usage: 0.0%');
    expect(v.planView.report).toContain('one shared block pool: 11468 blocks');
    const g = computeRun(state('?scenario=sglang-29662'), null);
    expect(g.run.summary.deadlock?.poolName).toBe('SWA');
    expect(g.run.summary.deadlock?.engineNote).toContain('not the one being evicted');
    expect(computeRun(state('?scenario=vllm-39734-fixed'), null).run.summary.outcome).toBe('completed');
    expect(computeRun(state('?scenario=sglang-29662-fixed'), null).run.summary.outcome).toBe('completed');
  });

  it('the URL overrides a pinned version within its family, and says why across families', () => {
    const r = computeRun(state('?scenario=trtllm-15401&engine=trtllm-v2@main'), null);
    expect(r.planView.engine?.id).toBe('trtllm-v2@main');
    const bad = runNow(state('?scenario=vllm-39734&engine=sglang'), null);
    expect(bad.error?.field).toBe('engine');
    expect(bad.error?.message).toContain('pinned to vllm-v1');
  });
});

describe('Compare: two engines or versions side by side', () => {
  const pageOf = (q: string) => {
    const runs = new SyncRuns(() => null, () => 0);
    const pm = new PageModels(runs, { kernel: () => ({ state: 'idle' }) as never }, (x) => x);
    return pm.model(initialState(q)).compare;
  };

  it('two TensorRT-LLM versions: every number that moved, with the rule that moved it, true of both plans', () => {
    const c = pageOf('?scenario=trtllm-15401&view=compare&cmpEngine=trtllm-v2@main');
    expect(c?.left.engine).toBe('trtllm-v2@15401');
    expect(c?.right.engine).toBe('trtllm-v2@main');
    const lines = c?.attribution?.lines ?? [];
    expect(lines.length).toBeGreaterThan(0);
    // The order line names both orders; every line names a rule (PR) or says none restores it.
    const order = lines.find((l) => l.startsWith('pool_group_order'));
    expect(order).toContain('"SWA, COMPRESS, STATE" -> "COMPRESS, SWA, STATE"');
    const left = computeRun(state('?scenario=trtllm-15401'), null).plan;
    const right = computeRun(state('?scenario=trtllm-15401&engine=trtllm-v2@main'), null).plan;
    const state15401 = left.poolGroups.findIndex((g) => g.name === 'STATE');
    const stateMain = right.poolGroups.findIndex((g) => g.name === 'STATE');
    const floor = lines.find((l) => l.startsWith('min_slots[STATE]'));
    expect(floor).toContain(`${left.minSlots[state15401]} -> ${right.minSlots[stateMain]}`);
    expect(floor).toMatch(/PR #\d+/);
  });

  it('two engine families: side by side, and the page says no rule can be named', () => {
    const c = pageOf('?scenario=custom&preset=gemma-2-9b&maxSeqLen=8192&tpb=16&quota=4&requests=2&view=compare&cmpEngine=vllm-v1');
    expect(c?.left.run?.poolGroups.length).toBeGreaterThan(0);
    expect(c?.right.run?.poolGroups.map((g) => g.name)).toEqual(['shared']);
    expect(c?.attribution?.lines).toEqual([]);
    expect(c?.attribution?.note).toContain('cannot be attributed to a rule');
  });
});
