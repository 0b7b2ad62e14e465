/**
 * The contract of the lesson panel (like model.ts, it imports nothing): what the panel is given
 * and what it may ask for. The bridge (bridge/lessons.ts) builds it from the lesson registry and
 * the live run; the panel (views/lesson.ts) only draws it.
 */

/** A piece of text; `term` and `definition` when it is a glossary word (explained on hover or tap). */
export interface TextPart {
  readonly text: string;
  readonly term?: string;
  readonly definition?: string;
}

export interface LessonCheck {
  readonly correct: boolean;
  readonly explanation: readonly TextPart[];
}

export interface LessonQuestionModel {
  readonly kind: 'number' | 'choice';
  /** Null when the run on screen cannot answer it (then `error` says why). */
  readonly prompt: readonly TextPart[] | null;
  readonly options: readonly string[] | null;
  readonly error: string | null;
  /** The student's answer for this step, if given. */
  readonly given: string | null;
  /** The check of that answer against the live run (null while the run is being made). */
  readonly check: LessonCheck | null;
  /** The run on screen is not yet the one of this state: wait before checking. */
  readonly waiting: boolean;
}

export interface LessonStepModel {
  readonly lessonId: string;
  readonly lessonTitle: string;
  /** Index of the step on screen and how many the lesson has. */
  readonly index: number;
  readonly count: number;
  readonly title: string;
  readonly text: readonly TextPart[];
  readonly facts: readonly (readonly TextPart[])[];
  readonly highlight: string;
  readonly question: LessonQuestionModel | null;
  /** The link of this step (for a teacher to send). */
  readonly link: string;
}

export interface LessonModel {
  readonly lessons: readonly { readonly id: string; readonly title: string; readonly summary: string }[];
  /** The lesson step on screen, or null (no lesson, or an unknown ?lesson= value: see `problem`). */
  readonly active: LessonStepModel | null;
  readonly problem: string;
  /** The part of the page pointed at now (the step's, or its question's reveal), or null. */
  readonly highlight: string | null;
  readonly glossary: readonly { readonly term: string; readonly definition: string }[];
}

export type LessonIntent =
  | { readonly type: 'open'; readonly id: string; readonly step: number }
  | { readonly type: 'close' }
  | { readonly type: 'answer'; readonly text: string };

export type LessonDispatch = (i: LessonIntent) => void;
