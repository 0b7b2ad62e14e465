/**
 * Every lesson against real runs: each step's link parses in the page's URL table, each question
 * answers from the live planner and simulator, and a wrong answer's explanation cites the live
 * numbers (so it changes when the run does).
 */
import { describe, expect, it } from 'vitest';
import { ask, checkAnswer, normalizeAnswer } from '../../src/lessons/check.ts';
import { inspectedRequest, type LiveRun } from '../../src/lessons/live.ts';
import { unknownMarks } from '../../src/lessons/markup.ts';
import { LESSON_IDS, LESSONS } from '../../src/lessons/registry.ts';
import type { Question } from '../../src/lessons/types.ts';
import { VIEWS } from '../../src/ui/state/params.ts';
import { liveAtStep, parseStep } from './helpers.ts';

/** A wrong answer of the right kind for the question. */
function wrongOf(q: Question, live: LiveRun): string {
  const a = q.answer(live);
  if (typeof a === 'number') return String(a + 7);
  return (q.options?.(live) ?? []).find((o) => o !== a) ?? 'none of these';
}

const steps = LESSONS.flatMap((l) => l.steps.map((s, k) => ({ lesson: l, step: s, k })));

describe('lesson registry', () => {
  it('has the six lessons with unique ids the URL accepts', () => {
    expect(LESSON_IDS).toEqual(['paged-kv', 'windows', 'pool-groups', 'issue-15401', 'straddle', 'engines']);
    expect(new Set(LESSON_IDS).size).toBe(LESSON_IDS.length);
    for (const id of LESSON_IDS) expect(id).toMatch(/^[a-z0-9-]{1,40}$/);
    for (const l of LESSONS) expect(l.steps.length).toBeGreaterThanOrEqual(3);
  });
});

describe.each(steps.map((x) => [`${x.lesson.id} step ${x.k}: ${x.step.title}`, x] as const))('%s', (_, { lesson, step, k }) => {
  it('its link parses with no problem, and says which view', () => {
    const { state, problems } = parseStep(lesson, k);
    expect(problems).toEqual([]);
    expect(VIEWS).toContain(step.url.view);
    expect(state.view).toBe(step.url.view);
  });

  it('marks only glossary words, in its text and in what it computes', () => {
    const live = liveAtStep(lesson, k);
    const texts = [step.text, ...(step.facts?.(live) ?? [])];
    if (step.question) texts.push(step.question.prompt(live), step.question.explain(live));
    for (const t of texts) expect(unknownMarks(t)).toEqual([]);
  });

  it.runIf(step.question)('answers from the live run and explains a wrong answer in its numbers', () => {
    const q = step.question!;
    const live = liveAtStep(lesson, k);
    const a = q.answer(live);
    if (q.kind === 'number') expect(Number.isInteger(a)).toBe(true);
    else expect(q.options!(live)).toContain(a);
    const right = checkAnswer(q, live, String(a));
    expect(right.correct).toBe(true);
    const wrong = wrongOf(q, live);
    const bad = checkAnswer(q, live, wrong);
    expect(bad.correct).toBe(false);
    expect(bad.explanation).toContain(String(a));
    expect(bad.explanation).toContain(wrong);
    // The explanation cites numbers of the run beyond the answer itself.
    const numbers = q.explain(live).match(/\d[\d,]*/g) ?? [];
    expect(numbers.length).toBeGreaterThanOrEqual(2);
    if (q.reveal) {
      const r = q.reveal(live);
      if (r.step !== undefined) expect(r.step).toBeGreaterThanOrEqual(0);
      if (r.step !== undefined) expect(r.step).toBeLessThan(live.stepCount);
      if (r.view !== undefined) expect(VIEWS).toContain(r.view);
    }
  });
});

