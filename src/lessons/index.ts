/** Guided lessons as data: the registry, the glossary, the checker and the live-run shape. */
export { type Asked, ask, type CheckResult, checkAnswer, normalizeAnswer } from './check.ts';
export { GLOSSARY, type GlossaryEntry, glossaryEntry } from './glossary.ts';
export { atStep, inspectedRequest, type LiveRequest, type LiveRun, type LiveSummary, liveFromTrace } from './live.ts';
export { plain, type Segment, segments, unknownMarks } from './markup.ts';
export { peelRounds } from './peel.ts';
export { getLesson, LESSON_IDS, LESSONS } from './registry.ts';
export type { Lesson, LessonStep, Question, Reveal } from './types.ts';
export { lessonQuery } from './url.ts';
