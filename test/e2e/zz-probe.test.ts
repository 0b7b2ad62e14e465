import { afterAll, beforeAll, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';
let hx: Harness;
beforeAll(async () => { hx = await startHarness(); });
afterAll(async () => { await hx?.close(); });
it('probe', async () => {
  const p = hx.page;
  for (const q of (process.env.QS ?? '?scenario=trtllm-15401&view=plan').split(' ')) {
    await p.goto(`${hx.baseUrl}${q}`);
    await p.waitForSelector('#stage:not([aria-busy])', { timeout: 60000 });
    await p.waitForTimeout(300);
    { const t = await p.evaluate(() => document.body.innerText); console.log(`\n##### ${q}\n`, t.slice(t.indexOf('Planned'), t.indexOf('Planned') + 300), t.slice(t.indexOf('Plan: pool groups'))); }
  }
}, 300000);
