/**
 * The engine sizer interface: one engine (and version) that turns an engine scenario into pools.
 * The CLI flags, `--help`, the page's engine picker and its URL values are all read from the
 * declarations here, never from a switch on the engine id.
 *
 * Adding an engine is two steps (and its test):
 *   1. one sizer file in src/planner/engines/ (or your own folder) exporting an `EngineSizer`;
 *   2. one line in src/planner/engines/registry.ts listing it.
 * `kvpool plan`/`simulate`, `--help`, the page's picker, knob controls and URL keys need no edit.
 * Its `size` must return a `PoolLayout` so the simulator, pool grids, timeline and explainer run
 * on its pools unchanged; `json` is the engine's own output format.
 */
import type { KvDtype } from '../../model/dtype.ts';
import type { ModelSpec } from '../../model/spec.ts';
import type { EngineKnobs } from '../build.ts';
import type { PlanDiagnostics } from '../diagnostics.ts';
import type { EngineScenario } from '../scenario.ts';
import type { PlanError, PoolLayout } from '../types.ts';

/** Value of one knob: numbers, flags, names, lists of numbers (ratios); null = unset. */
export type KnobValue = number | boolean | string | readonly number[] | null;
export type KnobValues = Readonly<Record<string, KnobValue>>;

export interface KnobSpec {
  /** camelCase name, the key in `KnobValues`. */
  readonly name: string;
  /** CLI flag without the dashes, e.g. `max-util-for-resume`. */
  readonly flag: string;
  /** Query-string key on the page. */
  readonly urlKey: string;
  readonly type: 'int' | 'number' | 'bool' | 'enum' | 'numbers';
  readonly default: KnobValue;
  /** Valid range, for int/number: inclusive bounds unless `minExclusive`. */
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  /** Valid values, for enum. */
  readonly values?: readonly string[];
  readonly help: string;
}

/** Constraint modes (how the wrapper builds typical step and constraints) an engine accepts. */
export interface EngineModes {
  /** The modes the engine itself ships (the rest are what-ifs). */
  readonly shipped: readonly string[];
  readonly all: readonly string[];
  readonly default: string;
}

/** What `size` gets: the engine-shaped scenario (layers, tpb, quota, batches) and its framing. */
export interface SizerInput {
  readonly scenario: EngineScenario;
  /** Frames the diagnostics' findings (decodes per pool at maxBatchSize, long requests). */
  readonly context: { readonly maxBatchSize: number; readonly maxSeqLen: number; readonly draftTokens?: number; readonly maxNumTokens?: number | null };
}

/** A model description and the shared knobs, for an engine that sizes a model its own way. */
export interface SizerModelInput {
  readonly model: ModelSpec;
  readonly knobs: EngineKnobs & { readonly kvDtype: KvDtype };
  /** The shared knobs the user set (EngineKnobs names): an engine with defaults of its own (vLLM's block 16) uses a knob only when set. */
  readonly given: ReadonlySet<string>;
}

export interface SizeResult<P extends PoolLayout = PoolLayout> {
  /** The pools, for the simulator and the views (its `error` is the same as `error`). */
  readonly layout: P;
  /** The engine's own output format (snake_case for TensorRT-LLM). */
  readonly json: Readonly<Record<string, unknown>>;
  readonly diagnostics: PlanDiagnostics | null;
  /** Non-null when the engine refuses the input (then the CLI exits 1 with this message). */
  readonly error: PlanError | null;
  /**
   * The sizer's own readable report (what the engine reports: groups, pools, per-request bounds),
   * for `kvpool plan` and the page's Plan tab. Absent for TensorRT-LLM, whose `Plan` has its own table.
   */
  table?(title: string): string;
  /** The longest request the sized configuration admits (vLLM's max_model_len), for the simulator's admission bound. */
  readonly maxSeqLen?: number;
}

export interface EngineSizer<P extends PoolLayout = PoolLayout> {
  /** `family@version`, e.g. `trtllm-v2@main`: the CLI `--engine` and the URL `engine` value. */
  readonly id: string;
  readonly label: string;
  /** One line: which engine code this reproduces (files, commits). */
  readonly source: string;
  readonly knobs: readonly KnobSpec[];
  readonly modes: EngineModes | null;
  /** The simulator policy (src/sim/policies) that runs this engine's own scheduler over its pools. */
  readonly policy: string;
  size(input: SizerInput, knobs: KnobValues): SizeResult<P>;
  /** The engine's own input file format (a vLLM case), if it has one: recognised, and sized exactly as given. */
  readonly file?: { accepts(raw: unknown): boolean; size(raw: unknown): SizeResult<P> };
  /** Size a model description the engine's own way (heads, dtype), when that is not sizing our manager layers. */
  sizeModel?(input: SizerModelInput, knobs: KnobValues): SizeResult<P>;
  /** The engine's own block (page) size when the user gives none (vLLM 16, SGLang 1); absent: the model's default. */
  readonly defaultTokensPerBlock?: number;
}
