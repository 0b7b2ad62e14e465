/**
 * The playground end to end in headless Debian Chromium (playwright-core, no browser download),
 * served by Vite on 127.0.0.1. One browser for the file; the tests run in order and share the page.
 * Screenshots of the main states go to artifacts/screenshots/ (gitignored).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SHOTS, shot, startHarness } from './harness.ts';

let hx: Harness;

beforeAll(async () => {
  hx = await startHarness({ width: 1280, height: 800 });
});

afterAll(async () => {
  await hx?.close();
});

const stepLabel = () => hx.page.textContent('#t-step');
/** Keyboard shortcuts are ignored while a form control has focus (as they must be). */
const blur = () => hx.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

async function waitForEnd(): Promise<string> {
  await hx.page.waitForFunction(
    () => {
      const m = /step (\d+) \/ (\d+)/.exec(document.querySelector('#t-step')?.textContent ?? '');
      return m !== null && m[1] === m[2];
    },
    null,
    { timeout: 60_000 },
  );
  return (await stepLabel()) ?? '';
}

describe('playground in Chromium', () => {
  it('loads with trtllm-15401 by default and draws the pools', async () => {
    const p = hx.page;
    await p.goto(hx.baseUrl, { waitUntil: 'load' });
    await p.waitForSelector('#app:not([aria-busy])');
    expect(await p.title()).toBe('KV Pool Playground');
    expect(await p.getAttribute('[data-scenario="trtllm-15401"]', 'aria-pressed')).toBe('true');
    expect(await p.textContent('#story')).toContain('15401');
    // Before progress stops the explainer only announces the outcome.
    expect(await p.textContent('#explainer')).toMatch(/stops making progress at pass \d+ \(the STATE pool runs out\)/);
    // Three pool groups of the #15401 plan: SWA 16, COMPRESS 47473, STATE 7 slots.
    const labels = await p.$$eval('#pools canvas', (cs) => cs.map((c) => c.getAttribute('aria-label')));
    expect(labels).toEqual(['pool group 0 SWA: 16 slots', 'pool group 1 COMPRESS: 47473 slots', 'pool group 2 STATE: 7 slots']);
    // The grids are drawn: the STATE canvas has coloured (non-empty) pixels at step 0.
    const coloured = await p.$eval('#pools canvas[data-pool="2"]', (c) => {
      const cv = c as HTMLCanvasElement;
      const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
      const set = new Set<string>();
      for (let i = 0; i < d.length; i += 4) set.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      return set.size;
    });
    expect(coloured).toBeGreaterThan(3);
    // Keyboard: a focused grid takes the arrow keys (the player does not move).
    await p.focus('#pools canvas[data-pool="2"]');
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('ArrowRight');
    expect(await p.textContent('#slot-tooltip')).toMatch(/^STATE slot 1\nrequest \d+ \(running\)\nblock ordinal 0/);
    expect(await p.textContent('#t-step')).toMatch(/^step 0 \//);
    await p.keyboard.press('Escape');
    // The run stalls at pass 57 and repeats it until pass 1056, so the chart opens zoomed on 0..77.
    expect(await p.textContent('#timeline-note')).toMatch(/^Zoomed to passes 0–77/);
    // (Clicking the zoomed chart to jump to a step is tested in defects.test.ts, case 4.)
    await p.keyboard.press('Home');
    expect(hx.pageErrors).toEqual([]);
    await shot(p, '01-loaded');
  });

  it('opens trtllm-15401 from its button, plays to the end, and the explainer names the STATE pool', async () => {
    const p = hx.page;
    await p.click('[data-scenario="straddle"]');
    expect(await p.textContent('#story')).toContain('straddle');
    await p.click('[data-scenario="trtllm-15401"]');
    expect(await p.textContent('#story')).toContain('15401');
    await p.selectOption('#t-speed', '1000');
    await p.click('#t-play');
    const end = await waitForEnd();
    expect(end).toMatch(/^step (\d+) \/ \1$/);
    const explainer = (await p.textContent('#explainer')) ?? '';
    expect(explainer).toContain('Deadlock');
    expect(explainer).toContain('STATE pool');
    expect(explainer).toMatch(/needed 1 slot in STATE; 0 were free/);
    // At most 7 requests ever hold STATE slots: the pool has 7.
    expect(await p.textContent('#pools')).toContain('7 slots');
    await shot(p, '02-15401-deadlock');
  });

  it('applies the cheapest verified fix from the explainer and the run completes', async () => {
    const p = hx.page;
    // The fix comes from the verdict (computed in a worker once the run deadlocks): never issue-fix, which is unsafe too.
    await p.waitForSelector('#apply-fix', { timeout: 120_000 });
    await p.click('#apply-fix');
    await p.waitForFunction(() => document.querySelector('#explainer')?.textContent?.includes('Run completed'), null, { timeout: 60_000 });
    expect(await p.inputValue('#ctl-mode')).not.toBe('issue-fix');
    expect(await p.textContent('#explainer')).toContain('All 64 of 64 requests finished');
    await blur();
    await p.keyboard.press('End');
    expect(await stepLabel()).toMatch(/^step (\d+) \/ \1$/);
    await shot(p, '03-fix-completed');
    // The tests below continue from #15401 with the issue-fix constraints (their expected floors).
    await p.goto(`${hx.baseUrl}?scenario=trtllm-15401&mode=issue-fix`, { waitUntil: 'load' });
    await p.waitForFunction(() => document.querySelector('#explainer')?.textContent?.includes('Run completed'), null, { timeout: 60_000 });
  });

  it('reloading the copied URL gives the same step and view', async () => {
    const p = hx.page;
    await blur();
    await p.keyboard.press('Home');
    for (let i = 0; i < 3; i++) await p.keyboard.press('Shift+ArrowRight');
    await p.keyboard.press('ArrowRight');
    expect(await stepLabel()).toMatch(/^step 31 \//);
    await p.click('#tab-plan');
    await p.click('#share');
    const url = await p.inputValue('#share-url');
    expect(url).toContain('step=31');
    expect(url).toContain('view=plan');
    const before = await p.textContent('#plan');
    const p2 = await hx.context.newPage();
    await p2.goto(url, { waitUntil: 'load' });
    await p2.waitForSelector('#app:not([aria-busy])');
    expect(await p2.textContent('#t-step')).toBe(await stepLabel());
    expect(await p2.getAttribute('#tab-plan', 'aria-selected')).toBe('true');
    expect(await p2.isHidden('#panel-pools')).toBe(true);
    expect(await p2.textContent('#plan')).toBe(before);
    expect(await p2.inputValue('#ctl-mode')).toBe('issue-fix');
    // The plan table shows the fixed floors [64, 539, 64].
    const minSlots = await p2.$$eval('#plan tbody tr', (rows) => rows.map((r) => r.children[4].textContent));
    expect(minSlots).toEqual(['64', '539', '64']);
    await shot(p2, '04-reloaded-plan');
    await p2.close();
  });

  it('the inspector runs the WGSL kernel on the software adapter within tolerance of the CPU reference', async () => {
    const p = hx.page;
    await p.click('#tab-inspector');
    await blur();
    await p.keyboard.press('Home');
    for (let i = 0; i < 6; i++) await p.keyboard.press('Shift+ArrowRight');
    await p.selectOption('#insp-lc', '2:0');
    await p.waitForFunction(() => location.search.includes('ilc=2%3A0') && location.search.includes('step=60'));
    await p.click('#insp-run');
    await p.waitForSelector('#insp-result [data-ok]', { timeout: 120_000 });
    const r = await p.$eval('#insp-result [data-ok]', (el) => ({ backend: el.getAttribute('data-backend'), diff: Number(el.getAttribute('data-max-diff')), ok: el.getAttribute('data-ok') }));
    expect(r.backend).toBe('gpu');
    expect(r.ok).toBe('true');
    expect(r.diff).toBeLessThan(1e-4);
    expect(await p.textContent('#insp-backend')).toContain('swiftshader');
    expect(await p.textContent('#insp-result')).toMatch(/read logical pages \[0, 1\]/);
    // STATE life cycle (window 8) of request 0 at step 60, history 259: window [252, 259] straddles
    // the 256-token block boundary, so the kernel reads pages 0 and 1 for 8 tokens.
    expect(await p.textContent('#insp-weights')).toMatch(/computed by the WGSL kernel .* over 8 attended tokens: largest difference to the CPU weights \d/);
    await shot(p, '05-inspector');
  });

  it('without WebGPU the inspector falls back to the CPU backend with a visible notice', async () => {
    const ctx = await hx.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await ctx.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }));
    const p = await ctx.newPage();
    await p.goto(`${hx.baseUrl}?scenario=trtllm-15401&mode=issue-fix&view=inspector&step=60`, { waitUntil: 'load' });
    await p.waitForSelector('#app:not([aria-busy])');
    await p.click('#insp-run');
    await p.waitForSelector('#insp-result [data-ok]', { timeout: 60_000 });
    expect(await p.getAttribute('#insp-result [data-ok]', 'data-backend')).toBe('cpu');
    expect(await p.textContent('#insp-backend')).toContain('WebGPU is not available');
    await ctx.close();
  });

  it('shows compare and export views', async () => {
    const p = hx.page;
    await p.click('#tab-compare');
    await p.waitForSelector('#compare [data-outcome]');
    const outcomes = await p.$$eval('#compare [data-outcome]', (els) => els.map((e) => e.getAttribute('data-outcome')));
    expect(outcomes).toEqual(['completed', 'completed']);
    await p.selectOption('#cmp-mode', 'as-shipped');
    await p.waitForFunction(() => document.querySelectorAll('#compare [data-outcome="deadlock"]').length === 1);
    await shot(p, '06-compare');
    await p.click('#tab-data');
    const [planDl] = await Promise.all([p.waitForEvent('download'), p.click('#export-plan')]);
    expect(planDl.suggestedFilename()).toBe('plan.json');
    const [traceDl] = await Promise.all([p.waitForEvent('download'), p.click('#export-trace')]);
    const tracePath = join(SHOTS, '..', 'trace.json');
    const planPath = join(SHOTS, '..', 'plan.json');
    await traceDl.saveAs(tracePath);
    await planDl.saveAs(planPath);
    expect(JSON.parse(readFileSync(planPath, 'utf8')).min_slots).toEqual([64, 539, 64]);
    // Switch away, then import the exported trace: it re-runs its settings and matches.
    await p.selectOption('#ctl-mode', 'upstream');
    await p.waitForFunction(() => location.search.includes('mode=upstream'));
    await p.setInputFiles('#import-file', tracePath);
    await p.waitForSelector('#data-msg[data-identical]');
    expect(await p.getAttribute('#data-msg', 'data-identical')).toBe('true');
    expect(await p.inputValue('#ctl-mode')).toBe('issue-fix');
    await p.setInputFiles('#import-file', planPath);
    await p.waitForFunction(() => document.querySelectorAll('#imported-plan tbody tr').length === 3);
    await p.setInputFiles('#import-file', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "kvpool-trace", "version": 1, "pools": 3}') });
    await p.waitForFunction(() => document.querySelector('#data-msg')?.textContent?.startsWith('pools:'));
    await shot(p, '06b-data');
  });

  it('a malformed URL gives visible errors, falls back to defaults and injects nothing', async () => {
    const p = hx.page;
    await p.goto(`${hx.baseUrl}?scenario=trtllm-15401&step=-4&mode=%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E&tpb=abc&nope=1`, { waitUntil: 'load' });
    await p.waitForSelector('#app:not([aria-busy])');
    const text = (await p.textContent('#url-problems')) ?? '';
    expect(text).toContain('URL parameter "step"');
    expect(text).toContain('URL parameter "mode"');
    expect(text).toContain('URL parameter "tpb"');
    expect(text).toContain('URL parameter "nope"');
    expect(await p.isVisible('#url-problems')).toBe(true);
    expect(await p.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(await p.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await p.inputValue('#ctl-mode')).toBe('as-shipped');
    expect(await p.inputValue('#ctl-tpb')).toBe('256');
    await shot(p, '07-bad-url');
  });

  it('a malformed config.json gives a visible error next to the field', async () => {
    const p = hx.page;
    await p.fill('#config-json', '{"num_hidden_layers": 4, "hidden_size": ');
    await p.click('#config-apply');
    await p.waitForFunction(() => (document.querySelector('#config-err')?.textContent ?? '') !== '');
    expect(await p.textContent('#config-err')).toContain('valid JSON');
    expect(await p.getAttribute('#config-json', 'aria-invalid')).toBe('true');
    await p.fill('#config-json', '{"model_type": "llama", "num_hidden_layers": -2, "hidden_size": 4096, "num_attention_heads": 32}');
    await p.click('#config-apply');
    await p.waitForFunction(() => !(document.querySelector('#config-err')?.textContent ?? 'valid JSON').includes('valid JSON'));
    expect(await p.textContent('#config-err')).toContain('num_hidden_layers');
    expect(await p.textContent('#config-err')).toContain('-2');
    // A bad engine value is reported next to its control, not applied.
    await p.fill('#ctl-maxBatch', '0');
    await p.press('#ctl-maxBatch', 'Enter');
    await p.locator('#ctl-maxBatch').blur();
    expect(await p.textContent('#ctl-maxBatch-err')).toContain('maxBatchSize');
    await shot(p, '08-bad-config');
  });

  it('a request trace file drives the run and a bad row is reported next to the field', async () => {
    const p = hx.page;
    await p.click('[data-scenario="trtllm-15401"]');
    await p.setInputFiles('#ctl-reqs', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('arrival,prompt,output\n0,100,x\n') });
    await p.waitForFunction(() => (document.querySelector('#ctl-reqs-err')?.textContent ?? '').includes('row 1'));
    expect(await p.textContent('#ctl-reqs-err')).toContain('output');
    await p.setInputFiles('#ctl-reqs', { name: 'ok.csv', mimeType: 'text/csv', buffer: Buffer.from('arrival,prompt,output\n0,100,20\n1,100,20\n3,50,5\n') });
    await p.waitForFunction(() => document.querySelector('#run-status')?.textContent?.startsWith('Planned'));
    expect(await p.textContent('#ctl-reqs-err')).toBe('');
    expect(p.url()).toContain('workload=trace');
    expect(p.url()).toContain('reqs=');
    expect(await p.textContent('#explainer')).toMatch(/of 3 requests/);
  });

  it('a valid config.json replaces the preset and runs', async () => {
    const p = hx.page;
    const cfg = { model_type: 'mistral', num_hidden_layers: 4, hidden_size: 1024, num_attention_heads: 8, num_key_value_heads: 2, head_dim: 128, sliding_window: 512, max_position_embeddings: 8192 };
    await p.fill('#config-json', JSON.stringify(cfg));
    await p.click('#config-apply');
    await p.waitForFunction(() => (document.querySelector('#config-ok')?.textContent ?? '').startsWith('Using'));
    await p.waitForSelector('#stage:not([aria-busy])');
    expect(await p.textContent('#config-err')).toBe('');
    expect(p.url()).toContain('scenario=custom');
    expect(p.url()).toContain('cfg=');
    const slots = await p.$$eval('#plan tbody tr', (rows) => rows.map((r) => r.children[5].textContent));
    expect(slots.length).toBeGreaterThan(0);
    // The link carries the config: a fresh page reproduces the same plan.
    await p.click('#share');
    const p2 = await hx.context.newPage();
    await p2.goto(await p.inputValue('#share-url'), { waitUntil: 'load' });
    await p2.waitForSelector('#app:not([aria-busy])');
    expect(await p2.textContent('#config-ok')).toContain('config from the link');
    expect(await p2.$$eval('#plan tbody tr', (rows) => rows.map((r) => r.children[5].textContent))).toEqual(slots);
    await p2.close();
  });

  it('is readable on a phone and in dark mode', async () => {
    const ctx = await hx.browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true });
    const p = await ctx.newPage();
    await p.goto(`${hx.baseUrl}?scenario=trtllm-15401&step=40`, { waitUntil: 'load' });
    await p.waitForSelector('#app:not([aria-busy])');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(11, 17, 32)');
    // Tap a slot of the STATE pool: the tooltip names its owner.
    const state = p.locator('#pools canvas[data-pool="2"]');
    await state.scrollIntoViewIfNeeded();
    const box = (await state.boundingBox())!;
    await p.touchscreen.tap(box.x + 3, box.y + 3);
    expect(await p.textContent('#slot-tooltip')).toMatch(/STATE slot 0\n(request \d+|free)/);
    await shot(p, '09-phone-dark');
    await ctx.close();
  });
});
