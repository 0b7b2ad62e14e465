/**
 * Planner benchmark: time to plan every preset in every constraint mode with both TensorRT-LLM V2
 * versions (the UI re-plans on every keystroke, so each must stay well under a millisecond), and
 * the side-by-side compare with rule attribution. Not a test: it prints figures.
 *   npm run bench               (table)
 *   node bin/run-ts.mjs bench/planner.bench.ts --json
 */
import { performance } from 'node:perf_hooks';
import { listPresets } from '../src/model/presets.ts';
import { modelToLayers } from '../src/model/to-layers.ts';
import { buildScenario, CONSTRAINT_MODES, compareEngines, type ModelKnobs, planAndDiagnose, planModel, scenarioForModel } from '../src/planner/index.ts';
import { RULES_15401, RULES_MAIN } from '../src/planner/trtllm-rules.ts';
import { planScenario } from '../src/planner/trtllm-v2.ts';

const ENGINES = [
  { id: 'trtllm-v2@15401', rules: RULES_15401 },
  { id: 'trtllm-v2@main', rules: RULES_MAIN },
] as const;

const GiB = 1024 ** 3;
const json = process.argv.includes('--json');
const rows: { preset: string; engine: string; mode: string; planUs: number; planAndDiagnoseUs: number; coldUs: number; poolGroups: number }[] = [];

function timeIt(fn: () => unknown, minMs = 40): number {
  for (let i = 0; i < 20; i++) fn(); // warm up the JIT
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    t = performance.now();
  }
  return ((t - t0) / n) * 1000;
}

const compareRows: { preset: string; compareUs: number; diffs: number }[] = [];

for (const model of listPresets()) {
  for (const engine of ENGINES)
  for (const mode of CONSTRAINT_MODES.filter((m) => m !== 'custom')) {
    const knobs: ModelKnobs = {
      tokensPerBlock: model.defaults.tokensPerBlock,
      maxSeqLen: Math.min(model.maxContext, 131072),
      maxBatchSize: 64,
      maxNumTokens: 8192,
      quotaBytes: 40 * GiB,
      kvDtype: model.defaults.kvDtype,
      draftTokens: 0,
      numExtraKvTokens: 0,
      avgSeqLen: null,
      poolRatio: null,
    };
    const planned = planModel(model, knobs, mode, undefined, engine.id);
    const planUs = timeIt(() => planScenario(planned.scenario, engine.rules));
    // re-plan: what the UI pays per keystroke (same model, so the layers and their layout are reused)
    const planAndDiagnoseUs = timeIt(() => planModel(model, knobs, mode, undefined, engine.id));
    // cold: fresh manager layers every time, so nothing is cached
    const coldUs = timeIt(() => {
      const layers = modelToLayers(model, { tokensPerBlock: knobs.tokensPerBlock, kvDtype: knobs.kvDtype, draftTokens: 0 });
      return planAndDiagnose(buildScenario(layers, { ...knobs, typicalLengthFromMaxSeqLen: model.layers.some((l) => l.kind === 'compressed') }, mode), knobs, engine.id);
    });
    rows.push({ preset: model.id, engine: engine.id, mode, planUs, planAndDiagnoseUs, coldUs, poolGroups: planned.plan.poolGroups.length });
  }
  // The Compare view: both versions of the preset's default configuration, every rule switched off alone (and in pairs, triples).
  const k: ModelKnobs = { tokensPerBlock: model.defaults.tokensPerBlock, maxSeqLen: Math.min(model.maxContext, 131072), maxBatchSize: 64, maxNumTokens: 8192, quotaBytes: 40 * GiB, kvDtype: model.defaults.kvDtype, draftTokens: 0, numExtraKvTokens: 0, avgSeqLen: null, poolRatio: null };
  const rebuild = (m: (typeof CONSTRAINT_MODES)[number]) => scenarioForModel(model, k, m);
  const run = () => compareEngines({ engine: 'trtllm-v2@15401', scenario: rebuild('as-shipped'), mode: 'as-shipped' }, { engine: 'trtllm-v2@main', scenario: rebuild('main'), mode: 'main' }, { rebuild });
  compareRows.push({ preset: model.id, compareUs: timeIt(run, 20), diffs: run().diff.length });
}

const worst = rows.reduce((a, r) => (r.planAndDiagnoseUs > a.planAndDiagnoseUs ? r : a));
const worstCold = rows.reduce((a, r) => (r.coldUs > a.coldUs ? r : a));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
if (json) {
  for (const r of rows) console.log(JSON.stringify({ bench: 'planner', ...r }));
  for (const r of compareRows) console.log(JSON.stringify({ bench: 'planner-compare', ...r }));
} else {
  console.log('planner: time per plan (microseconds), every preset x both trtllm-v2 versions x every constraint mode');
  console.log('  plan = planScenario on a built scenario; re-plan = model + knobs -> plan + diagnostics as the UI does it; cold = nothing cached');
  console.log(`${'preset'.padEnd(22)} ${'engine'.padEnd(16)} ${'mode'.padEnd(11)} ${'pool groups'.padStart(11)} ${'plan us'.padStart(9)} ${'re-plan us'.padStart(11)} ${'cold us'.padStart(9)}`);
  for (const r of rows) console.log(`${r.preset.padEnd(22)} ${r.engine.padEnd(16)} ${r.mode.padEnd(11)} ${String(r.poolGroups).padStart(11)} ${r.planUs.toFixed(1).padStart(9)} ${r.planAndDiagnoseUs.toFixed(1).padStart(11)} ${r.coldUs.toFixed(1).padStart(9)}`);
  console.log(`\nmedian over ${rows.length} cases: plan ${median(rows.map((r) => r.planUs)).toFixed(1)} us, re-plan ${median(rows.map((r) => r.planAndDiagnoseUs)).toFixed(1)} us, cold ${median(rows.map((r) => r.coldUs)).toFixed(1)} us`);
  console.log(`slowest re-plan: ${worst.preset} ${worst.engine} ${worst.mode}: ${worst.planAndDiagnoseUs.toFixed(1)} us; slowest cold: ${worstCold.preset} ${worstCold.engine} ${worstCold.mode}: ${worstCold.coldUs.toFixed(1)} us (goal: well under 1000 us)`);
  for (const e of ENGINES) {
    const mine = rows.filter((r) => r.engine === e.id);
    console.log(`  ${e.id}: median re-plan ${median(mine.map((r) => r.planAndDiagnoseUs)).toFixed(1)} us, max ${Math.max(...mine.map((r) => r.planAndDiagnoseUs)).toFixed(1)} us over ${mine.length} cases`);
  }
  const slowCmp = compareRows.reduce((a, r) => (r.compareUs > a.compareUs ? r : a));
  console.log(`compare @15401 vs @main with rule attribution, per preset: median ${median(compareRows.map((r) => r.compareUs)).toFixed(1)} us, slowest ${slowCmp.preset} ${slowCmp.compareUs.toFixed(1)} us (${slowCmp.diffs} diffs)`);
}
