/**
 * `npm run bench:ui`: rendering cost of the pools view in headless Debian Chromium.
 *
 *  1. grid draw: a synthetic 200k-slot pool, every frame different (frame lookup + paint +
 *     putImageData), timed in the page;
 *  2. playing: the real playground with a pool of ~200k slots (DeepSeek-V4-Flash at a quota that
 *     gives its COMPRESS pool that many slots), played for a few seconds: rAF intervals and the
 *     time each step's render takes (trace lookup + all grids + timeline cursor);
 *  3. scrub latency: seeks to pseudo-random steps, each timed synchronously (lookup + draw).
 *
 * Goal: under 16 ms per frame. Prints a table, or JSON with --json.
 */
import { startHarness } from '../test/e2e/harness.ts';

const json = process.argv.includes('--json');
const h = await startHarness({ width: 1280, height: 800 });
try {
  const page = h.page;
  // Quota chosen so the COMPRESS pool of the #15401 layout has ~200k slots (checked below).
  await page.goto(`${h.baseUrl}?scenario=trtllm-15401&quota=170&view=pools`, { waitUntil: 'load' });
  // The run is made in a worker: wait until it is on screen.
  await page.waitForSelector('#app:not([aria-busy])', { timeout: 120_000 });
  const probe = '/src/ui/bench-probe.ts';
  const grid = await page.evaluate(async (p) => {
    const m = await import(/* @vite-ignore */ p);
    m.gridDrawBench(200_000, 20); // warm-up
    return m.gridDrawBench(200_000, 200);
  }, probe);
  const play = await page.evaluate(async (p) => (await import(/* @vite-ignore */ p)).playBench(4000, 60), probe);
  const scrub = await page.evaluate(async (p) => (await import(/* @vite-ignore */ p)).scrubBench(100), probe);
  const rows = [
    { case: 'grid draw 200k slots (synthetic, lookup+paint)', median: grid.draw.medianMs + grid.frameAt.medianMs, p95: grid.draw.p95Ms + grid.frameAt.p95Ms, max: grid.draw.maxMs, note: grid.layout },
    { case: `play: render per step (slots ${play.slots.join('/')})`, median: play.render.medianMs, p95: play.render.p95Ms, max: play.render.maxMs, note: `${play.steps} steps played` },
    { case: 'play: rAF frame interval', median: play.frames.medianMs, p95: play.frames.p95Ms, max: play.frames.maxMs, note: `${play.frames.n} frames` },
    { case: 'scrub: seek latency (lookup+draw)', median: scrub.medianMs, p95: scrub.p95Ms, max: scrub.maxMs, note: `${scrub.n} seeks` },
  ];
  if (json) {
    console.log(JSON.stringify({ goalMs: 16, grid, play, scrub, pageErrors: h.pageErrors }, null, 2));
  } else {
    console.log('KV Pool Playground UI bench (headless Chromium, goal < 16 ms per frame)');
    console.log(`${'case'.padEnd(52)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}  note`);
    for (const r of rows) console.log(`${r.case.padEnd(52)} ${r.median.toFixed(2).padStart(10)} ${r.p95.toFixed(2).padStart(8)} ${r.max.toFixed(2).padStart(8)}  ${r.note}`);
    if (h.pageErrors.length) console.log(`page errors: ${h.pageErrors.join(' | ')}`);
  }
} finally {
  await h.close();
}
