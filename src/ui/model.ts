/**
 * The contract between the views and the rest of the page: what a view is given (view models,
 * PageModel) and what it may ask for (Intent). Imports only its own parts (model-*.ts). The bridge (src/ui/bridge) turns
 * the planner's Plan and the simulator's Trace into these shapes, so a view never imports the core
 * and a change of a core API is a change in the bridge only.
 */

import type { StatusModel, TransportModel } from './model-page.ts';
import type { ExplainerVerdict, VerdictIntent, VerdictPageModel } from './model-verdict.ts';

export type * from './model-page.ts';
export type * from './model-verdict.ts';

/** Slot state codes in FrameView.slotState (one byte per slot). */
export const SLOT_FREE = 0;
export const SLOT_RUNNING = 1;
export const SLOT_SUSPENDED = 2;
/** Committed and evictable: still owned, can be dropped on demand. */
export const SLOT_EVICTABLE = 3;

export type RequestState = 'waiting' | 'context' | 'decoding' | 'suspended' | 'finished';

export interface PoolGroupView {
  readonly index: number;
  readonly name: string;
  readonly slotCount: number;
  /** "window 128", "full", "ssm", per life cycle of the group. */
  readonly lifeCycleLabels: readonly string[];
  /** Life cycle ids of the group, same order as lifeCycleLabels. */
  readonly lifeCycleIds: readonly number[];
  /** Window and sinks per life cycle (same order), for the attention inspector. */
  readonly lifeCycles: readonly { readonly windowTokens: number | null; readonly sinkTokens: number; readonly ssm: boolean }[];
}

export interface RequestView {
  readonly id: number;
  readonly state: RequestState;
  readonly capacity: number;
  readonly history: number;
  /** Per pool group, per life cycle of that group: physical slot of each logical block, -1 = none. */
  readonly blockTables: readonly (readonly ArrayLike<number>[])[];
}

export interface FrameView {
  readonly step: number;
  /** Per pool group: owning request id per slot, -1 = free. */
  readonly slotOwner: readonly Int32Array[];
  /** Per pool group: SLOT_* code per slot. */
  readonly slotState: readonly Uint8Array[];
  /** Per pool group: logical block ordinal per slot (-1 = free). */
  readonly slotBlock: readonly Int32Array[];
  /** Per pool group: life cycle id per slot (-1 = free). */
  readonly slotLifeCycle: readonly Int32Array[];
  readonly requests: readonly RequestView[];
}

export type EventKind = 'admit' | 'finish' | 'suspend' | 'resume' | 'preempt' | 'stall' | 'deadlock';

export interface RunEvent {
  readonly step: number;
  readonly kind: EventKind;
  readonly requestId: number;
  readonly poolGroup: number;
}

export interface DeadlockView {
  readonly poolGroup: number;
  readonly poolName: string;
  readonly neededSlots: number;
  readonly freeSlots: number;
  readonly heldByRunning: number;
  readonly heldBySuspended: number;
  readonly suggestedMinSlots: number;
  /** 'allocation' or 'resume-gate': what failed in the last stalled pass. */
  readonly cause?: string;
  readonly message?: string;
  readonly engineNote?: string | null; // the engine's own account of the stall (vLLM's log line, SGLang's error)
  /** First pass without progress (the stall the detector then counts). */
  readonly firstStalledStep?: number;
  readonly stalledPasses?: number;
}

export interface SummaryView {
  readonly engine?: string; // registry id that sized and scheduled the run, and whether it has modes (absent: imported)
  readonly engineHasModes?: boolean;
  readonly outcome: 'completed' | 'deadlock' | 'step-limit';
  readonly steps: number;
  readonly completedRequests: number;
  readonly totalRequests: number;
  readonly maxConcurrentDecodes: number;
  readonly peakUsedSlots: readonly number[];
  readonly slotCounts: readonly number[];
  readonly deadlock: DeadlockView | null;
}

export interface RunView {
  readonly poolGroups: readonly PoolGroupView[];
  readonly tokensPerBlock: number;
  /** Frames are 0 .. stepCount-1. */
  readonly stepCount: number;
  /** Per pool group, per step: slots held by running requests (and evictable ones). */
  readonly used: readonly ArrayLike<number>[];
  /** Per pool group, per step: slots held by suspended requests. */
  readonly held: readonly ArrayLike<number>[];
  readonly events: readonly RunEvent[];
  readonly summary: SummaryView;
  readonly story: string;
  frameAt(step: number): FrameView;
  /** JSON text of the whole trace (export). */
  toJson(): string;
}

/** One row of the plan table. */
export interface PlanRowView {
  readonly index: number;
  readonly name: string;
  readonly lifeCycles: string;
  readonly slotBytes: number;
  readonly minSlots: number | null; // null: no floors (vLLM, SGLang size from memory alone)
  readonly slotCount: number;
  readonly bytes: number;
  readonly decodesBest: number | null;
  readonly decodesWorst: number | null;
}

export interface PlanView {
  /** The engine that sized it (absent on an imported plan), and its own report as `kvpool plan` prints it ('' for TensorRT-LLM). */
  readonly engine?: { readonly id: string; readonly label: string; readonly source: string };
  readonly report?: string;
  readonly rows: readonly PlanRowView[];
  readonly findings: readonly string[];
  readonly ratioSource: string;
  readonly quotaBytes: number;
  readonly error: string | null;
  /** JSON text in the scenario-format output (export). */
  toJson(): string;
}

