/**
 * Every lesson walked in Chromium by keyboard alone, from the lesson picker to its last step: each
 * question answered wrong, then right, and both checks compared with the same lesson evaluated in
 * Node on the core (the page's live run and an independent run must agree). Screenshots of every
 * step at 1280x800 and at 390x844 go to artifacts/screenshots/; the phone shows no horizontal
 * overflow on any step.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from '../../src/lessons/markup.ts';
import { LESSONS } from '../../src/lessons/registry.ts';
import type { Question } from '../../src/lessons/types.ts';
import { lessonQuery } from '../../src/lessons/url.ts';
import { liveAtStep } from '../lessons/helpers.ts';
import { type Harness, SHOTS, startHarness } from './harness.ts';

let hx: Harness;

beforeAll(async () => {
  hx = await startHarness({ width: 1280, height: 800 });
});

afterAll(async () => {
  await hx?.close();
});

const activeId = (p: Page) => p.evaluate(() => document.activeElement?.id ?? '');

/** Press Tab until the element with this id has focus (bounded: the page has fewer stops). */
async function tabTo(p: Page, id: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if ((await activeId(p)) === id) return;
    await p.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached #${id} (at #${await activeId(p)})`);
}

/** Set the answer box by keyboard: type into the text box, or arrow through the choices. */
async function keyAnswer(p: Page, kind: Question['kind'], value: string): Promise<void> {
  await tabTo(p, 'lesson-answer');
  if (kind === 'number') {
    await p.keyboard.press('Control+A');
    await p.keyboard.type(value);
    await p.keyboard.press('Enter');
    return;
  }
  await p.keyboard.press('Home');
  for (let i = 0; i < 12 && (await p.inputValue('#lesson-answer')) !== value; i++) await p.keyboard.press('ArrowDown');
  expect(await p.inputValue('#lesson-answer')).toBe(value);
  await tabTo(p, 'lesson-check');
  await p.keyboard.press('Enter');
}

async function resultFor(p: Page, given: string): Promise<{ correct: string; text: string }> {
  await p.waitForFunction((g) => (document.querySelector('#lesson-result') as HTMLElement | null)?.dataset.given === g, given);
  return p.$eval('#lesson-result', (el) => ({ correct: (el as HTMLElement).dataset.correct ?? '', text: el.textContent ?? '' }));
}

const wrongOf = (answer: number | string, options: readonly string[]): string => (typeof answer === 'number' ? String(answer + 3) : (options.find((o) => o !== answer) ?? ''));

describe.each(LESSONS.map((l) => [l.id, l] as const))('lesson %s in Chromium', (_, lesson) => {
  it('walks from the picker to the last step by keyboard; every check agrees with the core', { timeout: 180_000 }, async () => {
    const p = hx.page;
    await p.goto(hx.baseUrl, { waitUntil: 'load' });
    await p.waitForSelector('#app:not([aria-busy])');
    await tabTo(p, 'lesson-pick');
    const index = LESSONS.indexOf(lesson);
    await p.keyboard.press('Home');
    for (let i = 0; i < index; i++) await p.keyboard.press('ArrowDown');
    expect(await p.inputValue('#lesson-pick')).toBe(lesson.id);
    await tabTo(p, 'lesson-start');
    await p.keyboard.press('Enter');
    for (let k = 0; k < lesson.steps.length; k++) {
      const step = lesson.steps[k];
      const live = liveAtStep(lesson, k);
      await p.waitForFunction((t) => document.querySelector('#lesson-step-title')?.textContent === t, `Step ${k + 1} of ${lesson.steps.length}: ${step.title}`);
      expect(await activeId(p)).toBe('lesson-step-title');
      // The link says the lesson and the step (lstep 0 is the table's default, so it is left out);
      // the URL is written a moment after the state changes.
      await p.waitForFunction(([id, want]) => {
        const q = new URLSearchParams(location.search);
        return q.get('lesson') === id && (q.get('lstep') ?? '0') === want;
      }, [lesson.id, String(k)] as const);
      const q = step.question;
      if (q) {
        // The page asks what the core asks of the same state (same pass, same request).
        const prompt = plain(q.prompt(live));
        await p.waitForFunction((t) => document.querySelector('#lesson-prompt')?.textContent === t, prompt, { timeout: 30_000 });
        const answer = q.answer(live);
        const options = q.options?.(live) ?? [];
        const wrong = wrongOf(answer, options);
        await keyAnswer(p, q.kind, wrong);
        const bad = await resultFor(p, wrong);
        expect(bad.correct).toBe('false');
        expect(bad.text).toContain(`the run says ${answer}`);
        await keyAnswer(p, q.kind, String(answer));
        const good = await resultFor(p, String(answer));
        expect(good.correct).toBe('true');
        expect(good.text).toContain(`Right: ${answer}.`);
        expect(good.text).toContain(plain(q.explain(live)).slice(0, 40));
      }
      for (const f of step.facts?.(live) ?? []) expect(await p.textContent('#lesson-facts')).toContain(plain(f));
      await p.waitForTimeout(150);
      await p.screenshot({ path: join(SHOTS, `lesson-${lesson.id}-${k + 1}-1280.png`) });
      await tabTo(p, 'lesson-next');
      await p.keyboard.press('Enter');
    }
    // Finish leaves the lesson; the page stays as it was.
    await p.waitForSelector('#lesson-pick');
    // The URL sync writes the link after the store changes: wait for it, bounded.
    await p.waitForFunction(() => !new URL(location.href).searchParams.has('lesson'), null, { timeout: 10_000 });
    expect(new URL(p.url()).searchParams.get('lesson')).toBeNull();
    expect(hx.pageErrors).toEqual([]);
  });
});

