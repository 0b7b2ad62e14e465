/**
 * `kvpool plan` and `kvpool presets`: size the pools of a preset, a Hugging Face config.json or an
 * engine scenario file, print a table (or the engine-format JSON) and the diagnostics.
 */

import { LIMITS } from '../limits.ts';
import { isKvDtype, KV_DTYPES, type KvDtype } from '../model/dtype.ts';
import { engineDefaultsFor } from '../model/engine-defaults.ts';
import { InputError } from '../model/errors.ts';
import { parseDecimal, parseInteger, splitList } from '../model/parse.ts';
import { getPreset, listPresets, PRESET_ALIASES } from '../model/presets.ts';
import type { ModelSpec } from '../model/spec.ts';
import { modelToLayers } from '../model/to-layers.ts';
import { isTrtllmSizer } from '../planner/engines/trtllm.ts';
import { CONSTRAINT_MODES, type ConstraintMode, DEFAULT_ENGINE, type EngineScenario, getEngine, type ModelKnobs, type PlannedModel, planAndDiagnose, planModel, SCENARIO_FILE_ENGINE, scenarioForModel } from '../planner/index.ts';
import { type PeerKnobs, peerSizings } from '../planner/peers.ts';
import { parseCustomBatches, parseScenario } from '../planner/scenario.ts';
import { commandArgs, type FlagSpec, flagBool, flagInt, flagString, type ParsedArgs, parseBytes, withUserNames } from './args.ts';
import { engineFlag, engineKnobFlags, engineKnobValues, resolveEngines } from './engine-flags.ts';
import { type Io, parseJsonText } from './io.ts';
import { compareCommand } from './plan-compare.ts';
import { renderPeers, renderPlan } from './plan-format.ts';
import { type GenericDeps, nativeEngineOf, printSideBySide, printSized, type Sized, sizeFromArgs } from './plan-generic.ts';

export const PLAN_FLAGS: FlagSpec[] = [
  { name: 'preset', type: 'string', value: 'ID', help: 'model preset (kvpool presets lists them); default deepseek-v4-flash' },
  { name: 'config', type: 'string', value: 'FILE', help: 'a Hugging Face config.json instead of a preset' },
  { name: 'scenario', type: 'string', value: 'FILE', help: 'an engine scenario JSON (scenario format v1): planned as given' },
  { name: 'tokens-per-block', type: 'string', value: 'N', help: 'tokens per KV block (default: the model\'s, 256 for DeepSeek-V4)' },
  { name: 'max-seq-len', type: 'string', value: 'N', help: 'longest request in tokens (default: the model\'s max context)' },
  { name: 'max-batch-size', type: 'string', value: 'N', help: 'requests per iteration (default 64)' },
  { name: 'max-num-tokens', type: 'string', value: 'N', help: 'token budget per iteration (default: not set)' },
  { name: 'quota', type: 'string', value: 'BYTES', help: 'GPU KV-cache quota, e.g. 40GiB (default 40GiB)' },
  { name: 'kv-dtype', type: 'string', value: 'DTYPE', help: `KV dtype: ${KV_DTYPES.join(', ')} (default: the model's)` },
  engineFlag(),
  { name: 'constraints', type: 'string', value: 'MODE', help: `${CONSTRAINT_MODES.join(' | ')} (default: the engine's, see --engine; the others are what-ifs)` },
  { name: 'draft-tokens', type: 'string', value: 'N', help: 'speculative draft length (MTP), default 0' },
  { name: 'extra-kv-tokens', type: 'string', value: 'N', help: 'num_extra_kv_tokens, default 0' },
  { name: 'swa-scratch-reuse', type: 'string', value: 'N', help: 'SWA scratch reuse with max_rewind_len N (out-of-window prompt blocks share slots); default off' },
  { name: 'batches', type: 'string', value: 'FILE', help: 'with --constraints custom: {typical_step, constraints} JSON for the model' },
  { name: 'rebalance-length', type: 'string', value: 'H[,C]', help: 'also show what rebalancing toward requests of history H (capacity C, default H) gives' },
  { name: 'peers', type: 'bool', help: "also size the same layers and quota the way vLLM, SGLang, TensorRT-LLM V1 and llama.cpp would" },
  { name: 'json', type: 'bool', help: 'print the engine-format JSON (with diagnostics) instead of the table' },
  ...engineKnobFlags(),
  { name: 'help', type: 'bool', help: 'show this help' },
];

