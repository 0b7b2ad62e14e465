/**
 * Sweep parallelism (`node bin/run-ts.mjs bench/sweep.bench.ts [--quick]`): the Map view's #15401
 * map (quota 20..400 GiB x maxBatchSize 4..80, 20 x 20; --quick 10 x 10; the scenario's own
 * workload) on one worker thread and on two, alternating, best of REPS wall times each. (The grid
 * was STATE's pool-ratio share x maxBatchSize, 10 x 10: since cells got cheap that is a quarter of a
 * second of work, which measured thread start-up and JIT warm-up rather than the sweep.) Wall time is the point here (threads), so run it
 * on a quiet machine; the load average is printed next to the figures.
 *
 * Beside the wall times: the process's CPU seconds per run and the cell threads' own (Linux
 * /proc/thread-self). Their ratio is what V8's collector threads (and the main thread) add to a
 * cell thread; on two cores, two workers can be at most 2 / that ratio faster than one, whatever
 * the load, so it is the figure to watch where the machine is shared.
 */
import { loadavg } from 'node:os';
import { CellPool } from '../src/cli/sweep.ts';
import { scenarioConfig } from '../src/sim/index.ts';
import { resolveWorkload } from '../src/sim/workload.ts';
import { scenarioSubject } from '../src/verdict/subject.ts';
import { sweepCells } from '../src/verdict/sweep.ts';

const quick = process.argv.includes('--quick');
const n = quick ? 10 : 20;
const REPS = quick ? 1 : 2;
const base = scenarioSubject('trtllm-15401');
const steps = (a: number, b: number, k: number) => Array.from({ length: k }, (_, i) => a + ((b - a) * i) / (k - 1));
const GiB = 2 ** 30;
const cells = sweepCells(base, { knob: 'quota', values: steps(20, 400, n).map((g) => Math.round(g * GiB)) }, { knob: 'max-batch-size', values: steps(4, 80, n).map(Math.round) });
const workload = resolveWorkload(scenarioConfig('trtllm-15401').config.workload);
const best = { 1: Number.POSITIVE_INFINITY, 2: Number.POSITIVE_INFINITY } as Record<number, number>;
const runs: string[] = [];
// Pools started (and their threads' TypeScript loaded) before timing: the sweep is what is measured.
const pools = { 1: new CellPool(1), 2: new CellPool(2) } as Record<number, CellPool>;
await pools[1].ready();
await pools[2].ready();
const sum = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : (xs as number[]).reduce((a, x) => a + x, 0));
for (let rep = 0; rep < REPS; rep++) {
  for (const w of [1, 2]) {
    const threads0 = sum(await pools[w].threadCpu());
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await pools[w].run(cells, workload, 2_000_000, () => {});
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const threads1 = sum(await pools[w].threadCpu());
    best[w] = Math.min(best[w], ms);
    const processCpu = (cpu.user + cpu.system) / 1e6;
    const threadCpu = threads0 !== null && threads1 !== null ? threads1 - threads0 : null;
    runs.push(`  ${w} worker(s): ${(ms / 1000).toFixed(2)} s wall, process ${processCpu.toFixed(2)} CPU s` + (threadCpu !== null ? `, cell threads ${threadCpu.toFixed(2)} CPU s (process / cell threads ${(processCpu / threadCpu).toFixed(2)})` : '') + ` (load ${loadavg()[0].toFixed(1)})`);
  }
}
await pools[1].close();
await pools[2].close();
console.log(runs.join('\n'));
console.log(`sweep ${n}x${n} #15401 cells: 1 worker ${(best[1] / 1000).toFixed(2)} s, 2 workers ${(best[2] / 1000).toFixed(2)} s, speed-up x${(best[1] / best[2]).toFixed(2)} (load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
