import { describe, expect, it } from 'vitest';
import { referencePagedDecode } from '../../src/attn/reference.ts';
import { InputError } from '../../src/model/errors.ts';
import { attentionWeights, buildBatch, contextLenOf, probeWeights, weightProbe } from '../../src/ui/bridge/attention.ts';
import { planFor } from '../../src/ui/bridge/engine-plan.ts';
import { fixModeFor } from '../../src/ui/bridge/page-model.ts';
import { knobsFrom, uiFieldOf } from '../../src/ui/bridge/plan.ts';
import { computeRun } from '../../src/ui/bridge/run.ts';
import type { FrameView, PoolGroupView } from '../../src/ui/model.ts';
import { baseState } from '../../src/ui/state/codec.ts';
import { toBase64Url, type UiState } from '../../src/ui/state/params.ts';

describe('core adapter', () => {
  it('maps UI knobs to engine knobs', () => {
    const k = knobsFrom(baseState('trtllm-15401'));
    expect(k).toMatchObject({ tokensPerBlock: 256, maxSeqLen: 137_984, maxBatchSize: 64, maxNumTokens: null, quotaBytes: 40 * 2 ** 30, poolRatio: [0.01, 0.98, 0.01] });
    expect(knobsFrom({ ...baseState('custom'), maxNumTokens: 8192 }).poolRatio).toBeNull();
    expect(knobsFrom(baseState('straddle')).quotaBytes).toBe(1);
  });

  it('plans the #15401 preset with the issue numbers', () => {
    const s = baseState('trtllm-15401');
    expect(planFor(s, null).plan.slotCounts).toEqual([16, 47473, 7]);
    expect(planFor(s, null, 'issue-fix').plan.slotCounts).toEqual([64, 42555, 64]);
    const rows = planFor(s, null).view.rows;
    expect(rows.map((r) => r.name)).toEqual(['SWA', 'COMPRESS', 'STATE']);
    expect(rows.map((r) => r.minSlots)).toEqual([1, 539, 1]);
    expect(rows[2].decodesBest).toBe(7);
  });

  it('reports a ratio of the wrong length against the ratio field', () => {
    let err: unknown;
    try {
      planFor({ ...baseState('trtllm-15401'), poolRatio: [0.5, 0.5] }, null);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect(uiFieldOf((err as InputError).field)).toBe('poolRatio');
    expect(uiFieldOf('layers[3].window')).toBeNull();
  });
});

describe('sim adapter', () => {
  it('trtllm-15401 as shipped deadlocks in STATE; issue-fix completes all 64', () => {
    const bad = computeRun(baseState('trtllm-15401'), null).run;
    expect(bad.summary.outcome).toBe('deadlock');
    expect(bad.summary.deadlock?.poolName).toBe('STATE');
    expect(bad.poolGroups.map((g) => g.slotCount)).toEqual([16, 47473, 7]);
    expect(bad.events.some((e) => e.kind === 'deadlock')).toBe(true);
    let maxHolders = 0;
    for (let t = 0; t < bad.stepCount; t++) maxHolders = Math.max(maxHolders, bad.used[2][t] + bad.held[2][t]);
    expect(maxHolders).toBeLessThanOrEqual(7);
    const good = computeRun({ ...baseState('trtllm-15401'), mode: fixModeFor('as-shipped') as UiState['mode'] }, null).run;
    expect(good.summary.outcome).toBe('completed');
    expect(good.summary.completedRequests).toBe(64);
  });

  it('frames are lookups: the same step gives the same frame after scrubbing elsewhere', () => {
    const run = computeRun(baseState('trtllm-15401'), null).run;
    const a = run.frameAt(40);
    const owners = Array.from(a.slotOwner[2]);
    run.frameAt(3);
    run.frameAt(900);
    expect(Array.from(run.frameAt(40).slotOwner[2])).toEqual(owners);
  });

  it('a changed knob in a named scenario is passed as an override; a generated workload is used when asked', () => {
    const s = { ...baseState('trtllm-15401'), poolRatio: [] as number[] };
    expect(computeRun(s, null).plan.slotCounts).toEqual([324, 18535, 323]);
    const g = computeRun({ ...baseState('trtllm-15401'), mode: 'issue-fix', workload: 'generated', requests: 5, promptLen: 10, outputLen: 5 }, null).run;
    expect(g.summary.totalRequests).toBe(5);
    expect(g.summary.outcome).toBe('completed');
  });

  it('an imported request trace drives the run; a bad row is named', () => {
    const csv = 'arrival,prompt,output\n0,100,20\n2,50,10\n';
    const r = computeRun({ ...baseState('trtllm-15401'), mode: 'issue-fix', workload: 'trace', requestTrace: toBase64Url(csv) }, null).run;
    expect(r.summary.totalRequests).toBe(2);
    expect(r.summary.outcome).toBe('completed');
    let err: unknown;
    try {
      computeRun({ ...baseState('trtllm-15401'), workload: 'trace', requestTrace: toBase64Url('arrival,prompt,output\n0,-5,20\n') }, null);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toContain('row 1');
    expect(uiFieldOf((err as InputError).field)).toBe('requestTrace');
  });

  it('a custom run plans the chosen preset on a generated workload', () => {
    const r = computeRun({ ...baseState('custom'), preset: 'gemma-2-9b', tokensPerBlock: 32, maxSeqLen: 8192, quotaGiB: 8, kvDtype: 'bf16', mode: 'issue-fix', requests: 8, promptLen: 100, outputLen: 20 }, null);
    expect(r.run.summary.outcome).toBe('completed');
    // Gemma 2: sliding and full layers share slots (same slot size), so one pool group with two life cycles.
    expect(r.run.poolGroups.flatMap((g) => g.lifeCycleLabels).length).toBe(2);
  });
});

describe('inspector model', () => {
  const group: PoolGroupView = { index: 0, name: 'SWA', slotCount: 100, lifeCycleLabels: ['lc0 window 6'], lifeCycleIds: [0], lifeCycles: [{ windowTokens: 6, sinkTokens: 0, ssm: false }] };
  const frame = (tables: number[][], hist: number[], states: ('decoding' | 'suspended')[]): FrameView => ({
    step: 0,
    slotOwner: [],
    slotState: [],
    slotBlock: [],
    slotLifeCycle: [],
    requests: tables.map((t, i) => ({ id: i, state: states[i], capacity: hist[i] + 1, history: hist[i], blockTables: [[Int32Array.from(t)]] })),
  });

  it('context length covers the in-flight token and is capped by the table', () => {
    expect(contextLenOf(10, 9, 3, 4)).toBe(10);
    expect(contextLenOf(10, 9, 2, 4)).toBe(8);
    expect(contextLenOf(0, 0, 1, 4)).toBe(1);
  });

  it('compacts physical slots, keeps the selected request first and skips suspended others', () => {
    // tpb 4, window 6: request 0 at history 9 (len 10) reads blocks 1 and 2; block 0 is stale (-1).
    const f = frame(
      [
        [-1, 41, 9],
        [-1, 3, 77],
        [5, 6],
      ],
      [9, 9, 5],
      ['decoding', 'decoding', 'suspended'],
    );
    const b = buildBatch(f, group, 0, group.lifeCycles[0], 1, 4, 7)!;
    expect(b.requestIds).toEqual([1, 0]);
    expect(b.physical).toEqual([3, 77, 41, 9]);
    expect(Array.from(b.input.kvIndices)).toEqual([-1, 0, 1, -1, 2, 3]);
    expect(b.contextLens).toEqual([10, 10]);
    expect(buildBatch(f, group, 0, group.lifeCycles[0], 9, 4, 7)).toBeNull();
  });

  it('the one-hot V probe makes a decode output the attention weights (window and sinks)', () => {
    const withSink: PoolGroupView = { ...group, lifeCycles: [{ windowTokens: 6, sinkTokens: 4, ssm: false }] };
    // tpb 4, history 17 (len 18): sink block 0 plus window [12, 17] in blocks 3 and 4.
    const f = frame([[8, -1, -1, 2, 6]], [17], ['decoding']);
    const probe = weightProbe(f, withSink, 0, withSink.lifeCycles[0], 0, 4, 11)!;
    expect(probe.positions).toEqual([0, 1, 2, 3, 12, 13, 14, 15, 16, 17]);
    expect(probe.input.headDim).toBe(64);
    const w = probeWeights(probe, referencePagedDecode(probe.input));
    const ref = attentionWeights(probe.input, 0, 0);
    for (let j = 0; j < 18; j++) expect(w[j]).toBeCloseTo(ref[j], 6);
    expect(w.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 6);
    expect(w[5]).toBe(0);
  });

  it('weights are a softmax over the window only, consistent with the reference output', () => {
    const f = frame([[-1, 41, 9]], [9], ['decoding']);
    const b = buildBatch(f, group, 0, group.lifeCycles[0], 0, 4, 3)!;
    const w = attentionWeights(b.input, 0, 0);
    expect(w.length).toBe(10);
    for (let j = 0; j < 4; j++) expect(w[j]).toBe(0); // outside [4, 9]
    expect(w.reduce((a, x) => a + x, 0)).toBeCloseTo(1, 12);
    // Output of head 0 = sum_j w_j * V_j: compare with the reference kernel.
    const x = b.input;
    const d = x.headDim;
    const out = new Float64Array(d);
    for (let j = 0; j < w.length; j++) {
      if (w[j] === 0) continue;
      const slot = x.kvIndices[Math.floor(j / 4)];
      const off = (slot * 4 + (j % 4)) * x.numKvHeads * d;
      for (let i = 0; i < d; i++) out[i] += w[j] * x.vPool[off + i];
    }
    const ref = referencePagedDecode(x);
    for (let i = 0; i < d; i++) expect(out[i]).toBeCloseTo(ref[i], 5);
  });
});

describe('generated workloads', () => {
  it('spread widens the length distribution, the seed makes it reproducible', () => {
    const base = { ...baseState('custom'), preset: 'llama-3.1-8b', tokensPerBlock: 32, maxSeqLen: 8192, quotaGiB: 8, kvDtype: 'bf16' as const, mode: 'issue-fix' as const, requests: 16, promptLen: 100, outputLen: 40 };
    const a = computeRun({ ...base, dist: 'lognormal', spread: 1 }, null);
    const b = computeRun({ ...base, dist: 'lognormal', spread: 1 }, null);
    expect(a.run.toJson()).toBe(b.run.toJson());
    const prompts = a.trace.requests.map((r) => r.prompt);
    expect(new Set(prompts).size).toBeGreaterThan(4);
    const fixed = computeRun({ ...base, dist: 'uniform', spread: 0 }, null).trace.requests.map((r) => r.prompt);
    expect(new Set(fixed)).toEqual(new Set([100]));
  });
});
