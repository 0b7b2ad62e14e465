/**
 * What the two TensorRT-LLM V2 sizers share: the knobs of the PyTorch wrapper and one `size` that
 * runs the single trtllm-v2 mechanism with a version's rule set. The version files only declare
 * their id, rules, knobs and modes.
 */
import { CONSTRAINT_MODES } from '../build.ts';
import { diagnose } from '../diagnostics.ts';
import { planToJson } from '../json.ts';
import type { TrtRules } from '../trtllm-rules.ts';
import { planScenario } from '../trtllm-v2.ts';
import type { Plan } from '../types.ts';
import type { EngineModes, EngineSizer, KnobSpec, KnobValues, SizeResult, SizerInput } from './types.ts';

/** Knobs every TensorRT-LLM V2 version reads (the wrapper's), besides the model-level ones. */
export const TRTLLM_WRAPPER_KNOBS: readonly KnobSpec[] = [
  { name: 'poolRatio', flag: 'pool-ratio', urlKey: 'ratio', type: 'numbers', default: null, min: 0, minExclusive: true, help: 'kv_cache_config.pool_ratio -> initial_pool_ratio: one number > 0 per pool group (@15401) or per life cycle, summing to 1 (@main)' },
  { name: 'avgSeqLen', flag: 'avg-seq-len', urlKey: 'avg', type: 'int', default: null, min: 1, help: 'kv_cache_config.avg_seq_len: the typical length T (default: max_seq_len for DeepSeek-V4; mode main builds no typical step without one for other models)' },
];

export function modesFor(shipped: readonly string[], defaultMode: string): EngineModes {
  return { shipped, all: CONSTRAINT_MODES, default: defaultMode };
}

export interface TrtllmVersion {
  readonly id: string;
  readonly label: string;
  readonly source: string;
  readonly rules: TrtRules;
  readonly knobs: readonly KnobSpec[];
  readonly modes: EngineModes;
  /** What one pool_ratio number is per in this version (a ratio of the wrong length is an input error). */
  readonly ratioPer: 'pool-group' | 'life-cycle';
}

function num(v: KnobValues[string] | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** A TensorRT-LLM V2 sizer also says which version rules it runs (compareEngines switches them). */
export interface TrtllmSizer extends EngineSizer<Plan> {
  readonly rules: TrtRules;
  readonly ratioPer: 'pool-group' | 'life-cycle';
}

export function isTrtllmSizer(e: EngineSizer): e is TrtllmSizer {
  return 'rules' in e && e.rules instanceof Set;
}

export function trtllmSizer(v: TrtllmVersion): TrtllmSizer {
  return {
    id: v.id,
    rules: v.rules,
    ratioPer: v.ratioPer,
    label: v.label,
    source: v.source,
    knobs: v.knobs,
    modes: v.modes,
    // The scheduler rules of kvcache-v2-sizing.md §3 for every version (only sizing changed).
    policy: 'trtllm-v2',
    size({ scenario, context }: SizerInput, knobs: KnobValues): SizeResult<Plan> {
      const opts = { maxUtilForResume: num(knobs.maxUtilForResume) };
      const plan = planScenario(scenario, v.rules, opts);
      const diagnostics = diagnose(plan, context, (q) => planScenario({ ...scenario, gpu_quota_bytes: q }, v.rules, opts));
      return { layout: plan, json: { engine: v.id, ...planToJson(plan) }, diagnostics, error: plan.error };
    },
  };
}
