import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseState, defaultState, describeProblem, parseUrlState, runKey, serializeUrlState } from '../../src/ui/state/codec.ts';
import { type KnobParam, knobsOf } from '../../src/ui/state/knobs.ts';
import { DISTS, DTYPES, ENGINE_IDS, fromBase64Url, type KnobValue, MODES, PARAMS, POLICIES, SCENARIOS, toBase64Url, type UiState, VIEWS, WORKLOADS } from '../../src/ui/state/params.ts';

/** A valid value of a knob, from its declaration (range and type). */
function knobArb(k: KnobParam): fc.Arbitrary<KnobValue> {
  const lo = k.spec.min ?? 0;
  const hi = k.spec.max ?? 1_000_000;
  if (k.spec.type === 'bool') return fc.boolean();
  if (k.spec.type === 'int') return fc.integer({ min: Math.floor(lo) + 1, max: Math.floor(hi) });
  if (k.spec.type === 'number') return fc.double({ min: lo, max: hi, noNaN: true }).filter((n) => !(k.spec.minExclusive && n <= lo));
  if (k.spec.type === 'enum') return fc.constantFrom(...(k.spec.values ?? []));
  return fc.array(fc.double({ min: lo + 0.001, max: hi, noNaN: true }), { minLength: 1, maxLength: 4 });
}

const engineArb = fc.constantFrom(...ENGINE_IDS).chain((engine) =>
  fc.record({ engine: fc.constant(engine), knobs: fc.record(Object.fromEntries(knobsOf(engine).map((k) => [k.name, knobArb(k).filter((v) => JSON.stringify(v) !== JSON.stringify(k.spec.default))])), { requiredKeys: [] }) as fc.Arbitrary<UiState['knobs']> }),
);

