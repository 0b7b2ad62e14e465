/**
 * `kvpool plan --engine vllm-v1 | sglang`: the smallest dispatch to the vLLM and SGLang sizers
 * until every engine goes through the engine registry. Returns null for TensorRT-LLM (plan.ts
 * handles it). vLLM reads a vLLM case file (--scenario, or "engine": "vllm-v1" inside it) or a
 * preset / config.json with the shared flags mapped to vLLM's names.
 */
import { InputError } from '../model/errors.ts';
import type { ModelSpec } from '../model/spec.ts';
import { engineIds, type ModelKnobs } from '../planner/index.ts';
import { looksLikeVllmCase, sizeVllmFile, sizeVllmModel, VLLM_KNOBS, type VllmSized } from '../planner/vllm/index.ts';
import { type FlagSpec, flagBool, flagInt, flagString, type ParsedArgs } from './args.ts';
import { type Io, parseJsonText } from './io.ts';

export const OTHER_ENGINES = ['vllm-v1'] as const;

/** Flags the other engines declare for themselves. */
export const ENGINE_FLAGS: FlagSpec[] = [
  { name: 'engine', type: 'string', value: 'ID', help: `sizer: trtllm-v2 (default), ${OTHER_ENGINES.join(', ')}` },
  ...VLLM_KNOBS.map((k) => ({ name: k.flag, type: k.type === 'bool' ? ('bool' as const) : ('string' as const), help: k.help })),
];

/** Flags that mean nothing for a vLLM case file (it carries every input itself). */
const CASE_CONFLICTS = ['preset', 'config', 'tokens-per-block', 'max-seq-len', 'max-num-tokens', 'max-batch-size', 'quota', 'kv-dtype', 'pool-ratio', 'constraints', 'batches', 'disable-hybrid-kv-cache-manager'];

/** The TensorRT-LLM registry ids (plan.ts plans them) or the family alias; `A,B` compares two. */
function isTrtllm(id: string): boolean {
  return id.split(',').every((p) => p.trim() === 'trtllm-v2' || engineIds().includes(p.trim()));
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
  if (!(OTHER_ENGINES as readonly string[]).includes(id)) throw new InputError('--engine', id, `${engineIds().join(', ')}, ${OTHER_ENGINES.join(', ')}`);
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
  if (engine === 'trtllm-v2') {
    const own = VLLM_KNOBS.find((k) => args.flags.has(k.flag));
    if (own) throw new InputError(`--${own.flag}`, true, 'only with --engine vllm-v1');
    return null;
  }
  const { sized, title } = await vllmFromArgs(args, io, loadModel);
  if (flagBool(args, 'json')) io.out(JSON.stringify(sized.json, null, 1));
  else io.out(sized.table(title));
  if (!sized.result.ok) {
    io.err(`kvpool plan: vLLM refuses this input: ${sized.result.error.type}: ${sized.result.error.message}`);
    return 1;
  }
  return 0;
}
