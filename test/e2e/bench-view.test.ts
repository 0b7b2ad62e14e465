/**
 * The Benchmark view in headless Chromium on SwiftShader: the quick case set runs on the page's
 * own adapter, the table fills in, and the exported JSON carries the adapter and every row metric,
 * each finite and > 0, and every kernel within its roofline (fractionOfRoofline <= 1: the read
 * limits read the kernel's own pools, so a kernel past its limit means a limit kernel is unfair).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROW_METRICS } from '../../src/gpu/bench/session.ts';
import { type Harness, shot, startHarness } from './harness.ts';

let hx: Harness;

beforeAll(async () => {
  hx = await startHarness({ width: 1280, height: 900 });
});

afterAll(async () => {
  await hx?.close();
});

describe('Benchmark view', () => {
  it('runs the quick set on the adapter and exports complete JSON', async () => {
    const { page } = hx;
    await page.goto(`${hx.baseUrl}?view=bench`);
    await page.click('#bench-run-quick');
    await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#bench')?.getAttribute('data-state') ?? ''), null, { timeout: 170_000 });
    const status = await page.textContent('#bench-status');
    expect(await page.getAttribute('#bench', 'data-state'), status ?? '').toBe('done');
    await shot(page, 'bench-view');
    const exported = JSON.parse((await page.textContent('#bench-json')) ?? '{}');
    expect(exported.adapter.vendor).toBeTypeOf('string');
    expect(exported.adapter.subgroupMinSize).toBeGreaterThan(0);
    expect(exported.rows.length).toBeGreaterThanOrEqual(2);
    const bad: string[] = [];
    for (const row of exported.rows) {
      expect(['texture', 'buffer']).toContain(row.path);
      for (const k of ROW_METRICS) if (!(Number.isFinite(row[k]) && row[k] > 0)) bad.push(`${row.case}/${row.path}.${k} = ${row[k]}`);
      if (!(row.fractionOfRoofline <= 1)) bad.push(`${row.case}/${row.path}.fractionOfRoofline = ${row.fractionOfRoofline} > 1`);
    }
    expect(bad).toEqual([]);
    expect(await page.locator('#bench-table tbody tr').count()).toBe(exported.rows.length);
    expect(await page.isEnabled('#bench-export')).toBe(true);
    expect(hx.pageErrors).toEqual([]);
  });
});
