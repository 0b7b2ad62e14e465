/**
 * `kvpool plan` for any engine of the registry, with no switch on engine ids: a scenario file the
 * engine reads natively (`file`, e.g. a vLLM case) or a TensorRT-LLM-format scenario (`size` on its
 * layers), a preset or config.json (`sizeModel` where the engine sizes a model its own way, else
 * `size` on the model's manager layers). `--json` prints the sizer's own `json`, the table its
 * `table`. Two engines of different families side by side: both outputs, their pools next to each
 * other, and the plain statement that no rule can be named for the difference.
 */
import { InputError } from '../model/errors.ts';
import { ENGINES, getEngine } from '../planner/engines/registry.ts';
import type { EngineSizer, SizeResult, SizerModelInput } from '../planner/engines/types.ts';
import { type EngineScenario, parseScenario } from '../planner/scenario.ts';
import { flagBool, flagString, type ParsedArgs } from './args.ts';
import { engineKnobValues } from './engine-flags.ts';
import { type Io, parseJsonText } from './io.ts';

export interface Sized {
  readonly engine: EngineSizer;
  readonly result: SizeResult;
  readonly title: string;
  /** The longest request of the sized configuration (the engine's own, a file's, or --max-seq-len). */
  readonly maxSeqLen: number;
}

/** Model flags that mean nothing for a file that carries every input itself. */
const NATIVE_FILE_CONFLICTS = ['preset', 'config', 'tokens-per-block', 'max-seq-len', 'max-num-tokens', 'max-batch-size', 'quota', 'kv-dtype', 'pool-ratio', 'constraints', 'batches'];

/** The registry engine whose own file format this is (e.g. a vLLM case), if any. */
export function nativeEngineOf(raw: unknown): string | undefined {
  return ENGINES.find((e) => e.file?.accepts(raw))?.id;
}

/** Hooks plan.ts passes in (the model loading and flag reading it owns). */
export interface GenericDeps {
  /** The model, its knobs from the flags, which of them were typed, and its manager layers as a scenario. */
  readonly loadModelAndKnobs: () => Promise<SizerModelInput & { readonly layers: () => EngineScenario }>;
  /** Knob flags read by the other engine of a side-by-side (not an error for this one). */
  readonly otherReads: readonly string[];
}

/** Size with one registry engine from the flags. Throws InputError for bad input. */
export async function sizeFromArgs(args: ParsedArgs, io: Io, id: string, deps: GenericDeps): Promise<Sized> {
  const engine = getEngine(id, '--engine');
  const knobs = engineKnobValues(args, [id], deps.otherReads);
  const path = flagString(args, 'scenario');
  if (path !== undefined) {
    const raw = parseJsonText(io.readText(path, '--scenario'), `--scenario ${path}`);
    if (engine.file?.accepts(raw)) {
      const clash = NATIVE_FILE_CONFLICTS.find((f) => args.flags.has(f));
      if (clash) throw new InputError(`--${clash}`, flagString(args, clash) ?? true, `nothing: ${path} carries every input`);
      const result = engine.file.size(raw);
      return { engine, result, title: path, maxSeqLen: result.maxSeqLen ?? 1 };
    }
    const scenario = parseScenario(raw);
    const batches = [scenario.typical_step, ...scenario.constraints].flatMap((b) => (b ? [b] : []));
    const maxSeqLen = Math.max(1, ...batches.flatMap((b) => b.kv_caches.map((kv) => kv[0])));
    const maxBatchSize = Math.max(1, ...batches.map((b) => b.kv_caches.reduce((a, kv) => a + (kv[2] ?? 1), 0)));
    return { engine, result: engine.size({ scenario, context: { maxBatchSize, maxSeqLen } }, knobs), title: path, maxSeqLen };
  }
  const m = await deps.loadModelAndKnobs();
  const own = { engine, title: m.model.id, maxSeqLen: m.knobs.maxSeqLen };
  if (engine.sizeModel) return { ...own, result: engine.sizeModel({ model: m.model, knobs: m.knobs, given: m.given }, knobs) };
  const context = { maxBatchSize: m.knobs.maxBatchSize, maxSeqLen: m.knobs.maxSeqLen, maxNumTokens: m.knobs.maxNumTokens };
  return { ...own, result: engine.size({ scenario: m.layers(), context }, knobs) };
}

function refusal(io: Io, s: Sized): boolean {
  if (!s.result.error) return false;
  io.err(`kvpool plan: ${s.engine.id} refuses this input: ${s.result.error.type}: ${s.result.error.message}`);
  return true;
}

/** One engine: its own JSON or table; exit 1 with the engine's message when it refuses. */
export function printSized(args: ParsedArgs, io: Io, s: Sized): number {
  if (flagBool(args, 'json')) io.out(JSON.stringify(s.result.json, null, 1));
  else io.out(s.result.table?.(s.title) ?? `${JSON.stringify(s.result.json, null, 1)}\n`);
  return refusal(io, s) ? 1 : 0;
}

function poolsOf(r: SizeResult): { name: string; slots: number; slot_bytes: number; bytes: number }[] {
  const l = r.layout;
  return l.poolGroups.map((g, i) => ({ name: g.name, slots: l.slotCounts[i], slot_bytes: g.slotBytes, bytes: g.slotBytes * l.slotCounts[i] }));
}

/** Why two engines of different families get no rule attribution (printed, never a made-up rule). */
export function crossFamilyNote(a: Sized, b: Sized): string {
  const names = (s: Sized) => s.result.layout.poolGroups.map((g) => g.name).join(', ') || 'none';
  const family = (id: string) => id.split('@')[0];
  const what = family(a.engine.id) === family(b.engine.id) ? 'versions that declare no version rules' : 'different engine families';
  return `${a.engine.id} and ${b.engine.id} are ${what}: their pools (${names(a)} vs ${names(b)}) are sized by different code, so no difference can be attributed to a rule; compare the numbers side by side.`;
}

/** Two engines of different families side by side. `--json`: {engines: [json, json], pools, diff: null, attribution}. */
export function printSideBySide(args: ParsedArgs, io: Io, a: Sized, b: Sized): number {
  const note = crossFamilyNote(a, b);
  if (flagBool(args, 'json')) {
    const pools = [a, b].map((s) => ({ engine: s.engine.id, pool_groups: poolsOf(s.result) }));
    io.out(JSON.stringify({ engines: [a.result.json, b.result.json], pools, diff: null, attribution: note }, (_k, v) => (v === Number.POSITIVE_INFINITY ? null : v), 1));
  } else {
    for (const s of [a, b]) io.out(`== ${s.engine.id} ==\n${s.result.table?.(s.title) ?? `${JSON.stringify(s.result.json, null, 1)}\n`}`);
    const rows = [a, b].flatMap((s) => poolsOf(s.result).map((p) => `${s.engine.id.padEnd(18)} ${p.name.padEnd(10)} ${String(p.slots).padStart(10)} x ${String(p.slot_bytes).padStart(10)} B = ${(p.bytes / 2 ** 30).toFixed(2)} GiB`));
    io.out(`\npools side by side\n${rows.join('\n')}\n\n${note}\n`);
  }
  const refused = [refusal(io, a), refusal(io, b)].some(Boolean);
  return refused ? 1 : 0;
}
