/**
 * Each finding is true of the numbers beside it (issue 11 §4.2): "min_slots X is below
 * maxBatchSize Y" only when X < Y; "the limit is P" only when P bounds decoding below
 * maxBatchSize; a concurrency bound says which requests it counts (a policy that preempts and
 * recomputes can exceed it for a while).
 */
import { describe, expect, it } from 'vitest';
import { listPresets } from '../../src/model/presets.ts';
import { CONSTRAINT_MODES } from '../../src/planner/build.ts';
import { planModel } from '../../src/planner/index.ts';

const GiB = 2 ** 30;

describe('findings agree with their numbers', () => {
  const cases = listPresets()
    .slice(0, 12)
    .flatMap((m) => CONSTRAINT_MODES.filter((c) => c !== 'custom').flatMap((mode) => [64, 128].map((mbs) => ({ m, mode, mbs }))));
  it(`${cases.length} preset x mode x maxBatchSize plans`, () => {
    let checked = 0;
    for (const { m, mode, mbs } of cases) {
      const knobs = { tokensPerBlock: m.defaults.tokensPerBlock, maxSeqLen: Math.min(m.maxContext, 32_768), maxBatchSize: mbs, maxNumTokens: 8192, quotaBytes: 40 * GiB, kvDtype: m.defaults.kvDtype, draftTokens: 0, numExtraKvTokens: 0, avgSeqLen: null, poolRatio: null };
      let texts: string[];
      let d: ReturnType<typeof planModel>['diagnostics'];
      try {
        const p = planModel(m, knobs, mode);
        d = p.diagnostics;
        texts = d.findings.map((f) => f.text);
      } catch {
        continue;
      }
      for (const t of texts) {
        const below = /min_slots (\d+) is below maxBatchSize (\d+)/.exec(t);
        if (below) expect(Number(below[1]), t).toBeLessThan(Number(below[2]));
        const limit = /the limit is (.+?)( \(tied\))?\.$/.exec(t);
        if (limit) {
          expect(d.maxDecodesWorst, t).toBeLessThan(mbs);
          // Every pool group named is at the bound; with "(tied)" more than one is.
          const names = limit[1].split(' and ');
          for (const n of names) expect(d.poolGroups.find((g) => g.name === n)?.decodesWorst, t).toBe(d.maxDecodesWorst);
          expect(names.length > 1, t).toBe(limit[2] !== undefined);
        }
        if (/can decode at once/.test(t)) expect(t).toMatch(/full window|each holding/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

/**
 * "A quota of Q would give more slots (NAME +d)": true of a re-plan at Q by the same engine, with
 * finer grains than this quota's (issue 11 §4.2: the trtllm-15401-main page said "SWA +38000", a
 * re-plan under the other version's rules and pool-group order, at a quota with the same grains).
 */
const GRAIN = /this quota uses (\d+) MiB grains; a quota (?:of ([\d.]+) GiB \(|just below [\d.]+ GiB \((\d+) bytes; )(\d+) MiB grains\) would give more slots \(([^)]*)\)(?: and fewer \(([^)]*)\))?/;

function checkGrainFinding(text: string, slotsOf: (quota: number) => { names: readonly string[]; slots: readonly number[]; grainMiB: number }, now: { names: readonly string[]; slots: readonly number[] }): void {
  const m = GRAIN.exec(text);
  expect(m, `a granularity finding names both grains and the quota: ${text}`).not.toBeNull();
  const [, here, gib, bytes, grain, gains, losses] = m!;
  const quota = gib ? Math.round(Number(gib) * GiB) : Number(bytes);
  const there = Number(grain);
  expect(there, text).toBeLessThan(Number(here));
  const other = slotsOf(quota);
  expect(other.grainMiB, text).toBe(there);
  const named = new Set<string>();
  for (const part of [...gains.split(', '), ...(losses ? losses.split(', ') : [])]) {
    const [, name, d] = /^(\S+) ([+-]\d+)$/.exec(part)!;
    named.add(name);
    const i = now.names.indexOf(name);
    const j = other.names.indexOf(name);
    expect(other.slots[j] - now.slots[i], `${text}: ${name}`).toBe(Number(d));
  }
  // Every pool group whose slot count changes is named (a gain is never shown without its cost).
  for (const [i, name] of now.names.entries()) if (!named.has(name)) expect(other.slots[other.names.indexOf(name)], `${text}: ${name} unchanged`).toBe(now.slots[i]);
}

describe('granularity findings on the page are true of a re-plan by the same engine', () => {
  it('every named TensorRT-LLM scenario, every mode it offers, quotas across the grain steps', async () => {
    const { NAMED_SCENARIOS, scenarioConfig } = await import('../../src/sim/scenarios.ts');
    const { planViewOf } = await import('../../src/ui/bridge/plan.ts');
    let seen = 0;
    for (const s of NAMED_SCENARIOS.filter((n) => n.name.startsWith('trtllm') || n.name === 'straddle')) {
      for (const mode of CONSTRAINT_MODES.filter((c) => c !== 'custom')) {
        for (const q of [3, 4, 8, 16, 20, 40]) {
          const at = (quota: number) => scenarioConfig(s.name, { constraints: mode, knobs: { quotaBytes: quota } });
          let built: ReturnType<typeof at>;
          try {
            built = at(q * GiB);
          } catch {
            continue;
          }
          const { plan, knobs } = built;
          if (plan.error) continue;
          const view = planViewOf(plan, { maxBatchSize: knobs.maxBatchSize, maxSeqLen: knobs.maxSeqLen });
          for (const t of view.findings.filter((f) => f.startsWith('granularity step'))) {
            seen++;
            const slotsOf = (quota: number) => {
              const p = at(quota).plan;
              return { names: p.poolGroups.map((g) => g.name), slots: p.slotCounts, grainMiB: p.granularityBytes / 2 ** 20 };
            };
            checkGrainFinding(t, slotsOf, { names: plan.poolGroups.map((g) => g.name), slots: plan.slotCounts });
          }
        }
      }
    }
    for (const m of listPresets().slice(0, 6)) {
      for (const engine of ['trtllm-v2@15401', 'trtllm-v2@main']) {
        for (const q of [4, 8, 16]) {
          const knobsAt = (quota: number) => ({ tokensPerBlock: m.defaults.tokensPerBlock, maxSeqLen: Math.min(m.maxContext, 32_768), maxBatchSize: 64, maxNumTokens: 8192, quotaBytes: quota, kvDtype: m.defaults.kvDtype, draftTokens: 0, numExtraKvTokens: 0, avgSeqLen: null, poolRatio: null });
          const mode = engine.endsWith('main') ? 'main' : 'as-shipped';
          let now: ReturnType<typeof planModel>;
          try {
            now = planModel(m, knobsAt(q * GiB), mode, undefined, engine);
          } catch {
            continue;
          }
          const view = planViewOf(now.plan, { maxBatchSize: 64, maxSeqLen: knobsAt(0).maxSeqLen });
          // The page's plan view and the engine's diagnostics say the same.
          expect(view.findings, `${m.id} ${engine} ${q} GiB`).toEqual(now.diagnostics.findings.map((f) => f.text));
          for (const t of view.findings.filter((f) => f.startsWith('granularity step'))) {
            seen++;
            const slotsOf = (quota: number) => {
              const p = planModel(m, knobsAt(quota), mode, undefined, engine).plan;
              return { names: p.poolGroups.map((g) => g.name), slots: p.slotCounts, grainMiB: p.granularityBytes / 2 ** 20 };
            };
            checkGrainFinding(t, slotsOf, { names: now.plan.poolGroups.map((g) => g.name), slots: now.plan.slotCounts });
          }
        }
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});
