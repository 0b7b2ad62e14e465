/**
 * What two new users tripped over (issue 11 §4), one test each, in the page.
 * Screenshots at 1280x800 and 390x844 go to artifacts/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineDefaultsFor } from '../../src/model/engine-defaults.ts';
import { getPreset, listPresets, PRESET_ALIASES } from '../../src/model/presets.ts';
import type { ConstraintMode } from '../../src/planner/build.ts';
import { DEFAULT_ENGINE, getEngine } from '../../src/planner/engines/registry.ts';
import { planModel } from '../../src/planner/index.ts';
import { NAMED_SCENARIOS, scenarioConfig } from '../../src/sim/scenarios.ts';
import { type Harness, SHOTS, shot, startHarness } from './harness.ts';

let hx: Harness;
beforeAll(async () => {
  hx = await startHarness({ width: 1280, height: 800 });
});
afterAll(async () => {
  await hx?.close();
});

async function open(query: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const ctx = await hx.browser.newContext({ viewport, ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}) });
  const p = await ctx.newPage();
  await p.goto(`${hx.baseUrl}${query}`, { waitUntil: 'load' });
  await p.waitForSelector('#app:not([aria-busy])', { timeout: 60_000 });
  await p.waitForSelector('#stage:not([aria-busy])', { timeout: 60_000 });
  return p;
}
const settled = (p: Page) => p.waitForSelector('#stage:not([aria-busy])', { timeout: 60_000 });

describe('§4 defects', () => {
  it('1: choosing each preset gives engine settings valid for that model, and says what is loaded', async () => {
    const p = await open('?scenario=trtllm-15401');
    for (const m of listPresets()) {
      await p.selectOption('#ctl-preset', m.id);
      await settled(p);
      expect(await p.inputValue('#ctl-tpb'), m.id).toBe(String(m.defaults.tokensPerBlock));
      expect(await p.inputValue('#ctl-dtype'), m.id).toBe(m.defaults.kvDtype);
      expect(Number(await p.inputValue('#ctl-maxSeqLen')), m.id).toBeLessThanOrEqual(m.maxContext);
      expect(await p.textContent('#model-note'), m.id).toContain(m.name);
    }
    await p.fill('#ctl-maxSeqLen', String(listPresets().at(-1)!.maxContext * 2));
    await p.press('#ctl-maxSeqLen', 'Enter');
    expect(await p.textContent('#ctl-maxSeqLen-note')).toMatch(/above/);
    await p.context().close();
  });

  it('1: a link naming only a preset plans as `kvpool plan --preset` does (the model\'s own engine defaults)', async () => {
    // The CLI side through the core: the knobs `kvpool plan --preset gemma-3-27b` builds with no other flag.
    const model = getPreset('gemma-3-27b');
    const d = engineDefaultsFor(model);
    const knobs = { tokensPerBlock: d.tokensPerBlock, maxSeqLen: d.maxSeqLen, maxBatchSize: d.maxBatchSize, maxNumTokens: null, quotaBytes: d.quotaBytes, kvDtype: d.kvDtype, draftTokens: 0, numExtraKvTokens: 0, avgSeqLen: null, poolRatio: null };
    const { plan } = planModel(model, knobs, getEngine(DEFAULT_ENGINE).modes!.default as ConstraintMode, undefined, DEFAULT_ENGINE);
    expect(plan.error).toBeNull();
    const want = plan.slotCounts.map((n, i) => [plan.minSlots[i], n].map((x) => x.toLocaleString('en-US')));
    for (const q of ['?preset=gemma-3-27b&view=plan', '?scenario=custom&preset=gemma-3-27b&view=plan']) {
      const p = await open(q);
      expect(await p.inputValue('#ctl-tpb'), q).toBe(String(d.tokensPerBlock));
      expect(await p.inputValue('#ctl-dtype'), q).toBe(d.kvDtype);
      expect(await p.inputValue('#ctl-maxSeqLen'), q).toBe(String(d.maxSeqLen));
      expect(await p.getAttribute('#plan-engine', 'data-engine'), q).toBe(DEFAULT_ENGINE);
      const shown = await p.$$eval('#plan tbody tr', (rows) => rows.map((r) => [r.children[4].textContent, r.children[5].textContent]));
      expect(shown, q).toEqual(want);
      await p.context().close();
    }
  });

  it('1: a link with a preset alias selects the canonical preset in the picker and rewrites the link to its id', async () => {
    for (const [alias, id] of Object.entries(PRESET_ALIASES)) {
      const p = await open(`?preset=${alias}&view=plan`);
      expect(await p.inputValue('#ctl-preset'), alias).toBe(id);
      expect(await p.$$eval('#ctl-preset option', (os) => os.map((o) => (o as HTMLOptionElement).value)), alias).toContain(id);
      expect(await p.textContent('#model-note'), alias).toContain(getPreset(id).name);
      await p.waitForFunction((want) => new URLSearchParams(location.search).get('preset') === want, id, { timeout: 10_000 });
      await p.context().close();
    }
  });

  it('2: the #15401 findings on the page are the engine\'s own (no unexplained "SWA +38000")', async () => {
    const p = await open('?scenario=trtllm-15401-main&view=plan');
    for (const name of ['trtllm-15401', 'trtllm-15401-main']) {
      const s = NAMED_SCENARIOS.find((n) => n.name === name)!;
      for (const quota of [3, 40]) {
        await p.goto(`${hx.baseUrl}?scenario=${name}&quota=${quota}&view=plan`);
        await settled(p);
        await p.waitForSelector('#plan .findings li');
        const shown = await p.$$eval('#plan .findings li', (l) => l.map((x) => x.textContent));
        const { plan, knobs } = scenarioConfig(name, { knobs: { quotaBytes: quota * 2 ** 30 } });
        const engine = getEngine(s.engine).size({ scenario: plan.scenario, context: knobs }, {});
        expect(shown, `${name} at ${quota} GiB`).toEqual(engine.diagnostics!.findings.map((f) => f.text));
      }
    }
    await p.context().close();
  });

  it('3: a quota raised by safe mode shows in the Quota field and the banner', async () => {
    const p = await open('?scenario=straddle&mode=safe');
    expect(await p.textContent('#ctl-quota-note')).toMatch(/raised to \d/);
    expect(await p.textContent('#run-status')).toMatch(/quota raised/i);
    await p.context().close();
  });

  it('4: a stalled run opens zoomed on its interesting part; Compare has axes and compares two different modes', async () => {
    const p = await open('?scenario=trtllm-15401');
    expect(await p.textContent('#timeline')).toMatch(/stalled passes/);
    const over = (await p.locator('#timeline .u-over').boundingBox())!;
    await p.mouse.click(over.x + over.width - 2, over.y + over.height / 2);
    expect(Number(/step (\d+)/.exec((await p.textContent('#t-step')) ?? '')?.[1])).toBeLessThan(300);
    await p.goto(`${hx.baseUrl}?scenario=trtllm-15401&mode=issue-fix&view=compare`);
    await p.waitForSelector('#compare [data-outcome]');
    const titles = await p.$$eval('#compare h3', (hs) => hs.map((x) => x.textContent));
    expect(titles[0]).not.toBe(titles[1]);
    expect(await p.$$eval('#compare .cmp-axis', (a) => a.length)).toBeGreaterThanOrEqual(2);
    await shot(p, '11-compare-axes');
    await p.context().close();
  });

  it('5: an imported plan renders like the live plan (decodes and findings)', async () => {
    const p = await open('?scenario=trtllm-15401&view=plan');
    const live = await p.$$eval('#plan tbody tr', (rows) => rows.map((r) => [r.children[7].textContent, r.children[8].textContent]));
    await p.click('#tab-data');
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#export-plan')]);
    const path = join(SHOTS, '..', 'plan-15401.json');
    await dl.saveAs(path);
    await p.setInputFiles('#import-file', path);
    await p.waitForFunction(() => document.querySelectorAll('#imported-plan tbody tr').length > 0);
    const imported = await p.$$eval('#imported-plan tbody tr', (rows) => rows.map((r) => [r.children[7].textContent, r.children[8].textContent]));
    expect(imported).toEqual(live);
    expect(await p.$$eval('#imported-plan .findings li', (l) => l.length)).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(path, 'utf8')).pool_groups.length).toBe(3);
    await p.context().close();
  });

  it('6: the workload fields of a named scenario show what actually runs', async () => {
    const p = await open('?scenario=trtllm-15401');
    const note = (await p.textContent('#ctl-workload-note')) ?? '';
    expect(note).toContain('32 × prompt 200 + output 200');
    expect(note).toContain('32 × prompt 100 + output 50');
    expect(await p.inputValue('#ctl-requests')).toBe('64');
    await p.context().close();
  });

  it('7: keyboard: arrows on the tab row switch tabs, Enter on "Go to pass" keeps focus, the timeline is reachable', async () => {
    const p = await open('?scenario=trtllm-15401');
    await p.focus('#tab-pools');
    await p.keyboard.press('ArrowRight');
    expect(await p.getAttribute('#tab-plan', 'aria-selected')).toBe('true');
    expect(await p.textContent('#t-step')).toMatch(/^step 0 \//);
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('tab-plan');
    await p.focus('#jump-stall');
    await p.keyboard.press('Enter');
    expect(await p.textContent('#t-step')).toMatch(/^step 57 \//);
    expect(await p.evaluate(() => Boolean(document.activeElement?.closest('#explainer-slot')))).toBe(true);
    await p.focus('#timeline [tabindex="0"]');
    await p.keyboard.press('ArrowRight');
    expect(await p.textContent('#t-step')).toMatch(/^step 58 \//);
    await p.context().close();
  });

  it('7: phone: controls before results, the Plan table is not clipped, no horizontal overflow at 390x844', async () => {
    const p = await open('?scenario=trtllm-15401&view=plan', { width: 390, height: 844 });
    const controls = (await p.locator('#controls').boundingBox())!;
    const results = (await p.locator('#explainer-slot').boundingBox())!;
    expect(controls.y).toBeLessThan(results.y);
    const fit = await p.$eval('#plan .tablewrap', (w) => ({ table: w.querySelector('table')!.scrollWidth, wrap: w.clientWidth }));
    expect(fit.table).toBeLessThanOrEqual(fit.wrap);
    expect(await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
    await shot(p, '12-phone-plan');
    await p.context().close();
  });

  it('8: the Quota field takes the CLI units (1TiB)', async () => {
    const p = await open('?scenario=custom&preset=llama-3.1-8b');
    await p.fill('#ctl-quota', '1TiB');
    await p.press('#ctl-quota', 'Enter');
    await settled(p);
    expect(await p.textContent('#ctl-quota-err')).toBe('');
    expect(decodeURIComponent(p.url())).toMatch(/quota=1024(&|$)/);
    await p.context().close();
  });
});
