/**
 * The lesson player's bridge: the lesson registry and the live run in, the panel's model out.
 * The live run is the page's own run of the current state (the same RunSource, so nothing is
 * simulated twice); questions are asked and answers checked against it, never against a stored
 * number. Opening a step applies its link; a step that opens at a pass computed from the run
 * (`seek`) gets that pass as soon as its run is on screen (followUp).
 */
import { ask, checkAnswer } from '../../lessons/check.ts';
import { GLOSSARY } from '../../lessons/glossary.ts';
import type { LiveRun } from '../../lessons/live.ts';
import { segments } from '../../lessons/markup.ts';
import { getLesson, LESSONS } from '../../lessons/registry.ts';
import type { LessonStep } from '../../lessons/types.ts';
import { lessonQuery } from '../../lessons/url.ts';
import { diagnose, type PlanDiagnostics } from '../../planner/diagnostics.ts';
import type { Plan } from '../../planner/types.ts';
import type { LessonIntent, LessonModel, LessonQuestionModel, TextPart } from '../lesson-model.ts';
import { highlight, setView } from '../state/actions.ts';
import { runKey } from '../state/codec.ts';
import { answerLesson, closeLesson, currentAnswer, openLessonStep } from '../state/lesson.ts';
import { seek } from '../state/player.ts';
import type { Action } from '../state/store.ts';
import type { AppState } from '../state/types.ts';
import type { RunSource } from './page-model.ts';

export function textParts(marked: string): TextPart[] {
  return segments(marked).map((s) => (s.entry ? { text: s.text, term: s.entry.term, definition: s.entry.text } : { text: s.text }));
}

const LIST = LESSONS.map((l) => ({ id: l.id, title: l.title, summary: l.summary }));
const WORDS = GLOSSARY.map((g) => ({ term: g.term, definition: g.text }));

export class LessonBridge {
  private readonly runs: RunSource;
  private readonly href: (query: string) => string;
  private pendingSeek: string | null = null;
  /** The first state seen (the page's link) has not been looked at yet. */
  private first = true;
  private diagMemo: { plan: Plan; mbs: number; msl: number; d: PlanDiagnostics } | null = null;
  private memo: { key: readonly unknown[]; model: LessonModel } | null = null;

  constructor(runs: RunSource, href: (query: string) => string) {
    this.runs = runs;
    this.href = href;
  }

  /** The run on screen as the lessons read it, or null while it is being made (or failed). */
  live(s: AppState): LiveRun | null {
    const p = s.params;
    const r = this.runs.run(p)?.result;
    if (!r) return null;
    const run = r.run;
    let dm = this.diagMemo;
    if (!dm || dm.plan !== r.plan || dm.mbs !== p.maxBatchSize || dm.msl !== p.maxSeqLen) {
      dm = { plan: r.plan, mbs: p.maxBatchSize, msl: p.maxSeqLen, d: diagnose(r.plan, { maxBatchSize: p.maxBatchSize, maxSeqLen: p.maxSeqLen }) };
      this.diagMemo = dm;
    }
    return {
      plan: r.plan,
      diagnostics: dm.d,
      maxBatchSize: p.maxBatchSize,
      maxSeqLen: p.maxSeqLen,
      summary: run.summary,
      stepCount: run.stepCount,
      step: Math.min(p.step, run.stepCount - 1),
      request: p.request,
      used: run.used,
      requestsAt: (k) => run.frameAt(Math.max(0, Math.min(run.stepCount - 1, k))).requests,
    };
  }

  model(s: AppState): LessonModel {
    const p = s.params;
    const outcome = this.runs.run(p);
    // With no lesson open the panel is the lesson list: the same model at every step (no redraw while playing).
    const key = p.lesson ? [p.lesson, p.lessonStep, outcome, p.step, p.request, currentAnswer(s), s.highlight] : ['', s.highlight];
    if (this.memo?.key.every((k, i) => k === key[i])) return this.memo.model;
    const model = this.build(s);
    this.memo = { key, model };
    return model;
  }