/** Core field names -> the flag a CLI user typed, so errors name what they can change. */
export const FIELD_TO_FLAG: ReadonlyMap<string, string> = new Map([
  ['tokensPerBlock', '--tokens-per-block'],
  ['tokens_per_block', '--tokens-per-block'],
  ['maxSeqLen', '--max-seq-len'],
  ['maxBatchSize', '--max-batch-size'],
  ['maxNumTokens', '--max-num-tokens'],
  ['quotaBytes', '--quota'],
  ['draftTokens', '--draft-tokens'],
  ['draft_tokens', '--draft-tokens'],
  ['numExtraKvTokens', '--extra-kv-tokens'],
  ['swaScratchRewindTokens', '--swa-scratch-reuse'],
  ['avgSeqLen', '--avg-seq-len'],
  ['poolRatio', '--pool-ratio'],
  ['maxCudaGraphBatchSize', '--max-cuda-graph-batch-size'],
  ['kvDtype', '--kv-dtype'],
  ['estimationPass', '--estimation-pass'],
]);

export function withFlagNames<T>(fn: () => T): T {
  return withUserNames(FIELD_TO_FLAG, fn);
}

export function parseRatio(raw: string, field = '--pool-ratio'): number[] {
  const parts = splitList(field, raw, 1, LIMITS.layers.max, 'comma-separated numbers > 0, one per pool group');
  return parts.map((p, i) => {
    const n = parseDecimal(`${field}[${i}]`, p, 0);
    if (n <= 0) throw new InputError(`${field}[${i}]`, p, 'a number > 0 (comma-separated, one per pool group)');
    return n;
  });
}

