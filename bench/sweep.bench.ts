/**
 * Sweep parallelism (`node bin/run-ts.mjs bench/sweep.bench.ts [--quick]`): the #15401 map (STATE's
 * share of the pool ratio x maxBatchSize, the scenario's own workload) on one worker thread and on
 * two, alternating, best of REPS wall times each. Wall time is the point here (threads), so run it
 * on a quiet machine; the load average is printed next to the figures.
 */
import { loadavg } from 'node:os';
import { CellPool } from '../src/cli/sweep.ts';
import { scenarioConfig } from '../src/sim/index.ts';
import { resolveWorkload } from '../src/sim/workload.ts';
import { scenarioSubject } from '../src/verdict/subject.ts';
import { sweepCells } from '../src/verdict/sweep.ts';

const quick = process.argv.includes('--quick');
const n = quick ? 6 : 10;
const REPS = quick ? 1 : 2;
const base = scenarioSubject('trtllm-15401');
const steps = (a: number, b: number, k: number) => Array.from({ length: k }, (_, i) => a + ((b - a) * i) / (k - 1));
const cells = sweepCells(base, { knob: 'pool-ratio-2', values: steps(0.005, 0.1, n).map((v) => Number(v.toPrecision(4))) }, { knob: 'max-batch-size', values: steps(4, 64, n).map(Math.round) });
const workload = resolveWorkload(scenarioConfig('trtllm-15401').config.workload);
const best = { 1: Number.POSITIVE_INFINITY, 2: Number.POSITIVE_INFINITY } as Record<number, number>;
// Pools started (and their threads' TypeScript loaded) before timing: the sweep is what is measured.
const pools = { 1: new CellPool(1), 2: new CellPool(2) } as Record<number, CellPool>;
await pools[1].ready();
await pools[2].ready();
for (let rep = 0; rep < REPS; rep++) {
  for (const w of [1, 2]) {
    const t0 = performance.now();
    await pools[w].run(cells, workload, 2_000_000, () => {});
    best[w] = Math.min(best[w], performance.now() - t0);
  }
}
await pools[1].close();
await pools[2].close();
console.log(`sweep ${n}x${n} #15401 cells: 1 worker ${(best[1] / 1000).toFixed(2)} s, 2 workers ${(best[2] / 1000).toFixed(2)} s, speed-up x${(best[1] / best[2]).toFixed(2)} (load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
