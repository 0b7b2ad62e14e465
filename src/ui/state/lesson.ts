/**
 * Pure actions of the lesson player. A step is a link (the bridge makes it from the lesson
 * registry): opening it applies the link as any link is applied, points at the step's part of the
 * page and forgets the previous step's answer. The answer is kept per "lesson:lstep" and checked
 * by the bridge against the live run, so it is never stored as right or wrong.
 */
import { restoreQuery } from './actions.ts';
import type { AppState } from './types.ts';

export const lessonKey = (s: AppState): string => `${s.params.lesson}:${s.params.lessonStep}`;

/** Apply a lesson step's link (it carries lesson and lstep). */
export function openLessonStep(s: AppState, query: string, highlight: string): AppState {
  const { state, problems } = restoreQuery(s, query);
  return { ...state, highlight, lessonAnswer: null, problems: problems.length > 0 ? problems : s.problems };
}

export function answerLesson(s: AppState, text: string): AppState {
  return { ...s, lessonAnswer: { key: lessonKey(s), text } };
}

/** The answer given on the step on screen, or null. */
export function currentAnswer(s: AppState): string | null {
  const a = s.lessonAnswer;
  return a && a.key === lessonKey(s) ? a.text : null;
}

/** Leave the lesson: the page stays as it is, only the lesson and its pointer go. */
export function closeLesson(s: AppState): AppState {
  return { ...s, highlight: null, lessonAnswer: null, params: { ...s.params, lesson: '', lessonStep: 0 } };
}