  private build(s: AppState): LessonModel {
    const p = s.params;
    const base = { lessons: LIST, glossary: WORDS, active: null, problem: '', highlight: s.highlight };
    if (!p.lesson) return base;
    const lesson = getLesson(p.lesson);
    if (!lesson) return { ...base, problem: `No lesson "${p.lesson}"; the lessons are ${LIST.map((l) => l.id).join(', ')}.` };
    const k = Math.min(p.lessonStep, lesson.steps.length - 1);
    const step = lesson.steps[k];
    const live = this.live(s);
    return {
      ...base,
      active: {
        lessonId: lesson.id,
        lessonTitle: lesson.title,
        index: k,
        count: lesson.steps.length,
        title: step.title,
        text: textParts(step.text),
        facts: live && step.facts ? safeFacts(step, live).map(textParts) : [],
        highlight: step.highlight,
        question: step.question ? this.question(step, live, currentAnswer(s)) : null,
        link: this.href(lessonQuery(lesson, k)),
      },
    };
  }

  private question(step: LessonStep, live: LiveRun | null, given: string | null): LessonQuestionModel {
    const q = step.question!;
    if (!live) return { kind: q.kind, prompt: null, options: null, error: null, given, check: null, waiting: true };
    const asked = ask(q, live);
    if (asked.error !== null) return { kind: q.kind, prompt: null, options: null, error: asked.error, given, check: null, waiting: false };
    const c = given === null ? null : checkAnswer(q, live, given);
    return { kind: q.kind, prompt: textParts(asked.prompt), options: asked.options, error: null, given, check: c ? { correct: c.correct, explanation: textParts(c.explanation) } : null, waiting: false };
  }

  /** The pure action an intent of the panel stands for. */
  actionFor(i: LessonIntent, s: AppState): Action | null {
    switch (i.type) {
      case 'open': {
        const lesson = getLesson(i.id);
        if (!lesson) return null;
        const k = Math.max(0, Math.min(lesson.steps.length - 1, i.step));
        const step = lesson.steps[k];
        this.pendingSeek = step.seek ? `${lesson.id}:${k}` : null;
        return (st) => openLessonStep(st, lessonQuery(lesson, k), step.highlight);
      }
      case 'close':
        this.pendingSeek = null;
        return closeLesson;
      case 'answer':
        return this.answerAction(i.text, s);
    }
  }

  /** Record the answer, then show where the run says it (the question's reveal). */
  private answerAction(text: string, s: AppState): Action {
    const lesson = getLesson(s.params.lesson);
    const step = lesson?.steps[s.params.lessonStep];
    const live = this.live(s);
    let reveal: ReturnType<NonNullable<NonNullable<LessonStep['question']>['reveal']>> = {};
    try {
      if (step?.question?.reveal && live) reveal = step.question.reveal(live);
    } catch {
      reveal = {};
    }
    const total = live?.stepCount ?? 1;
    return (st) => {
      let next = answerLesson(st, text);
      if (reveal.view) next = setView(next, reveal.view);
      if (reveal.step !== undefined) next = seek(next, reveal.step, total);
      if (reveal.highlight) next = highlight(next, reveal.highlight);
      return next;
    };
  }

  /** After a render: a step that opens at a computed pass gets it once its run is on screen. */
  followUp(s: AppState): Action | null {
    if (this.first) {
      // A step's link opens at the step's computed pass unless it names a pass of its own.
      this.first = false;
      if (s.params.step === 0 && getLesson(s.params.lesson)?.steps[s.params.lessonStep]?.seek) this.pendingSeek = `${s.params.lesson}:${s.params.lessonStep}`;
    }
    const want = this.pendingSeek;
    if (!want) return null;
    if (want !== `${s.params.lesson}:${s.params.lessonStep}`) {
      this.pendingSeek = null;
      return null;
    }
    const live = this.live(s);
    if (!live) return null;
    this.pendingSeek = null;
    const step = getLesson(s.params.lesson)?.steps[s.params.lessonStep];
    if (!step?.seek) return null;
    let at: number;
    try {
      at = step.seek(live);
    } catch {
      return null;
    }
    const key = runKey(s.params);
    return (st) => (runKey(st.params) === key ? seek(st, at, live.stepCount) : st);
  }
}

function safeFacts(step: LessonStep, live: LiveRun): readonly string[] {
  try {
    return step.facts?.(live) ?? [];
  } catch {
    return [];
  }
}
