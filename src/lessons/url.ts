/**
 * A lesson step as a link: the step's page state plus `lesson` and `lstep` (the timeline's pass
 * stays `step`). The page applies it as it applies any link.
 */
import type { Lesson } from './types.ts';

/** Percent-encoded like URLSearchParams (space as %20: both read back the same). */
export function toQuery(params: Readonly<Record<string, string>>): string {
  return `?${Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')}`;
}

export function lessonQuery(lesson: Lesson, k: number): string {
  const step = lesson.steps[k];
  if (!step) return '';
  return toQuery({ ...step.url, lesson: lesson.id, lstep: String(k) });
}
