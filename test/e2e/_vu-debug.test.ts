import { it } from 'vitest';
import { startHarness } from './harness.ts';

it('debug map', async () => {
  const hx = await startHarness({ width: 1280, height: 900 });
  const p = hx.page;
  await p.goto(`${hx.baseUrl}?scenario=trtllm-15401&view=map`, { waitUntil: 'load' });
  await p.waitForSelector('#map-run');
  for (let i = 0; i < 14; i++) {
    if (i === 2) await p.click('#map-run');
    await p.waitForTimeout(3000);
    console.log(await p.evaluate(`(() => { const a = window.__kvpool; const pool = a.maps.pool; return JSON.stringify({ q: pool.queue.map(j => j.kind), run: pool.slots.map(s => s.job ? s.job.kind + '#' + s.job.id : null), done: a.maps.sweep && a.maps.sweep.done, vflight: a.models.verdicts.flight && a.models.verdicts.flight.key.slice(0, 40), vcache: a.models.verdicts.cache.size }); })()`));
  }
  await hx.close();
}, 300_000);
