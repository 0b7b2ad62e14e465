/**
 * Planner benchmark: time to plan every preset in every constraint mode (the UI re-plans on every
 * keystroke, so each must stay well under a millisecond). Not a test: it prints figures.
 *   npm run bench               (table)
 *   node bin/run-ts.mjs bench/planner.bench.ts --json
 */
import { performance } from 'node:perf_hooks';
import { listPresets } from '../src/model/presets.ts';
import { modelToLayers } from '../src/model/to-layers.ts';
import { buildScenario, CONSTRAINT_MODES, type ModelKnobs, planAndDiagnose, planModel, planScenario } from '../src/planner/index.ts';

const GiB = 1024 ** 3;
const json = process.argv.includes('--json');
const rows: { preset: string; mode: string; planUs: number; planAndDiagnoseUs: number; coldUs: number; poolGroups: number }[] = [];

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

for (const model of listPresets()) {
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
    const planned = planModel(model, knobs, mode);
    const planUs = timeIt(() => planScenario(planned.scenario));
    // re-plan: what the UI pays per keystroke (same model, so the layers and their layout are reused)
    const planAndDiagnoseUs = timeIt(() => planModel(model, knobs, mode));
    // cold: fresh manager layers every time, so nothing is cached
    const coldUs = timeIt(() => {
      const layers = modelToLayers(model, { tokensPerBlock: knobs.tokensPerBlock, kvDtype: knobs.kvDtype, draftTokens: 0 });
      return planAndDiagnose(buildScenario(layers, knobs, mode), knobs);
    });
    rows.push({ preset: model.id, mode, planUs, planAndDiagnoseUs, coldUs, poolGroups: planned.plan.poolGroups.length });
  }
}

const worst = rows.reduce((a, r) => (r.planAndDiagnoseUs > a.planAndDiagnoseUs ? r : a));
const worstCold = rows.reduce((a, r) => (r.coldUs > a.coldUs ? r : a));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
if (json) {
  for (const r of rows) console.log(JSON.stringify({ bench: 'planner', ...r }));
} else {
  console.log('planner: time per plan (microseconds), every preset x every constraint mode');
  console.log('  plan = planScenario on a built scenario; re-plan = model + knobs -> plan + diagnostics as the UI does it; cold = nothing cached');
  console.log(`${'preset'.padEnd(22)} ${'mode'.padEnd(11)} ${'pool groups'.padStart(11)} ${'plan us'.padStart(9)} ${'re-plan us'.padStart(11)} ${'cold us'.padStart(9)}`);
  for (const r of rows) console.log(`${r.preset.padEnd(22)} ${r.mode.padEnd(11)} ${String(r.poolGroups).padStart(11)} ${r.planUs.toFixed(1).padStart(9)} ${r.planAndDiagnoseUs.toFixed(1).padStart(11)} ${r.coldUs.toFixed(1).padStart(9)}`);
  console.log(`\nmedian over ${rows.length} cases: plan ${median(rows.map((r) => r.planUs)).toFixed(1)} us, re-plan ${median(rows.map((r) => r.planAndDiagnoseUs)).toFixed(1)} us, cold ${median(rows.map((r) => r.coldUs)).toFixed(1)} us`);
  console.log(`slowest re-plan: ${worst.preset} ${worst.mode}: ${worst.planAndDiagnoseUs.toFixed(1)} us; slowest cold: ${worstCold.preset} ${worstCold.mode}: ${worstCold.coldUs.toFixed(1)} us (goal: well under 1000 us)`);
}
