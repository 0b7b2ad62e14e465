/**
 * Lessons are data: a list of steps, each a link state of the page, a short text, the part of the
 * page to point at and, where it teaches, a question the student answers before the run shows it.
 * Nothing here knows the DOM: the page's lesson player and the tests read the same values.
 *
 * Every number a lesson shows comes from the live run (the LiveRun the page or a test hands in):
 * an answer is computed by the question's checker, never written down, so a lesson stays true
 * when the planner, the simulator or the student's own settings change.
 */
import type { LiveRun } from './live.ts';

/** A text with glossary marks: `[[term]]` or `[[shown words|term]]` (see markup.ts). */
export type Marked = string;

export interface Reveal {
  /** The timeline pass where the run shows the answer (the page seeks there after an answer). */
  readonly step?: number;
  /** The view that shows it (a `?view=` value). */
  readonly view?: string;
  /** The part of the page to point at once answered (a data-region value). */
  readonly highlight?: string;
}

export interface Question {
  /** What is asked, with the live numbers it needs. */
  prompt(live: LiveRun): Marked;
  readonly kind: 'number' | 'choice';
  /** The choices ('choice' questions), from the live run where they depend on it (pool names). */
  options?(live: LiveRun): readonly string[];
  /** The answer, computed from the live planner and simulator outputs. */
  answer(live: LiveRun): number | string;
  /** Why the answer is what it is, in the live numbers. */
  explain(live: LiveRun): Marked;
  /** Where the run shows the answer once the student has given theirs. */
  reveal?(live: LiveRun): Reveal;
}

export interface LessonStep {
  readonly title: string;
  /**
   * The page's state for this step, by URL key (the page's own parameter names, e.g.
   * `{ scenario: 'trtllm-15401', mode: 'issue-fix', view: 'pools' }`): a whole link, applied as
   * the page applies any link (what it does not say takes the scenario's default).
   */
  readonly url: Readonly<Record<string, string>>;
  readonly text: Marked;
  /** The part of the page the step is about (a stable data-region value of the page). */
  readonly highlight: string;
  /** A pass computed from the live run to open the step at (overrides `url.step`). */
  seek?(live: LiveRun): number;
  /** Lines of live numbers shown under the text (always true of the run on screen). */
  facts?(live: LiveRun): readonly Marked[];
  readonly question?: Question;
}

export interface Lesson {
  /** The `?lesson=` value: lower-case words and dashes. */
  readonly id: string;
  readonly title: string;
  /** One line for the lesson list. */
  readonly summary: string;
  readonly steps: readonly LessonStep[];
}