export async function loadModel(args: ParsedArgs, io: Io): Promise<ModelSpec> {
  const configPath = flagString(args, 'config');
  if (configPath !== undefined) {
    if (flagString(args, 'preset') !== undefined) throw new InputError('--config', configPath, 'either --config or --preset, not both');
    const raw = parseJsonText(io.readText(configPath, '--config'), `--config ${configPath}`);
    const { modelFromHfConfig } = await import('../model/hf-config.ts');
    return modelFromHfConfig(raw, { id: configPath.replace(/^.*\//, '').replace(/(\.config)?\.json$/, '') });
  }
  return presetFromArgs(args);
}

/** --preset ID (default deepseek-v4-flash); an unknown id is named as the flag. */
export function presetFromArgs(args: ParsedArgs): ModelSpec {
  return withUserNames(new Map([['preset', '--preset']]), () => getPreset(flagString(args, 'preset') ?? 'deepseek-v4-flash'));
}

/** Engine knobs from flags, with the model's defaults. Shared with `kvpool simulate`. */
export function knobsFromArgs(args: ParsedArgs, model: ModelSpec): ModelKnobs {
  const dtypeRaw = flagString(args, 'kv-dtype');
  if (dtypeRaw !== undefined && !isKvDtype(dtypeRaw)) throw new InputError('--kv-dtype', dtypeRaw, KV_DTYPES.join(', '));
  const kvDtype: KvDtype = (dtypeRaw as KvDtype | undefined) ?? engineDefaultsFor(model).kvDtype;
  const d = engineDefaultsFor(model);
  const quotaRaw = flagString(args, 'quota');
  const quotaBytes = quotaRaw === undefined ? d.quotaBytes : parseBytes('--quota', quotaRaw);
  if (quotaBytes <= 0) throw new InputError('--quota', quotaRaw ?? '', 'a size > 0, e.g. 40GiB (the engine asserts the quota is positive)');
  const ratioRaw = flagString(args, 'pool-ratio');
  const knobs: ModelKnobs = {
    tokensPerBlock: flagInt(args, 'tokens-per-block', 1) ?? d.tokensPerBlock,
    maxSeqLen: flagInt(args, 'max-seq-len', 1) ?? d.maxSeqLen,
    maxBatchSize: flagInt(args, 'max-batch-size', 1) ?? d.maxBatchSize,
    maxNumTokens: flagInt(args, 'max-num-tokens', 1) ?? null,
    quotaBytes,
    kvDtype,
    draftTokens: flagInt(args, 'draft-tokens', 0) ?? 0,
    numExtraKvTokens: flagInt(args, 'extra-kv-tokens', 0) ?? 0,
    avgSeqLen: flagInt(args, 'avg-seq-len', 1) ?? null,
    poolRatio: ratioRaw === undefined ? null : parseRatio(ratioRaw),
    swaScratchRewindTokens: flagInt(args, 'swa-scratch-reuse', 0) ?? null,
    maxCudaGraphBatchSize: flagInt(args, 'max-cuda-graph-batch-size', 1) ?? null,
    estimationPass: flagBool(args, 'estimation-pass'),
    // Each version refuses a ratio of the wrong length its own way (exit 1 with the engine's message).
    poolRatioPer: 'engine',
  };
  return knobs;
}

/** The constraint mode typed, else the engine's own default (main for @main, as-shipped for @15401). */
export function parseMode(raw: string | undefined, engine: string = SCENARIO_FILE_ENGINE): ConstraintMode {
  const mode = raw ?? getEngine(engine).modes?.default ?? 'as-shipped';
  if (!(CONSTRAINT_MODES as readonly string[]).includes(mode)) throw new InputError('--constraints', mode, CONSTRAINT_MODES.join(', '));
  return mode as ConstraintMode;
}

export type PlannedFromArgs = PlannedModel & {
  knobs: ModelKnobs | null;
  model: ModelSpec | null;
  /** The constraint mode it was built with (null for a scenario file) and how to rebuild it under another. */
  mode: ConstraintMode | null;
  rebuild?: (mode: ConstraintMode) => EngineScenario;
};

const SCENARIO_CONFLICTS = ['preset', 'config', 'tokens-per-block', 'max-seq-len', 'quota', 'kv-dtype', 'pool-ratio', 'constraints', 'batches', 'swa-scratch-reuse', 'avg-seq-len', 'max-cuda-graph-batch-size', 'estimation-pass'];

function readScenarioFile(args: ParsedArgs, io: Io, path: string): EngineScenario {
  const conflicting = SCENARIO_CONFLICTS.find((f) => args.flags.has(f));
  if (conflicting) throw new InputError(`--${conflicting}`, flagString(args, conflicting) ?? true, `nothing: --scenario ${path} is planned exactly as given`);
  return parseScenario(parseJsonText(io.readText(path, '--scenario'), `--scenario ${path}`));
}

/**
 * The registry engines a command plans with: --engine, else a file's own engine (its "engine" field,
 * or the engine whose own case format it is), else the default. --engine may pick another version
 * of a scenario file's engine; it cannot turn an engine's own case file into another engine's input.
 */
export function enginesFromArgs(args: ParsedArgs, io: Io): string[] {
  const path = flagString(args, 'scenario');
  const raw = path === undefined ? undefined : parseJsonText(io.readText(path, '--scenario'), `--scenario ${path}`);
  const native = raw === undefined ? undefined : nativeEngineOf(raw);
  const field = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>).engine : undefined;
  const fileEngine = typeof field === 'string' ? field : native;
  // A file's own "engine" field is named as the file's field, not as the --engine flag.
  if (path !== undefined && fileEngine !== undefined) getEngine(fileEngine, `--scenario ${path}: engine`);
  if (path !== undefined && native === undefined && raw !== undefined) readScenarioFile(args, io, path);
  const fallback = path === undefined ? DEFAULT_ENGINE : (fileEngine ?? SCENARIO_FILE_ENGINE);
  const out = resolveEngines(args, fallback);
  if (native !== undefined && out.some((id) => id !== native)) throw new InputError('--engine', flagString(args, 'engine') ?? '', `"${native}" (--scenario ${path} is its case format) or no --engine`);
  return out;
}

/** What the generic sizer path needs from this command: the model, its knobs and the flags typed. */
export function genericDeps(args: ParsedArgs, io: Io, otherReads: readonly string[] = []): GenericDeps {
  return {
    otherReads,
    loadModelAndKnobs: async () => {
      const model = await loadModel(args, io);
      const knobs = withFlagNames(() => knobsFromArgs(args, model));
      const given = new Set([...FIELD_TO_FLAG].filter(([, flag]) => args.flags.has(flag.slice(2))).map(([k]) => k));
      const layers = () => ({ name: model.id, tokens_per_block: knobs.tokensPerBlock, layers: modelToLayers(model, { tokensPerBlock: knobs.tokensPerBlock, kvDtype: knobs.kvDtype, draftTokens: knobs.draftTokens }), gpu_quota_bytes: knobs.quotaBytes, typical_step: null, constraints: [], initial_pool_ratio: null });
      return { model, knobs, given, layers };
    },
  };
}

/** A TensorRT-LLM plan as one side of a cross-family side by side (its table, its JSON with diagnostics). */
async function trtSized(args: ParsedArgs, io: Io, id: string, otherReads: readonly string[]): Promise<Sized> {
  const planned = await planFromArgs(args, io, id, otherReads);
  const result = { layout: planned.plan, json: { ...planned.json, diagnostics: planned.diagnostics }, diagnostics: planned.diagnostics, error: planned.plan.error, table: () => renderPlan(planned) };
  return { engine: getEngine(id), result, title: planned.model?.id ?? flagString(args, 'scenario') ?? id, maxSeqLen: planned.knobs?.maxSeqLen ?? 1 };
}

/** What one --pool-ratio number is per, as the version declares it (@15401: pool groups; @main: life cycles). */
function ratioPerOf(id: string): 'pool-group' | 'life-cycle' | 'engine' {
  const e = getEngine(id, '--engine');
  return isTrtllmSizer(e) ? e.ratioPer : 'engine';
}

/** Resolve flags to a planned model (scenario file, config.json or preset) with one engine. Shared with simulate. */
export async function planFromArgs(args: ParsedArgs, io: Io, engine?: string, commandReads: readonly string[] = []): Promise<PlannedFromArgs> {
  const id = engine ?? enginesFromArgs(args, io)[0];
  const engineKnobs = engineKnobValues(args, [id], commandReads);
  const scenarioPath = flagString(args, 'scenario');
  if (scenarioPath !== undefined) {
    const scenario = readScenarioFile(args, io, scenarioPath);
    const mbs = flagInt(args, 'max-batch-size', 1) ?? Math.max(1, ...[scenario.typical_step, ...scenario.constraints].flatMap((b) => (b ? [b.kv_caches.reduce((a, kv) => a + (kv[2] ?? 1), 0)] : [])));
    const maxSeqLen = Math.max(1, ...[scenario.typical_step, ...scenario.constraints].flatMap((b) => (b ? b.kv_caches.map((kv) => kv[0]) : [])));
    return { ...planAndDiagnose(scenario, { maxBatchSize: mbs, maxSeqLen }, id, engineKnobs), knobs: null, model: null, mode: null };
  }
  const model = await loadModel(args, io);
  // A --pool-ratio of the wrong length is a flag error (exit 2), checked by the version's own rule;
  // the same ratio in a scenario file stays the engine's refusal (exit 1).
  const knobs: ModelKnobs = { ...withFlagNames(() => knobsFromArgs(args, model)), poolRatioPer: ratioPerOf(id) };
  const mode = parseMode(flagString(args, 'constraints'), id);
  const batchesPath = flagString(args, 'batches');
  if (mode === 'custom' && batchesPath === undefined) {
    throw new InputError('--constraints', 'custom', 'with --batches FILE ({typical_step, constraints}), or plan a whole engine scenario with --scenario FILE');
  }
  if (mode !== 'custom' && batchesPath !== undefined) throw new InputError('--batches', batchesPath, 'only with --constraints custom');
  const custom = batchesPath === undefined ? undefined : parseCustomBatches(parseJsonText(io.readText(batchesPath, '--batches'), `--batches ${batchesPath}`));
  const rebuild = (m: ConstraintMode) => withFlagNames(() => scenarioForModel(model, knobs, m, custom));
  return { ...withFlagNames(() => planModel(model, knobs, mode, custom, id, engineKnobs)), knobs, model, mode, rebuild };
}

/** Warnings about the model itself: an import's doubts, and a maxSeqLen past the model's context. */
export function modelWarnings(planned: { knobs: ModelKnobs | null; model: ModelSpec | null }, contextField: string): string[] {
  const { knobs, model } = planned;
  if (!model || !knobs) return [];
  const out = (model.warnings ?? []).map((w) => `WARNING: ${w}`);
  if (knobs.maxSeqLen > model.maxContext) {
    out.push(`WARNING: --max-seq-len ${knobs.maxSeqLen} is above the model's context (${contextField} ${model.maxContext}): requests that long are past what it was trained for`);
  }
  return out;
}

export async function planCommand(argv: string[], io: Io): Promise<number> {
  const args = commandArgs('plan', argv, PLAN_FLAGS, { usage: 'plan [flags]', summary: 'Size the KV-cache pools exactly as the engine does (TensorRT-LLM KVCacheManagerV2 by default; see --engine).' }, io);
  if (!args) return 0;
  const engines = enginesFromArgs(args, io);
  const trt = engines.map((id) => isTrtllmSizer(getEngine(id)));
  // Two TensorRT-LLM versions: every moved number with its rule. Two families: side by side, no rule.
  if (engines.length === 2 && trt[0] && trt[1]) return compareCommand(args, io, engines, planFromArgs);
  if (engines.length === 2) {
    const other = (i: number) => getEngine(engines[1 - i]).knobs.map((k) => k.flag);
    const sides = [];
    for (const [i, id] of engines.entries()) sides.push(trt[i] ? await trtSized(args, io, id, other(i)) : await sizeFromArgs(args, io, id, genericDeps(args, io, other(i))));
    return printSideBySide(args, io, sides[0], sides[1]);
  }
  if (!trt[0]) return printSized(args, io, await sizeFromArgs(args, io, engines[0], genericDeps(args, io)));
  let planned = await planFromArgs(args, io, engines[0]);
  for (const w of modelWarnings(planned, flagString(args, 'config') !== undefined ? 'max_position_embeddings' : 'maxContext')) io.err(w);
  const rebalanceRaw = flagString(args, 'rebalance-length');
  if (rebalanceRaw !== undefined) {
    const what = 'H or H,C with integers 0 <= H <= C, C >= 1';
    const [history, capacity = history] = splitList('--rebalance-length', rebalanceRaw, 1, 2, what).map((p) => parseInteger('--rebalance-length', p, 0, 'tokens'));
    if (capacity < history || capacity < 1) {
      throw new InputError('--rebalance-length', rebalanceRaw, 'H or H,C with integers 0 <= H <= C, C >= 1');
    }
    const scenario = { ...planned.scenario, rebalance_target_length: { history, capacity } };
    planned = { ...planned, ...planAndDiagnose(scenario, { maxBatchSize: planned.knobs?.maxBatchSize ?? 1, maxSeqLen: planned.knobs?.maxSeqLen ?? capacity }, planned.engine, engineKnobValues(args, [planned.engine])) };
  }
  const { plan, diagnostics } = planned;
  const peers = flagBool(args, 'peers') ? peerSizings(planned.scenario.layers, peerKnobs(planned)) : undefined;
  if (flagBool(args, 'json')) {
    io.out(JSON.stringify({ ...planned.json, diagnostics, ...(peers ? { peers } : {}) }, (_k, v) => (v === Number.POSITIVE_INFINITY ? null : v), 1));
  } else {
    io.out(renderPlan(planned));
    if (peers) io.out(renderPeers(planned, peers));
  }
  if (plan.quotaRaisedToMin) io.err(`WARNING: quota raised to min_quota (${plan.minQuotaBytes} bytes): the requested quota cannot hold min_slots [${plan.minSlots.join(', ')}]`);
  if (plan.error) {
    io.err(`kvpool plan: the engine refuses this input: ${plan.error.type}: ${plan.error.message}`);
    return 1;
  }
  return 0;
}

function peerKnobs(planned: PlannedModel & { knobs: ModelKnobs | null }): PeerKnobs {
  const k = planned.knobs;
  if (!k) throw new InputError('--peers', true, 'a preset or --config (a scenario file carries no maxSeqLen or batch size)');
  return { tokensPerBlock: k.tokensPerBlock, maxSeqLen: k.maxSeqLen, maxBatchSize: k.maxBatchSize, maxNumTokens: k.maxNumTokens, quotaBytes: k.quotaBytes };
}

export function presetsCommand(argv: string[], io: Io): number {
  const flags: FlagSpec[] = [
    { name: 'json', type: 'bool', help: 'JSON output' },
    { name: 'help', type: 'bool', help: 'show this help' },
  ];
  const args = commandArgs('presets', argv, flags, { usage: 'presets [--json]', summary: `The built-in model presets, with sources. Aliases: ${Object.entries(PRESET_ALIASES).map(([a, id]) => `${a} = ${id}`).join(', ')}.` }, io);
  if (!args) return 0;
  const presets = listPresets();
  if (flagBool(args, 'json')) {
    io.out(JSON.stringify(presets.map((p) => ({ id: p.id, name: p.name, layers: p.layers.length, maxContext: p.maxContext, defaults: p.defaults, verified: p.verified, source: p.source })), null, 1));
    return 0;
  }
  const rows = presets.map((p) => `${p.id.padEnd(22)} ${String(p.layers.length).padStart(3)} layers  ctx ${String(p.maxContext).padStart(8)}  ${p.defaults.kvDtype.padEnd(5)} tpb ${String(p.defaults.tokensPerBlock).padEnd(4)} ${p.verified ? '' : '(unverified) '}${p.name}`);
  io.out(`${'id'.padEnd(22)} layers      max context  dtype tpb  name\n${rows.join('\n')}`);
  return 0;
}
