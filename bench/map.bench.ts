/**
 * `npm run bench:map`: the Map view's 20 x 20 #15401 sweep (quota 20..400 GiB x maxBatchSize 4..80)
 * in headless Chromium, on a Web Worker pool of 1 and of 2 workers, measured side by side in one
 * run (1, 2, 1, 2: the machine is shared and noisy), each with at most one cell per worker in
 * flight as the Map view submits them. Each pool is new: its workers first run one cell each (the
 * core loaded and planned, not timed), then sweep twice. The first sweep is what a fresh worker
 * gives (V8 still compiling the verdict's code, on the same two cores); the second is what the
 * page's own pool gives from its second sweep on (the page keeps its workers). Prints both, the
 * speed-ups and the load average. Target: 2 workers at least 1.6x faster than 1.
 */
import { loadavg } from 'node:os';
import { startHarness } from '../test/e2e/harness.ts';

const h = await startHarness({ width: 1280, height: 800 });
try {
  const page = h.page;
  await page.goto(`${h.baseUrl}?scenario=trtllm-15401&view=plan`, { waitUntil: 'load' });
  await page.waitForSelector('#app:not([aria-busy])', { timeout: 120_000 });
  // A string, not a function: the TypeScript runner would add helpers the page does not have.
  const sweep = (workers: number): Promise<number[]> =>
    page.evaluate(`(async () => {
      const n = ${workers};
      const { WorkerPool } = await import('/src/ui/bridge/pool.ts');
      const { baseState } = await import('/src/ui/state/codec.ts');
      const state = baseState('trtllm-15401');
      const pool = new WorkerPool(() => new Worker('/src/ui/bridge/worker.ts', { type: 'module' }), n);
      const cell = (i) => ({ state, x: { knob: 'quota', value: Math.round((20 + (380 * (i % 20)) / 19) * 2 ** 30) }, y: { knob: 'max-batch-size', value: Math.round(4 + (76 * Math.floor(i / 20)) / 19) } });
      // Warm-up: every worker loads the core and plans once (not timed).
      await Promise.all(Array.from({ length: n }, (_, i) => pool.submit('mapCell', cell(i)).promise));
      const once = async () => {
        const t0 = performance.now();
        let next = 0;
        const lane = async () => {
          while (next < 400) await pool.submit('mapCell', cell(next++)).promise;
        };
        await Promise.all(Array.from({ length: n }, lane));
        return performance.now() - t0;
      };
      const first = await once();
      const second = await once();
      pool.terminate();
      return [first, second];
    })()`);
  const times: Record<number, number[][]> = { 1: [], 2: [] };
  for (const n of [1, 2, 1, 2]) times[n].push(await sweep(n));
  const best = (n: number, k: number) => Math.min(...times[n].map((t) => t[k]));
  const fmt = (n: number, k: number) => times[n].map((t) => (t[k] / 1000).toFixed(1)).join(' / ');
  const load = loadavg();
  console.log(`map sweep 20x20 #15401, first sweep of new workers: 1 worker ${fmt(1, 0)} s, 2 workers ${fmt(2, 0)} s; speed-up (best of each) ${(best(1, 0) / best(2, 0)).toFixed(2)}x`);
  console.log(`map sweep 20x20 #15401, second sweep (the page keeps its workers): 1 worker ${fmt(1, 1)} s, 2 workers ${fmt(2, 1)} s; speed-up (best of each) ${(best(1, 1) / best(2, 1)).toFixed(2)}x; load average ${load.map((x) => x.toFixed(2)).join(', ')}`);
} finally {
  await h.close();
}
