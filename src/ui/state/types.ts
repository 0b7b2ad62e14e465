/** The one UI state: the URL parameters plus what the page holds that a link does not carry. */
import type { PlanView, RunView } from '../model.ts';
import type { UiState } from './params.ts';

export interface Imported {
  /** The message of the last import (Export / import view). */
  readonly message: string;
  /** A re-run trace matched the file (true) or not (false); null = not a re-run. */
  readonly identical: boolean | null;
  readonly plan: PlanView | null;
  /** A trace without settings: shown instead of the live run until the next run change. */
  readonly run: RunView | null;
}

export interface AppState {
  /** Everything a link carries (the step too: it is stored here only). */
  readonly params: UiState;
  readonly playing: boolean;
  /** Fraction of a step the player has accumulated. */
  readonly carry: number;
  readonly theme: 'auto' | 'light' | 'dark';
  /** A part of the page a lesson points at (data-region value). */
  readonly highlight: string | null;
  /** Invalid link parameters, one line each. */
  readonly problems: readonly string[];
  /** Rejected typed values by URL key (the value was not applied). */
  readonly fieldErrors: Readonly<Record<string, string>>;
  /** Where the config in params.config came from ('pasted config', a file name, 'config from the link'). */
  readonly configSource: string;
  readonly imported: Imported;
  /** Bumped by "Run attention kernel": the bridge runs the kernel once per ticket. */
  readonly kernelTicket: number;
  /** Bumped by the Benchmark view's run buttons: the bridge runs the benchmark once per ticket. */
  readonly benchTicket: number;
  readonly benchSet: 'quick' | 'full';
  /** The student's answer to the lesson step on screen, keyed "lesson:lstep" (not in a link). */
  readonly lessonAnswer?: { readonly key: string; readonly text: string } | null;
}
