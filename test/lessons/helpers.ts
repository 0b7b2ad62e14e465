/**
 * Live runs for lesson tests, made as the page makes them: the step's link parsed by the page's
 * URL table, planned and simulated by the page's bridge, then seen as a LiveRun at the step's pass.
 */
import { atStep, type LiveRun, liveFromTrace } from '../../src/lessons/live.ts';
import type { Lesson, LessonStep } from '../../src/lessons/types.ts';
import { lessonQuery } from '../../src/lessons/url.ts';
import { computeRun } from '../../src/ui/bridge/run.ts';
import { parseUrlState } from '../../src/ui/state/codec.ts';

/** The step's link (with lesson and lstep) as the page's URL table parses it. */
export function parseStep(lesson: Lesson, k: number) {
  return parseUrlState(lessonQuery(lesson, k));
}

const cache = new Map<string, LiveRun>();

/** The live run of a link query (memoised: a run is a value). */
export function liveOf(query: string): LiveRun {
  let live = cache.get(query);
  if (!live) {
    const { state } = parseUrlState(query);
    const r = computeRun(state, null);
    live = liveFromTrace(r.plan, r.trace, { maxBatchSize: state.maxBatchSize, maxSeqLen: state.maxSeqLen, step: state.step, request: state.request });
    cache.set(query, live);
  }
  return live;
}

/** The live run a lesson step opens on: its link, then its computed pass. */
export function liveAtStep(lesson: Lesson, k: number): LiveRun {
  const step: LessonStep = lesson.steps[k];
  const live = liveOf(lessonQuery(lesson, k));
  return step.seek ? atStep(live, step.seek(live)) : live;
}
