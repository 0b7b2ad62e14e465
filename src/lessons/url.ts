/**
 * A lesson step as a link: the step's page state plus `lesson` and `lstep` (the timeline's pass
 * stays `step`). The page applies it as it applies any link.
 */
import type { Lesson } from './types.ts';

export function lessonQuery(lesson: Lesson, k: number): string {
  const step = lesson.steps[k];
  if (!step) return '';
  const q = new URLSearchParams(step.url);
  q.set('lesson', lesson.id);
  q.set('lstep', String(k));
  return `?${q.toString()}`;
}
