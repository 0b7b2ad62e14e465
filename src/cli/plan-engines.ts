/**
 * `kvpool plan --engine vllm-v1 | sglang`: the smallest dispatch to the vLLM and SGLang sizers
 * until every engine goes through the engine registry. Returns null for TensorRT-LLM (plan.ts
 * handles it). vLLM reads a vLLM case file (--scenario, or "engine": "vllm-v1" inside it) or a
 * preset / config.json with the shared flags mapped to vLLM's names.
 */
import { InputError } from '../model/errors.ts';
import type { ModelSpec } from '../model/spec.ts';
import { engineIds, type ModelKnobs } from '../planner/index.ts';
import { renderSglang, SGLANG_KNOBS, sglangInputFromModel, sglangJson, sglangLayout, sglangPoolSizes } from '../planner/sglang/index.ts';
import type { PoolLayout } from '../planner/types.ts';
import { looksLikeVllmCase, sizeVllmFile, sizeVllmModel, VLLM_KNOBS, type VllmSized } from '../planner/vllm/index.ts';
import type { EngineSimOptions } from '../sim/policies/engine-options.ts';
import { flagBool, flagInt, flagNumber, flagString, type ParsedArgs } from './args.ts';
import { type Io, parseJsonText } from './io.ts';

export const OTHER_ENGINES = ['vllm-v1', 'sglang'] as const;


/** SGLang's knobs from flags, for `plan` and `simulate` alike. */
function sglangInputFromArgs(args: ParsedArgs, model: ModelSpec, k: ModelKnobs) {
  return sglangInputFromModel(model, {
    pageSize: flagInt(args, 'tokens-per-block', 1) ?? 1,
    quotaBytes: k.quotaBytes,
    kvDtype: k.kvDtype,
    maxRunningRequests: flagInt(args, 'max-batch-size', 1) ?? null,
    chunkedPrefillSize: k.maxNumTokens,
    swaFullTokensRatio: flagNumber(args, 'swa-full-tokens-ratio', 0, 1) ?? 0.8,
    disableRadixCache: flagBool(args, 'disable-radix-cache'),
    disableOverlapSchedule: flagBool(args, 'disable-overlap-schedule'),
    swaEvictionInterval: flagInt(args, 'swa-eviction-interval', 1) ?? 128,
  });
}

/** The SGLang split from flags (a preset or config.json; SGLang has no case files). */
async function sglangFromArgs(args: ParsedArgs, io: Io, loadModel: () => Promise<{ model: ModelSpec; knobs: ModelKnobs }>) {
  if (flagString(args, 'scenario') !== undefined) throw new InputError('--scenario', flagString(args, 'scenario'), 'a preset or --config for --engine sglang (it sizes from the model)');
  const { model, knobs: k } = await loadModel();
  const input = sglangInputFromArgs(args, model, k);
  const result = sglangPoolSizes(input);
  if (flagBool(args, 'json')) io.out(JSON.stringify(sglangJson(input, result), null, 1));
  else io.out(renderSglang(model.id, input, result));
  if (!result.ok) {
    io.err(`kvpool plan: SGLang refuses this input: ${result.error.type}: ${result.error.message}`);
    return 1;
  }
  return 0;
}

/** Flags that mean nothing for a vLLM case file (it carries every input itself). */
const CASE_CONFLICTS = ['preset', 'config', 'tokens-per-block', 'max-seq-len', 'max-num-tokens', 'max-batch-size', 'quota', 'kv-dtype', 'pool-ratio', 'constraints', 'batches', 'disable-hybrid-kv-cache-manager'];

/** The TensorRT-LLM registry ids (plan.ts plans them) or the family alias; `A,B` compares two. */
function isTrtllm(id: string): boolean {
  return id.split(',').every((p) => p.trim() === 'trtllm-v2' || (engineIds().includes(p.trim()) && !(OTHER_ENGINES as readonly string[]).includes(p.trim())));
}

function engineOf(args: ParsedArgs, raw: unknown): string {
  const flag = flagString(args, 'engine');
  const inFile = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).engine : undefined;
  if (flag !== undefined && !isTrtllm(flag) && !(OTHER_ENGINES as readonly string[]).includes(flag)) throw new InputError('--engine', flag, `${engineIds().join(', ')}, ${OTHER_ENGINES.join(', ')}`);
  // --engine overrides a TensorRT-LLM file's version; it cannot turn a vLLM case into another engine's input.
  if (flag !== undefined && inFile !== undefined && flag !== inFile && !(typeof inFile === 'string' && isTrtllm(inFile) && isTrtllm(flag))) {
    throw new InputError('--engine', flag, `"${String(inFile)}" (the scenario file says so) or no --engine`);
  }
  const id = flag ?? (typeof inFile === 'string' ? inFile : raw !== null && looksLikeVllmCase(raw) ? 'vllm-v1' : 'trtllm-v2');
  if (isTrtllm(id)) return 'trtllm-v2';
  // Named as the user wrote it: the flag, or the scenario file's own "engine" field.
  const field = flag !== undefined ? '--engine' : `--scenario ${flagString(args, 'scenario')}: engine`;
  if (!(OTHER_ENGINES as readonly string[]).includes(id)) throw new InputError(field, id, `${engineIds().join(', ')}, ${OTHER_ENGINES.join(', ')}`);
  return id;
}

