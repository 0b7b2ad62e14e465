/**
 * The lessons, in teaching order. Adding a lesson is its file plus one line here; the page's
 * lesson list and the `?lesson=` values are read from this list.
 */
import { engines } from './engines.ts';
import { issue15401 } from './issue-15401.ts';
import { pagedKv } from './paged-kv.ts';
import { poolGroups } from './pool-groups.ts';
import { straddle } from './straddle.ts';
import type { Lesson } from './types.ts';
import { windows } from './windows.ts';

export const LESSONS: readonly Lesson[] = [
  pagedKv,
  windows,
  poolGroups,
  issue15401,
  straddle,
  engines,
];

export const LESSON_IDS: readonly string[] = LESSONS.map((l) => l.id);

export function getLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
