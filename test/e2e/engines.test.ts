/**
 * Every engine of the registry on the page (one Chromium for the file): the named reproductions of
 * TensorRT-LLM @main, vLLM and SGLang end in their engine's own failure (and their fixed variants
 * complete), the engine picker re-plans and re-links, and Compare attributes version differences
 * to rules. Assertions read the page's text and check it against the numbers beside it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, shot, startHarness } from './harness.ts';

let hx: Harness;
beforeAll(async () => {
  hx = await startHarness({ width: 1280, height: 900 });
});
afterAll(async () => {
  await hx?.close();
});

const settled = (p: Page) => p.waitForSelector('#stage:not([aria-busy])', { timeout: 60_000 });

/** Open a link at its last pass (the step is clamped to the run), once the run is on screen. */
async function open(query: string): Promise<Page> {
  const p = hx.page;
  await p.goto(`${hx.baseUrl}${query}`, { waitUntil: 'load' });
  await p.waitForSelector('#app:not([aria-busy])', { timeout: 60_000 });
  await settled(p);
  await p.waitForSelector('#explainer', { timeout: 60_000 });
  return p;
}

/** "pool group 2 STATE: 7 slots" labels of the pool grids, as {name: slots}. */
async function poolSlots(p: Page): Promise<Record<string, number>> {
  const labels = await p.$$eval('#pools canvas[data-pool]', (cs) => cs.map((c) => c.getAttribute('aria-label') ?? ''));
  return Object.fromEntries(labels.map((l) => /pool group \d+ (\S+): (\d+) slots/.exec(l)).flatMap((m) => (m ? [[m[1], Number(m[2])]] : [])));
}

const END = '&step=100000000';

/** The explainer's fix (the verdict's cheapest verified one the page can apply): its axis, and the run completing once applied. */
async function applyFix(p: Page, axis: string): Promise<void> {
  await p.waitForSelector('#apply-fix', { timeout: 120_000 });
  expect(await p.getAttribute('#apply-fix', 'data-axis')).toBe(axis);
  await p.click('#apply-fix');
  await p.waitForFunction(() => document.querySelector('#explainer')?.textContent?.includes('Run completed'), null, { timeout: 60_000 });
}

