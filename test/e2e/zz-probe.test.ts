import { afterAll, beforeAll, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let hx: Harness;
beforeAll(async () => { hx = await startHarness({ width: 1280, height: 800 }); });
afterAll(async () => { await hx?.close(); });
it('probe', async () => {
  const ctx = await hx.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const p = await ctx.newPage();
  await p.goto(`${hx.baseUrl}?scenario=trtllm-15401`, { waitUntil: 'load' });
  await p.waitForTimeout(2000);
  const cdp = await ctx.newCDPSession(p);
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8', transferMode: 'ReturnAsStream' } as any);
  await p.goto(`${hx.baseUrl}${process.env.Q}`, { waitUntil: 'load' });
  await p.waitForFunction(() => (document.querySelector('#run-status')?.textContent ?? '').startsWith('Planned'), null, { timeout: 120000 });
  await p.waitForTimeout(1500);
  const events: any[] = [];
  const done = new Promise<void>((res) => cdp.on('Tracing.tracingComplete', async (e: any) => {
    let s = '';
    for (;;) { const r: any = await cdp.send('IO.read', { handle: e.stream }); s += r.data; if (r.eof) break; }
    const j = JSON.parse(s); events.push(...(j.traceEvents ?? j));
    res();
  }));
  await cdp.send('Tracing.end');
  await done;
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = (e: any) => mains.has(`${e.pid}:${e.tid}`);
  const main = events.filter((e) => onMain(e) && e.name === 'RunTask' && e.dur > 50000);
  for (const t of main) {
    const kids = events.filter((e) => onMain(e) && e.pid === t.pid && e.tid === t.tid && e.ts >= t.ts && e.ts < t.ts + t.dur && e.dur > 2000 && e.name !== 'RunTask');
    const agg = new Map<string, number>();
    for (const k of kids) { const d = k.args?.data ?? {}; const n = k.name + (d.functionName ? ':' + d.functionName : '') + (d.url ? ' ' + String(d.url).slice(-28) : '') + (d.type ? ' ' + d.type : ''); agg.set(n, (agg.get(n) ?? 0) + k.dur / 1000); }
    console.log(`TASK ${(t.dur / 1000).toFixed(0)}ms: ${[...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => `${k}=${v.toFixed(0)}`).join(' | ')}`);
  }
});
