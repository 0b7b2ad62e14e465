/**
 * The Compare view's contract (a part of src/ui/model.ts kept in its own file): two runs side by
 * side, the second under another constraint mode, policy or engine, and, for two engines, what
 * moved the numbers. Imports nothing: model.ts instantiates it with its RunView.
 */

export interface CompareSide<R> {
  readonly title: string;
  readonly run: R | null;
  readonly error: string | null;
  /** The engine (registry id) the side was sized and scheduled with. */
  readonly engine: string;
}

/** Two engines: each number that moved, with the rule that moved it (computed), or why no rule can be named. */
export interface CompareAttribution {
  readonly lines: readonly string[];
  readonly note: string;
}

export interface CompareModel<R> {
  readonly mode: string;
  readonly policy: string;
  readonly modes: readonly string[];
  readonly policies: readonly string[];
  /** The right side's engine ('' = the left side's; then modes or policies are compared). */
  readonly engine: string;
  readonly engines: readonly string[];
  readonly left: CompareSide<R>;
  readonly right: CompareSide<R>;
  /** Only when the two sides' engines differ and both runs are there. */
  readonly attribution: CompareAttribution | null;
  readonly pending: boolean;
}