/** Outputs of one attention-kernel run in the inspector. */
export interface KernelResultView {
  readonly backend: string;
  readonly notice: string;
  readonly maxDiff: number;
  readonly ok: boolean;
  readonly tolerance: number;
  readonly lines: readonly string[];
  readonly weightsLine: string;
  /** Logical pages read for the selected request (token axis). */
  readonly pages: readonly number[];
  /** Head-0 attention weights per token position (token axis), or null. */
  readonly weights: Float64Array | null;
}
export interface InspectorModel {
  /** Requested request id (-1 = first active) and "pg:lc" ('' = first). */
  readonly request: number;
  readonly lc: string;
  readonly kernel: { readonly state: 'idle' | 'running' | 'done' | 'error'; readonly message: string; readonly result: KernelResultView | null };
}

export interface CompareSide {
  readonly title: string;
  readonly engine: string;
  readonly run: RunView | null;
  readonly error: string | null;
}
/** Two engines: each moved number with the rule that moved it (computed), or why no rule can be named. */
export type CompareAttribution = { readonly lines: readonly string[]; readonly note: string };
export interface CompareModel {
  readonly mode: string;
  readonly policy: string;
  readonly modes: readonly string[];
  readonly policies: readonly string[];
  /** The right side's engine ('' = the left side's: then modes or policies are compared); attribution only when they differ. */
  readonly engine: string;
  readonly engines: readonly string[];
  readonly left: CompareSide;
  readonly right: CompareSide;
  readonly attribution: CompareAttribution | null;
  readonly pending: boolean;
}

/** One control generated from the URL parameter table. */
export interface FieldModel {
  readonly url: string;
  readonly label: string;
  readonly group: string;
  /** The value as the URL carries it. */
  readonly value: string;
  readonly options: readonly (readonly [string, string])[] | null;
  readonly error: string;
  readonly note: string;
  readonly inputMode: 'numeric' | 'decimal';
}
export interface ControlsModel {
  readonly fields: readonly FieldModel[];
  readonly modelNote: string;
  readonly configError: string;
  readonly configOk: string;
  /** Text to put in the config box ('' = leave as typed). */
  readonly configText: string;
  readonly traceError: string;
}
export interface ExplainerModel extends ExplainerVerdict {
  readonly summary: SummaryView | null;
  readonly step: number;
  /** A run that could not be made: the message (shown instead of the explanation). */
  readonly error: string | null;
}
export interface ShellModel {
  readonly scenarios: readonly { readonly name: string; readonly pressed: boolean }[];
  readonly story: string;
  readonly problems: readonly string[];
  readonly tabs: readonly { readonly id: string; readonly label: string }[];
  readonly link: string;
}
export interface DataModel {
  readonly message: string;
  readonly identical: boolean | null;
  readonly importedPlan: PlanView | null;
  /** The exported trace JSON with the link of this run, built on demand. */
  traceJson(): string | null;
}

/** The Benchmark view: a run of the GPU benchmark on this browser's adapter (bridge/bench.ts). */
export interface BenchModel {
  readonly state: 'idle' | 'running' | 'done' | 'error';
  readonly message: string;
  readonly done: number;
  readonly total: number;
  /** Result rows so far (field name -> value, as bench:gpu --json prints them). */
  readonly rows: ReadonlyArray<Readonly<Record<string, string | number | null>>>;
  /** The export (rows and adapter info) once done, as JSON text. */
  readonly exportJson: string | null;
  readonly fileName: string;
}

/** Everything the views are given, for one state of the page. Derived and memoised by the bridge. */
export interface PageModel extends VerdictPageModel {
  readonly view: string;
  readonly theme: 'auto' | 'light' | 'dark';
  /** A part of the page a lesson points at (data-region value), or null. */
  readonly highlight: string | null;
  /** The step on screen (clamped to the run). */
  readonly step: number;
  readonly run: RunView | null;
  /** The run on screen is an older one (a new one is being made, or the new one failed). */
  readonly runStale: boolean;
  readonly frame: FrameView | null;
  readonly plan: PlanView | null;
  /** Every URL parameter's value as the URL carries it, by URL key. */
  readonly params: Readonly<Record<string, string>>;
  /** Allowed values of enumerated parameters, by URL key (from the core's lists). */
  readonly choices: Readonly<Record<string, readonly string[]>>;
  readonly shell: ShellModel;
  readonly transport: TransportModel;
  readonly status: StatusModel;
  readonly explainer: ExplainerModel;
  readonly controls: ControlsModel;
  readonly inspector: InspectorModel;
  /** Built only when read (the Compare view), then memoised. */
  readonly compare: CompareModel | null;
  readonly data: DataModel;
  readonly bench: BenchModel;
}

export type PlayerOp = 'toggle' | 'play' | 'pause' | 'back' | 'forward' | 'back10' | 'forward10' | 'start' | 'end' | 'faster' | 'slower';

/** What a view may ask for. The page turns intents into pure actions on the one store. */
export type Intent =
  | { readonly type: 'set'; readonly key: string; readonly raw: string }
  | { readonly type: 'scenario'; readonly name: string }
  | { readonly type: 'seek'; readonly step: number }
  | { readonly type: 'view'; readonly id: string }
  | { readonly type: 'player'; readonly op: PlayerOp }
  | { readonly type: 'config'; readonly text: string | null; readonly source: string }
  | { readonly type: 'requestTrace'; readonly text: string; readonly name: string }
  | { readonly type: 'import'; readonly text: string; readonly name: string }
  | { readonly type: 'runKernel' }
  | { readonly type: 'runBench'; readonly set: 'quick' | 'full' }
  | { readonly type: 'theme' }
  | { readonly type: 'dismissProblems' }
  | { readonly type: 'share' }
  | VerdictIntent;

export type Dispatch = (intent: Intent) => void;

/** A view: one file, one registry line. It draws view models and sends intents, nothing else. */
export interface ViewDef {
  readonly id: string;
  readonly label: string;
  mount(el: HTMLElement, dispatch: Dispatch): void;
  render(model: PageModel): void;
}