describe('checker', () => {
  it('says a question does not fit a run without what it asks about, instead of throwing', async () => {
    const { liveOf } = await import('./helpers.ts');
    const l = LESSONS.find((x) => x.id === 'windows')!;
    const noWindow = liveOf('?scenario=custom&preset=llama-3.1-8b&tpb=16&dtype=bf16&maxSeqLen=512&quota=128MiB&ratio=&workload=generated&requests=2&prompt=50&output=10');
    const asked = ask(l.steps[1].question!, noWindow);
    expect(asked.error).toMatch(/does not fit the run on screen: the plan on screen has no windowed life cycle/);
    expect(checkAnswer(l.steps[1].question!, noWindow, '1').correct).toBe(false);
    expect(ask(l.steps[1].question!, liveAtStep(l, 1)).error).toBeNull();
  });

  it('reads numbers written with separators or units, and rejects what is not one', () => {
    expect(normalizeAnswer('number', ' 1,234 ')).toBe('1234');
    expect(normalizeAnswer('number', '7 slots')).toBe('7');
    expect(normalizeAnswer('number', 'seven')).toBeNull();
    expect(normalizeAnswer('choice', ' STATE ')).toBe('state');
  });

  it('says what a non-answer is not, with the run answer', () => {
    const l = LESSONS.find((x) => x.id === 'issue-15401')!;
    const live = liveAtStep(l, 1);
    const r = checkAnswer(l.steps[1].question!, live, 'lots');
    expect(r.correct).toBe(false);
    expect(r.explanation).toContain('not a whole number');
    expect(r.explanation).toContain(String(live.diagnostics.maxDecodesBest));
  });
});

describe('answers follow the run, never a constant', () => {
  it('#15401: the decode bound is the STATE slot count, and moves with the ratio', async () => {
    const { liveOf } = await import('./helpers.ts');
    const l = LESSONS.find((x) => x.id === 'issue-15401')!;
    const q = l.steps[1].question!;
    const skewed = liveOf('?scenario=trtllm-15401');
    expect(q.answer(skewed)).toBe(skewed.plan.slotCounts[2]);
    expect(q.answer(skewed)).toBe(skewed.summary.maxConcurrentDecodes);
    const other = liveOf('?scenario=trtllm-15401&ratio=0.02,0.96,0.02');
    expect(q.answer(other)).not.toBe(q.answer(skewed));
    expect(q.answer(other)).toBe(Math.min(other.plan.slotCounts[0], other.plan.slotCounts[2]));
    expect(checkAnswer(q, other, String(q.answer(skewed))).explanation).toContain(String(q.answer(other)));
    // Which pool runs out: the simulator's deadlock report, and "none" once the fix is on.
    const pool = l.steps[2].question!;
    expect(pool.answer(skewed)).toBe(skewed.summary.deadlock!.poolName);
    expect(pool.answer(liveOf('?scenario=trtllm-15401&mode=issue-fix'))).toBe('none: the run completes');
  });

  it('paged KV: the block table answer is the slot the simulator put the block in', () => {
    const l = LESSONS.find((x) => x.id === 'paged-kv')!;
    const live = liveAtStep(l, 1);
    const r = inspectedRequest(live)!;
    const t = Array.from(r.blockTables[0][0]);
    expect(l.steps[1].question!.answer(live)).toBe(t[t.length - 1]);
    // Slots are not contiguous once a request grows past its prompt.
    expect(t.some((s, i) => i > 0 && s !== t[i - 1] + 1)).toBe(true);
  });

  it('windows: the +1 step opens where the stale count differs with and without it, and the simulator freed that block', () => {
    const l = LESSONS.find((x) => x.id === 'windows')!;
    const live = liveAtStep(l, 1);
    const r = live.requestsAt(live.step).find((x) => x.id === 0)!;
    const w = 512;
    const tpb = live.plan.tokensPerBlock;
    expect(Math.floor((r.history + 1 - w) / tpb)).toBe(Math.floor((r.history - w) / tpb) + 1);
    const stale = l.steps[1].question!.answer(live) as number;
    expect(stale).toBeGreaterThan(0);
    const table = Array.from(r.blockTables[0][0]);
    expect(table.slice(0, stale).every((s) => s === -1)).toBe(true);
    expect(table[stale]).toBeGreaterThanOrEqual(0);
  });

  it('straddle: the crossing step opens at a pass where the window touches two blocks', () => {
    const l = LESSONS.find((x) => x.id === 'straddle')!;
    const live = liveAtStep(l, 1);
    const r = live.requestsAt(live.step).find((x) => x.id === 0)!;
    expect(Math.floor((r.history + 1 - 128) / 256)).toBeLessThan(Math.floor(r.history / 256));
    expect(l.steps[1].question!.answer(live)).toBe(2);
  });
});