describe('url state table', () => {
  it('an empty query gives the trtllm-15401 defaults and no problems', () => {
    const { state, problems } = parseUrlState('');
    expect(problems).toEqual([]);
    expect(state).toEqual(defaultState());
    expect(state.scenario).toBe('trtllm-15401');
    expect(state.poolRatio).toEqual([0.01, 0.98, 0.01]);
  });

  it('the default state serializes to just the scenario', () => {
    expect(serializeUrlState({ ...defaultState(), poolRatio: [...defaultState().poolRatio] })).toBe('?scenario=trtllm-15401');
  });

  it('reads hand-written values', () => {
    const { state, problems } = parseUrlState('?scenario=trtllm-15401&mode=issue-fix&step=120&view=inspector&ratio=0.2,0.8&tpb=128');
    expect(problems).toEqual([]);
    expect(state.mode).toBe('issue-fix');
    expect(state.step).toBe(120);
    expect(state.view).toBe('inspector');
    expect(state.poolRatio).toEqual([0.2, 0.8]);
    expect(state.tokensPerBlock).toBe(128);
  });

  it('an explicitly empty ratio means "no ratio" and survives a round trip', () => {
    const s = { ...baseState('trtllm-15401'), poolRatio: [] };
    const q = serializeUrlState(s);
    expect(q).toContain('ratio=');
    expect(parseUrlState(q).state.poolRatio).toEqual([]);
  });

  it('reports bad values, keeps the default and never passes markup through', () => {
    const { state, problems } = parseUrlState('?step=-3&mode=<img src=x onerror=alert(1)>&tpb=1e3&quota=abc&ratio=1,,2&bogus=1');
    expect(state.step).toBe(0);
    expect(state.mode).toBe('as-shipped');
    expect(state.tokensPerBlock).toBe(256);
    expect(state.quotaGiB).toBe(40);
    expect(state.poolRatio).toEqual([0.01, 0.98, 0.01]);
    expect(problems.map((p) => p.param).sort()).toEqual(['bogus', 'mode', 'quota', 'ratio', 'step', 'tpb']);
    const modeProblem = problems.find((p) => p.param === 'mode')!;
    expect(modeProblem.expected).toContain('as-shipped');
    expect(describeProblem(modeProblem)).toContain('URL parameter "mode"');
  });

  it('the straddle scenario starts from the simulator scenario knobs (1-byte quota)', () => {
    const { state } = parseUrlState('?scenario=straddle');
    expect(state.mode).toBe('issue-fix');
    expect(state.maxBatchSize).toBe(16);
    expect(Math.round(state.quotaGiB * 2 ** 30)).toBe(1);
    expect(serializeUrlState(state)).toBe('?scenario=straddle');
    expect(serializeUrlState({ ...state, quotaGiB: 2 / 2 ** 30 })).toBe('?scenario=straddle&quota=2B');
    expect(parseUrlState('quota=512MiB').state.quotaGiB).toBe(0.5);
    expect(parseUrlState('quota=1B').state.quotaGiB).toBe(2 ** -30);
    expect(parseUrlState('quota=5TB').problems[0].param).toBe('quota');
  });

  it('an unknown scenario falls back to trtllm-15401 and is reported', () => {
    const { state, problems } = parseUrlState('scenario=nope');
    expect(state.scenario).toBe('trtllm-15401');
    expect(problems).toHaveLength(1);
    expect(problems[0].param).toBe('scenario');
  });

  it('clamps nothing silently: out-of-range integers are rejected', () => {
    expect(parseUrlState('maxBatch=0').problems).toHaveLength(1);
    expect(parseUrlState('maxBatch=4097').problems).toHaveLength(1);
    expect(parseUrlState('maxBatch=4096').state.maxBatchSize).toBe(4096);
    expect(parseUrlState('util=1.5').problems).toHaveLength(1);
    expect(parseUrlState('ratio=0,0').problems).toHaveLength(1);
  });

  it('a pasted config travels as base64url and decodes back to the same text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'grapheme' }), (text) => {
        const b = toBase64Url(text);
        expect(b).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(fromBase64Url(b)).toBe(text);
      }),
    );
    const cfg = toBase64Url('{"num_hidden_layers":4}');
    expect(parseUrlState(`cfg=${cfg}`).state.config).toBe(cfg);
    expect(parseUrlState('cfg=%3Cscript%3E').problems[0].param).toBe('cfg');
  });

  it('runKey ignores view-only keys', () => {
    const a = baseState('trtllm-15401');
    expect(runKey({ ...a, step: 5, view: 'plan', speed: 2 })).toBe(runKey(a));
    expect(runKey({ ...a, mode: 'issue-fix' })).not.toBe(runKey(a));
  });

  it('every param has a unique URL key', () => {
    const keys = PARAMS.map((p) => p.url);
    expect(new Set(keys).size).toBe(keys.length);
  });

  const baseArb = fc.record({
    scenario: fc.constantFrom(...SCENARIOS),
    preset: fc.constantFrom('deepseek-v4-flash', 'gemma-2-9b', 'llama-3.1-8b', 'qwen3-next-80b-a3b'),
    tokensPerBlock: fc.integer({ min: 1, max: 4096 }),
    maxSeqLen: fc.integer({ min: 1, max: 16_777_216 }),
    maxBatchSize: fc.integer({ min: 1, max: 4096 }),
    maxNumTokens: fc.integer({ min: 0, max: 16_777_216 }),
    quotaGiB: fc.double({ min: 1e-10, max: 4096, noNaN: true }),
    kvDtype: fc.constantFrom(...DTYPES),
    mode: fc.constantFrom(...MODES),
    poolRatio: fc.oneof(fc.constant([] as number[]), fc.array(fc.double({ min: 0.001, max: 10, noNaN: true }), { minLength: 1, maxLength: 5 })),
    policy: fc.constantFrom(...POLICIES),
    maxUtilForResume: fc.double({ min: 0, max: 1, minExcluded: true, noNaN: true }),
    recomputePause: fc.constantFrom('off' as const, 'on' as const),
    workload: fc.constantFrom(...WORKLOADS),
    requests: fc.integer({ min: 1, max: 4096 }),
    promptLen: fc.integer({ min: 1, max: 1_000_000 }),
    outputLen: fc.integer({ min: 1, max: 1_000_000 }),
    dist: fc.constantFrom(...DISTS),
    spread: fc.double({ min: 0, max: 4, noNaN: true }),
    arrivalRate: fc.double({ min: 0, max: 4096, noNaN: true }),
    seed: fc.integer({ min: 0, max: 4_294_967_295 }),
    step: fc.integer({ min: 0, max: 100_000_000 }),
    view: fc.constantFrom(...VIEWS),
    request: fc.integer({ min: -1, max: 1_000_000 }),
    inspectLc: fc.oneof(fc.constant(''), fc.tuple(fc.nat(999), fc.nat(999)).map(([a, b]) => `${a}:${b}`)),
    compareMode: fc.constantFrom(...MODES),
    comparePolicy: fc.constantFrom(...POLICIES),
    speed: fc.double({ min: 0.25, max: 10_000, noNaN: true }),
    config: fc.string({ maxLength: 40 }).map(toBase64Url),
    requestTrace: fc.string({ maxLength: 40 }).map(toBase64Url),
    maxSteps: fc.integer({ min: 1, max: 1_000_000 }),
    lesson: fc.constantFrom('', 'paged-kv', 'windows'),
    lessonStep: fc.integer({ min: 0, max: 999 }),
    compareEngine: fc.constantFrom('', ...ENGINE_IDS),
  });
  const stateArb = fc.tuple(baseArb, engineArb).map(([b, e]) => ({ ...b, ...e }));

  it('parse(serialize(s)) = s for any valid state, with no problems', () => {
    fc.assert(
      fc.property(stateArb, (s: UiState) => {
        const { state, problems } = parseUrlState(serializeUrlState(s));
        expect(problems).toEqual([]);
        expect(state).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('parsing arbitrary junk never throws and always yields a valid state', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (junk) => {
        const { state } = parseUrlState(junk);
        expect(SCENARIOS).toContain(state.scenario);
        expect(Number.isInteger(state.step) && state.step >= 0).toBe(true);
        expect(parseUrlState(serializeUrlState(state)).state).toEqual(state);
      }),
      { numRuns: 300 },
    );
  });
});