describe('engines on the page', () => {
  it('trtllm-15401-main deadlocks on STATE, and STATE gets 7 slots', async () => {
    const p = await open(`?scenario=trtllm-15401-main${END}`);
    expect(await p.inputValue('#ctl-engine')).toBe('trtllm-v2@main');
    const explainer = (await p.textContent('#explainer')) ?? '';
    expect(explainer).toContain('Deadlock: the STATE pool');
    const slots = await poolSlots(p);
    expect(slots.STATE).toBe(7);
    // The explainer's numbers are those of the STATE pool beside it: it needed more than was free.
    const m = /needed (\d+) slots? in STATE; (\d+) (?:was|were) free/.exec(explainer);
    expect(m).not.toBeNull();
    expect(Number(m?.[2])).toBeLessThan(Number(m?.[1]));
    expect(Number(m?.[2])).toBeLessThanOrEqual(slots.STATE);
    expect(await p.textContent('#ctl-engine-note')).toContain('ships constraint mode main');
    expect(hx.pageErrors).toEqual([]);
  });

  it("vllm-39734 shows vLLM's symptom, both block counts and the drift; the fix offered is vLLM's own memory, not a TensorRT-LLM floor", async () => {
    const p = await open(`?scenario=vllm-39734${END}`);
    const note = (await p.textContent('#engine-note')) ?? '';
    expect(note).toContain('Running: 0 reqs, Waiting: 1 reqs, GPU KV cache usage: 0.0%');
    const need = Number(/needs (\d+) blocks under the full-isl admission gate/.exec(note)?.[1]);
    const pool = Number(/the shared pool has (\d+)/.exec(note)?.[1]);
    const bound = Number(/bound for it is (\d+) blocks/.exec(note)?.[1]);
    const drift = Number(/drift (\d+) blocks/.exec(note)?.[1]);
    expect(need).toBeGreaterThan(pool);
    expect(bound).toBeLessThanOrEqual(pool);
    expect(drift).toBe(need - bound);
    expect((await poolSlots(p)).shared).toBe(pool);
    // vLLM has no min_slots floor: the pool size that would have avoided it is said in its own terms.
    const floor = (await p.textContent('#explainer-floor')) ?? '';
    expect(floor).not.toContain('min_slots');
    expect(Number(/pool of at least ([\d,]+) slots/.exec(floor)?.[1].replaceAll(',', ''))).toBeGreaterThanOrEqual(need);
    await shot(p, 'engines-vllm-39734');
    await applyFix(p, 'quota');
  });

  it('sglang-29662: the bottleneck pool is not the one being evicted', async () => {
    const p = await open(`?scenario=sglang-29662${END}`);
    expect(await p.textContent('#explainer')).toContain('Deadlock: the SWA pool');
    const note = (await p.textContent('#engine-note')) ?? '';
    expect(note).toContain('the bottleneck pool (SWA) is not the one being evicted');
    const slots = await poolSlots(p);
    const m = /holds (\d+) evictable out-of-window page\(s\) of its (\d+) \((\d+) free\)/.exec(note);
    expect(Number(m?.[2])).toBe(slots.SWA);
    expect(Number(m?.[1]) + Number(m?.[3])).toBeLessThanOrEqual(slots.SWA);
    await applyFix(p, 'quota');
  });

  it('the two fixed variants complete', async () => {
    for (const name of ['vllm-39734-fixed', 'sglang-29662-fixed']) {
      const p = await open(`?scenario=${name}${END}`);
      const text = (await p.textContent('#explainer')) ?? '';
      expect(text, name).toContain('Run completed');
      const m = /All (\d+) of (\d+) requests finished/.exec(text);
      expect(m?.[1], name).toBe(m?.[2]);
    }
  });

  it('the engine picker changes the plan and the URL', async () => {
    const p = await open('?scenario=custom&preset=gemma-2-9b&tpb=16&maxSeqLen=8192&quota=4&requests=2&view=plan');
    expect(await p.getAttribute('#plan-engine', 'data-engine')).toBe('trtllm-v2@main');
    expect(await p.$('#ctl-mode')).not.toBeNull();
    await p.selectOption('#ctl-engine', 'vllm-v1');
    await p.waitForSelector('#plan-engine[data-engine="vllm-v1"]', { timeout: 60_000 });
    await p.waitForFunction(() => location.search.includes('engine=vllm-v1'), null, { timeout: 10_000 });
    // vLLM has no constraint modes: the mode control is gone and its own knob is there.
    expect(await p.$('#ctl-mode')).toBeNull();
    expect(await p.$('#ctl-vllmHybridOff')).not.toBeNull();
    const report = (await p.textContent('#engine-report')) ?? '';
    const blocks = Number(/one shared block pool: (\d+) blocks/.exec(report)?.[1]);
    expect(report).toMatch(/max concurrency: [\d.]+/);
    expect(report).toMatch(/blocks per request at worst/);
    const row = await p.$$eval('#plan tbody tr', (rs) => rs.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent ?? '')));
    expect(row.length).toBe(1);
    expect(Number(row[0][5].replace(/,/g, ''))).toBe(blocks);
    await shot(p, 'engines-picker-vllm');
  });

  it('Compare shows two versions with a rule attribution line', async () => {
    const p = await open('?scenario=trtllm-15401&view=compare&cmpEngine=trtllm-v2@main');
    await p.waitForSelector('#cmp-attribution', { timeout: 60_000 });
    expect(await p.inputValue('#cmp-engine')).toBe('trtllm-v2@main');
    const lines = await p.$$eval('#cmp-attribution li', (ls) => ls.map((l) => l.textContent ?? ''));
    const state = lines.find((l) => l.startsWith('min_slots[STATE]'));
    expect(state).toMatch(/^min_slots\[STATE\] 1 -> 2: structural floor, window 8 at tpb 256 spans up to 2 blocks \(PR #15588/);
    const cards = await p.$$eval('#compare .compare-grid h3', (hs) => hs.map((x) => x.textContent ?? ''));
    expect(cards[0]).toContain('trtllm-v2@15401');
    expect(cards[1]).toContain('trtllm-v2@main');
    expect(hx.pageErrors).toEqual([]);
    await shot(p, 'engines-compare-versions');
  });
});
