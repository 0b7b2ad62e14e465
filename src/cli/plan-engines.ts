/**
 * `kvpool simulate` with an engine whose pools are a layout of its own (vLLM, SGLang, any registry
 * engine that is not a TensorRT-LLM V2 version): sized by the generic registry path of `plan`
 * (plan-generic.ts), run by the engine's own scheduler policy (`EngineSizer.policy`). Null for a
 * TensorRT-LLM version (simulate plans those itself). No switch on engine ids.
 */
import { InputError } from '../model/errors.ts';
import { getEngine } from '../planner/engines/registry.ts';
import { isTrtllmSizer } from '../planner/engines/trtllm.ts';
import type { PoolLayout } from '../planner/types.ts';
import type { EngineSimOptions } from '../sim/policies/engine-options.ts';
import type { PolicyName } from '../sim/types.ts';
import type { ParsedArgs } from './args.ts';
import type { Io } from './io.ts';
import { enginesFromArgs, genericDeps } from './plan.ts';
import { sizeFromArgs } from './plan-generic.ts';

export async function otherEngineRun(
  args: ParsedArgs,
  io: Io,
  commandReads: readonly string[],
): Promise<{ layout: PoolLayout; policy: PolicyName; enginePolicy: EngineSimOptions; label: string; maxSeqLen: number } | null> {
  const engines = enginesFromArgs(args, io);
  if (engines.length !== 1 || isTrtllmSizer(getEngine(engines[0]))) return null;
  const s = await sizeFromArgs(args, io, engines[0], genericDeps(args, io, commandReads));
  const r = s.result;
  if (r.error || r.layout.poolGroups.length === 0) throw new InputError('--engine', s.engine.id, `a configuration ${s.engine.id} accepts (${r.error ? `${r.error.type}: ${r.error.message}` : 'no pools'})`);
  // The longest request: the engine's own (vLLM's max_model_len), else the file's or --max-seq-len.
  const maxSeqLen = r.maxSeqLen ?? s.maxSeqLen;
  return { layout: r.layout, policy: s.engine.policy as PolicyName, enginePolicy: { maxModelLen: maxSeqLen }, label: `${s.title} (${s.engine.id})`, maxSeqLen };
}
