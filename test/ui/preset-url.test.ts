/**
 * Issue 11 §4.1 in the URL: a link that names a preset reads as choosing that preset in the
 * picker does (the model's own engine defaults, the workload following maxBatchSize), and a state
 * reached by the picker and edits round-trips through its link.
 */
import { describe, expect, it } from 'vitest';
import { engineDefaultsFor } from '../../src/model/engine-defaults.ts';
import { getPreset, listPresets, PRESET_ALIASES } from '../../src/model/presets.ts';
import { followPreset } from '../../src/ui/bridge/defaults.ts';
import { initialState, setParam } from '../../src/ui/state/actions.ts';
import { defaultState, parseUrlState, serializeUrlState } from '../../src/ui/state/codec.ts';
import type { AppState } from '../../src/ui/state/types.ts';

const pick = (s: AppState, id: string): AppState => setParam(s, 'preset', id, id !== s.params.preset ? followPreset(id, s.params) : {});

/** What the picker gives on the page with no query (the default preset: picked back after another one). */
function picked(id: string): AppState {
  const start = initialState('');
  if (id !== start.params.preset) return pick(start, id);
  const other = listPresets().find((m) => m.id !== id)!.id;
  return pick(pick(start, other), id);
}

describe('a link that names a preset reads as the picker', () => {
  for (const m of listPresets()) {
    it(`?scenario=custom&preset=${m.id} is the picker's state, with engine settings valid for the model`, () => {
      const { state, problems } = parseUrlState(`?scenario=custom&preset=${m.id}`);
      expect(problems).toEqual([]);
      expect(state).toEqual(picked(m.id).params);
      const d = engineDefaultsFor(getPreset(m.id));
      expect(state.tokensPerBlock).toBe(d.tokensPerBlock);
      expect(state.kvDtype).toBe(d.kvDtype);
      expect(state.maxSeqLen).toBeLessThanOrEqual(m.maxContext);
      expect(state.requests).toBe(state.maxBatchSize);
      // And the picker's state writes the short link back (the default preset needs no key).
      const link = serializeUrlState(picked(m.id).params);
      expect(link).toBe(m.id === defaultState().preset ? '?scenario=custom' : `?scenario=custom&preset=${m.id}`);
      expect(parseUrlState(link).state).toEqual(state);
    });
  }

  it('a link naming only another preset (no scenario) reads as choosing it on the default page', () => {
    for (const id of ['llama-3.1-8b', 'gemma-3-27b']) {
      const { state, problems } = parseUrlState(`?preset=${id}`);
      expect(problems).toEqual([]);
      expect(state).toEqual(picked(id).params);
      expect(state.scenario).toBe('custom');
    }
    // The default preset alone is the default page (the picker does nothing when it is chosen again).
    expect(parseUrlState(`?preset=${defaultState().preset}`).state).toEqual(defaultState());
  });

  it('a link with a preset alias reads as the canonical preset (the picker\'s option) and writes the canonical id back', () => {
    const options = listPresets().map((m) => m.id);
    for (const [alias, id] of Object.entries(PRESET_ALIASES)) {
      const { state, problems } = parseUrlState(`?scenario=custom&preset=${alias}`);
      expect(problems, alias).toEqual([]);
      expect(options, alias).toContain(state.preset);
      expect(state, alias).toEqual(picked(id).params);
      expect(serializeUrlState(state), alias).toBe(`?scenario=custom&preset=${id}`);
    }
  });

  it('an unknown preset is reported and the default used (with its defaults)', () => {
    const { state, problems } = parseUrlState('?scenario=custom&preset=no-such-model');
    expect(problems.map((p) => p.param)).toEqual(['preset']);
    expect(state.preset).toBe(defaultState().preset);
    expect(state).toEqual(parseUrlState(`?scenario=custom&preset=${defaultState().preset}`).state);
    // Without a scenario, a bad preset leaves the default page as it is.
    expect(parseUrlState('?preset=no-such-model').state).toEqual(defaultState());
  });

  it('explicit values in old links still win over the model defaults', () => {
    const q = '?scenario=custom&preset=gemma-3-27b&tpb=256&maxSeqLen=137984&dtype=fp8&maxBatch=32&requests=64&prompt=200&output=200&quota=20';
    const { state, problems } = parseUrlState(q);
    expect(problems).toEqual([]);
    expect(state).toMatchObject({ preset: 'gemma-3-27b', tokensPerBlock: 256, maxSeqLen: 137_984, kvDtype: 'fp8', maxBatchSize: 32, requests: 64, promptLen: 200, outputLen: 200, quotaGiB: 20 });
    // A named scenario's link still reads against the scenario's own defaults.
    expect(parseUrlState('?scenario=trtllm-15401&preset=gemma-3-27b').state).toEqual({ ...defaultState(), preset: 'gemma-3-27b' });
  });

  it('the generated workload follows maxBatchSize in a link as it does in the picker', () => {
    const s = setParam(picked('llama-3.1-8b'), 'maxBatch', '128');
    expect(s.params.requests).toBe(128);
    expect(serializeUrlState(s.params)).toBe('?scenario=custom&preset=llama-3.1-8b&maxBatch=128');
    expect(parseUrlState('?scenario=custom&preset=llama-3.1-8b&maxBatch=128').state).toEqual(s.params);
  });
});

describe('state -> link -> state for presets with edited values', () => {
  const edits: readonly (readonly [string, string])[][] = [
    [['maxSeqLen', '4096'], ['quota', '8']],
    [['tpb', '64'], ['dtype', 'fp8'], ['requests', '10'], ['output', '77']],
    [['maxBatch', '16'], ['prompt', '512'], ['mode', 'issue-fix']],
    [['maxBatch', '200'], ['requests', '64']],
  ];
  const ids = ['gemma-3-27b', 'llama-3.1-8b', 'deepseek-v4-flash', listPresets().at(-1)!.id];
  for (const id of ids) {
    for (const e of edits) {
      it(`${id} with ${e.map(([k, v]) => `${k}=${v}`).join(', ')}`, () => {
        let s = picked(id);
        for (const [k, v] of e) s = setParam(s, k, v);
        expect(s.fieldErrors).toEqual({});
        const link = serializeUrlState(s.params);
        const back = parseUrlState(link);
        expect(back.problems).toEqual([]);
        expect(back.state).toEqual(s.params);
        expect(serializeUrlState(back.state)).toBe(link);
      });
    }
  }
});