describe('lesson steps at phone width', () => {
  it('every step of every lesson, opened from its link at 390x844, has no horizontal overflow', { timeout: 240_000 }, async () => {
    const ctx = await hx.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = await ctx.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    try {
      for (const lesson of LESSONS) {
        for (let k = 0; k < lesson.steps.length; k++) {
          await p.goto(`${hx.baseUrl}${lessonQuery(lesson, k)}`, { waitUntil: 'load' });
          await p.waitForFunction((t) => document.querySelector('#lesson-step-title')?.textContent === t, `Step ${k + 1} of ${lesson.steps.length}: ${lesson.steps[k].title}`);
          const q = lesson.steps[k].question;
          // Opened from a link, the step asks what the core asks of it (its computed pass included).
          if (q) await p.waitForFunction((t) => document.querySelector('#lesson-prompt')?.textContent === t, plain(q.prompt(liveAtStep(lesson, k))), { timeout: 30_000 });
          await p.waitForTimeout(150);
          const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflow, `${lesson.id} step ${k + 1}`).toBeLessThanOrEqual(1);
          await p.screenshot({ path: join(SHOTS, `lesson-${lesson.id}-${k + 1}-390.png`) });
        }
      }
      // A glossary word explains itself on a tap.
      await p.goto(`${hx.baseUrl}${lessonQuery(LESSONS[1], 1)}`, { waitUntil: 'load' });
      const term = p.locator('#lesson-text button.term[data-term="stale block"]').first();
      await term.tap();
      const tip = p.locator('.glossary-tip:not([hidden])');
      await expect.poll(() => tip.textContent()).toContain('no query can reach');
      const box = await tip.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
      await p.screenshot({ path: join(SHOTS, 'lesson-glossary-tap-390.png') });
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});

describe('the inspector token axis', () => {
  it('draws sinks, stale blocks apart from unallocated ones, the window and the straddle for a windowed layer with sinks', { timeout: 60_000 }, async () => {
    const scenario = { tokens_per_block: 64, layers: [{ layer_id: 0, kind: 'attn', window: 128, sink_tokens: 64, buffers: [{ role: 'key', bytes_per_block: 1_048_576 }] }], gpu_quota_bytes: 2 ** 30, typical_step: null, constraints: [], initial_pool_ratio: null };
    const cfg = Buffer.from(JSON.stringify(scenario)).toString('base64url');
    const p = hx.page;
    await p.goto(`${hx.baseUrl}?scenario=custom&cfg=${cfg}&mode=as-shipped&tpb=64&maxSeqLen=4096&maxBatch=4&quota=1GiB&ratio=&workload=generated&requests=2&prompt=500&output=300&view=inspector&step=150&req=0`, { waitUntil: 'load' });
    await p.waitForFunction(() => (document.querySelector('#insp-axis-note')?.textContent ?? '').includes('h = 649'), null, { timeout: 30_000 });
    // h = 649, window 128: [522, 649] touches blocks 8..10 (a straddle); block 0 is the sink; 1..7 stale.
    const note = (await p.textContent('#insp-axis-note')) ?? '';
    expect(note).toContain('window 128: tokens [522, 649] in blocks 8..10');
    expect(note).toContain('a straddle');
    expect(note).toContain('sinks [0, 64) kept for good');
    expect(note).toContain('3 held, 7 stale, 0 not yet allocated, 1 sink');
    expect(await p.getAttribute('#insp-axis', 'data-straddle')).toBe('true');
    expect(await p.textContent('#insp-tables')).toContain('[7 stale]');
    await p.locator('#insp-axis').screenshot({ path: join(SHOTS, 'inspector-token-axis-sinks.png') });
  });
});