/** A vLLM size from flags: a case file, or a model with the shared flags in vLLM's meaning. */
export async function vllmFromArgs(args: ParsedArgs, io: Io, loadModel: () => Promise<{ model: ModelSpec; knobs: ModelKnobs }>): Promise<{ sized: VllmSized; title: string }> {
  const path = flagString(args, 'scenario');
  if (path !== undefined) {
    const clash = CASE_CONFLICTS.find((f) => args.flags.has(f));
    if (clash) throw new InputError(`--${clash}`, flagString(args, clash) ?? true, `nothing: the vLLM case ${path} carries every input`);
    const raw = parseJsonText(io.readText(path, '--scenario'), `--scenario ${path}`);
    return { sized: sizeVllmFile(raw), title: path };
  }
  const { model, knobs: k } = await loadModel();
  const sized = sizeVllmModel(model, {
    tokensPerBlock: flagInt(args, 'tokens-per-block', 1) ?? 16,
    maxSeqLen: k.maxSeqLen,
    maxNumTokens: k.maxNumTokens ?? 8192,
    quotaBytes: k.quotaBytes,
    kvDtype: k.kvDtype,
    disableHybridKvCacheManager: flagBool(args, 'disable-hybrid-kv-cache-manager'),
    mambaCacheMode: 'none',
  });
  return { sized, title: model.id };
}

/** Run `plan` for a non-TensorRT-LLM engine; null when the engine is TensorRT-LLM. */
export async function planOtherEngine(args: ParsedArgs, io: Io, loadModel: () => Promise<{ model: ModelSpec; knobs: ModelKnobs }>): Promise<number | null> {
  const path = flagString(args, 'scenario');
  const raw = path === undefined ? null : parseJsonText(io.readText(path, '--scenario'), `--scenario ${path}`);
  const engine = engineOf(args, raw);
  const foreign = (engine === 'vllm-v1' ? SGLANG_KNOBS : engine === 'sglang' ? VLLM_KNOBS : [...VLLM_KNOBS, ...SGLANG_KNOBS]).find((k) => args.flags.has(k.flag));
  if (foreign) throw new InputError(`--${foreign.flag}`, flagString(args, foreign.flag) ?? true, `only with --engine ${VLLM_KNOBS.some((k) => k.flag === foreign.flag) ? 'vllm-v1' : 'sglang'}`);
  if (engine === 'trtllm-v2') return null;
  if (engine === 'sglang') return sglangFromArgs(args, io, loadModel);
  const { sized, title } = await vllmFromArgs(args, io, loadModel);
  if (flagBool(args, 'json')) io.out(JSON.stringify(sized.json, null, 1));
  else io.out(sized.table(title));
  if (!sized.result.ok) {
    io.err(`kvpool plan: vLLM refuses this input: ${sized.result.error.type}: ${sized.result.error.message}`);
    return 1;
  }
  return 0;
}

/**
 * `kvpool simulate --engine vllm-v1 | sglang`: the engine's pools (from a vLLM case file or a
 * model), the engine's own policy and its options; null for TensorRT-LLM engines.
 */
export async function otherEngineRun(
  args: ParsedArgs,
  io: Io,
  loadModel: () => Promise<{ model: ModelSpec; knobs: ModelKnobs }>,
): Promise<{ layout: PoolLayout; policy: 'vllm-v1' | 'sglang'; enginePolicy: EngineSimOptions; label: string; maxSeqLen: number } | null> {
  const engine = flagString(args, 'engine');
  if (engine !== 'vllm-v1' && engine !== 'sglang') return null;
  if (engine === 'sglang') {
    const { model, knobs: k } = await loadModel();
    const input = sglangInputFromArgs(args, model, k);
    const r = sglangPoolSizes(input);
    const layout = sglangLayout(input, r);
    if (!r.ok || !layout) throw new InputError('--engine', 'sglang', `a configuration SGLang accepts (${r.ok ? 'no pools' : `${r.error.type}: ${r.error.message}`})`);
    return { layout, policy: 'sglang', enginePolicy: {}, label: `${model.id} (sglang)`, maxSeqLen: k.maxSeqLen };
  }
  const { sized, title } = await vllmFromArgs(args, io, loadModel);
  if (!sized.result.ok || !sized.layout) throw new InputError('--engine', 'vllm-v1', `a configuration vLLM accepts (${sized.result.ok ? 'no KV cache' : `${sized.result.error.type}: ${sized.result.error.message}`})`);
  return { layout: sized.layout, policy: 'vllm-v1', enginePolicy: { maxModelLen: sized.maxModelLen }, label: `${title} (vllm-v1)`, maxSeqLen: sized.maxModelLen };
}
