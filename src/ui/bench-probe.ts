/**
 * In-page measurements for bench/ui.bench.ts (loaded into the running playground through the dev
 * server). Pure measurement helpers: they drive the App and the slot grid and time them with
 * performance.now(); nothing here is used by the page itself.
 */
import type { App } from './app.ts';
import { syntheticRun } from './bridge/synthetic.ts';
import { readGridTheme } from './views/pools.ts';
import { SlotGrid } from './views/slot-grid.ts';

export interface Stats {
  readonly n: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

export function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
  return { n: s.length, medianMs: q(0.5), p95Ms: q(0.95), maxMs: s[s.length - 1], meanMs: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Draw `frames` changing frames of a synthetic pool of `slots` slots into a grid; time each draw. */
export function gridDrawBench(slots: number, frames: number, width = 1200, height = 400): { draw: Stats; frameAt: Stats; layout: string } {
  const run = syntheticRun({ slotCounts: [slots], requests: 256, steps: 64 });
  const canvas = document.createElement('canvas');
  document.body.appendChild(canvas);
  const grid = new SlotGrid(canvas);
  grid.resize(slots, width, height);
  const theme = readGridTheme(document.body);
  const draw: number[] = [];
  const lookup: number[] = [];
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    const f = run.frameAt(i % run.stepCount);
    const t1 = performance.now();
    grid.draw(f.slotOwner[0], f.slotState[0], theme);
    const t2 = performance.now();
    lookup.push(t1 - t0);
    draw.push(t2 - t1);
  }
  canvas.remove();
  const l = grid.layout;
  return { draw: stats(draw), frameAt: stats(lookup), layout: `${l.cols}x${l.rows} cells of ${l.cell}px` };
}

function app(): App {
  const a = (window as unknown as { __kvpool?: App }).__kvpool;
  if (!a) throw new Error('playground not loaded');
  return a;
}

/** Play the loaded run for `ms` and record rAF intervals and the time spent rendering each step. */
export async function playBench(ms: number, speed: number): Promise<{ frames: Stats; render: Stats; steps: number; slots: number[] }> {
  const a = app();
  const render: number[] = [];
  const orig = a.render.bind(a);
  a.render = () => {
    const t0 = performance.now();
    orig();
    render.push(performance.now() - t0);
  };
  a.dispatch({ type: 'seek', step: 0 });
  a.dispatch({ type: 'set', key: 'speed', raw: String(speed) });
  const intervals: number[] = [];
  const start = a.store.get().params.step;
  render.length = 0;
  a.dispatch({ type: 'player', op: 'play' });
  await new Promise<void>((done) => {
    let last = performance.now();
    const t0 = last;
    const tick = (now: number) => {
      intervals.push(now - last);
      last = now;
      if (now - t0 < ms && a.store.get().playing) requestAnimationFrame(tick);
      else done();
    };
    requestAnimationFrame(tick);
  });
  a.dispatch({ type: 'player', op: 'pause' });
  a.render = orig;
  return { frames: stats(intervals.slice(1)), render: stats(render), steps: a.store.get().params.step - start, slots: a.model.run ? a.model.run.poolGroups.map((g) => g.slotCount) : [] };
}

/** Seek to pseudo-random steps (fixed LCG) and time the synchronous lookup + draw of each. */
export function scrubBench(count: number): Stats {
  const a = app();
  const total = a.model.transport.total;
  let x = 12345;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const target = x % total;
    const now = a.store.get().params.step;
    const t0 = performance.now();
    a.dispatch({ type: 'seek', step: target === now ? (target + 1) % total : target });
    times.push(performance.now() - t0);
  }
  return stats(times);
}
