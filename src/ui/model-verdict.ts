/**
 * View-model contracts of the Verdict and Map views (re-exported by model.ts, which the views
 * import): the verdict of the page's configuration and the grid of a two-knob sweep. Imports nothing.
 */
/** One pool group of the verdict: the certificate's requirement against the slots, and the bounds it rests on. */
export interface VerdictGroupView {
  readonly index: number;
  readonly name: string;
  readonly slots: number;
  readonly needed: number;
  readonly holds: boolean;
  readonly why: string;
  readonly decodeBlocksWorst: number;
  readonly decodeBlocksBest: number;
  readonly concurrentWorst: number | null;
}

/** A verified fix: what changes, what it costs, and the page parameters that apply it (null: CLI only). */
export interface VerdictFixView {
  readonly label: string;
  readonly axis: string;
  readonly flags: string;
  readonly extraBytes: number;
  readonly concurrency: number;
  readonly concurrencyBefore: number;
  readonly verification: string;
  /** URL key -> value that apply the fix on the page, or null when the page has no control for it. */
  readonly apply: Readonly<Record<string, string>> | null;
  /** The page's own run under the fix, rerun in the worker: 'completed' (or why not), '' = not rerun. */
  readonly rerun: string;
  readonly note: string;
}

export interface VerdictCounterexampleView {
  readonly requests: number;
  readonly shape: string;
  readonly poolName: string;
  readonly poolGroup: number;
  readonly firstStalledStep: number;
  readonly message: string;
  readonly minimality: string;
  readonly family: string;
  readonly crossing: string;
  readonly replay: string;
  /** URL key -> value that load the counterexample as the page's request trace and jump to the stall. */
  readonly load: Readonly<Record<string, string>>;
}

export interface VerdictModel {
  readonly state: 'idle' | 'running' | 'done' | 'error';
  readonly message: string;
  readonly verdict: 'safe' | 'unsafe' | 'unknown' | null;
  readonly reason: string;
  /** What was judged: engine, constraint mode, policy, maxBatchSize, maxSeqLen. */
  readonly subject: string;
  readonly argument: string;
  readonly frees: string;
  readonly conditions: readonly string[];
  readonly groups: readonly VerdictGroupView[];
  readonly counterexample: VerdictCounterexampleView | null;
  readonly findings: readonly string[];
  readonly fixes: readonly VerdictFixView[];
  /** Why no fix is offered (engine or policy the verdict cannot verify a fix for), or ''. */
  readonly fixNote: string;
}

export interface MapCellView {
  readonly verdict: 'safe' | 'unsafe' | 'unknown' | 'refused';
  readonly maxConcurrentDecodes: number;
  readonly tokensPerStep: number;
  readonly outcome: string;
}

/** An axis as the Map view's controls give it (quota in GiB): count values from `from` to `to`. */
export interface MapAxisInput {
  readonly knob: string;
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

export interface MapAxisView {
  readonly knob: string;
  readonly values: readonly number[];
}

export interface MapModel {
  readonly state: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  readonly message: string;
  readonly knobs: readonly string[];
  /** The axes the controls start from (around the page's configuration, or the #15401 map). */
  readonly suggested: { readonly x: MapAxisInput; readonly y: MapAxisInput };
  readonly x: MapAxisView | null;
  readonly y: MapAxisView | null;
  /** Row-major (y then x); null = not computed yet. */
  readonly cells: readonly (MapCellView | null)[];
  readonly done: number;
  readonly total: number;
  /** The page's configuration on the grid (nearest cell), or null. */
  readonly current: { readonly xi: number; readonly yi: number } | null;
  /** URL key -> value that load cell i's configuration. */
  loadCell(i: number): Readonly<Record<string, string>> | null;
}

/** What the Verdict and Map views may ask for (part of the page's Intent). */
export type VerdictIntent =
  /** Several parameters at once (a fix, a map cell, a counterexample with its step): one run. */
  | { readonly type: 'setMany'; readonly values: Readonly<Record<string, string>> }
  | { readonly type: 'runMap'; readonly x: MapAxisInput; readonly y: MapAxisInput }
  | { readonly type: 'cancelMap' };

/** The explainer's part: the verdict's verified fixes (read only when the run deadlocks) and what the suggested floor costs ('' = none). */
export interface ExplainerVerdict {
  readonly verdict: VerdictModel | null;
  readonly floorCost: string;
}

/** The page model's part: the verdict for the page's configuration and the Map's sweep (computed in workers when read). */
export interface VerdictPageModel {
  readonly verdict: VerdictModel;
  readonly map: MapModel;
}
