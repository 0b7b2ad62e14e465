/**
 * What the verdict is about: a model's manager layers, the engine knobs, a constraint mode and the
 * scheduler (policy and its knobs). A subject is a value; fixes are subjects with one or two knobs
 * changed. Planning and simulating a subject use the planner and simulator unchanged, and the CLI
 * flags that reproduce it (`kvpool simulate ...`) are derived here, so a counterexample or a fix can
 * be replayed exactly.
 */
import { buildScenario, type ConstraintMode, type EngineKnobs } from '../planner/build.ts';
import type { LayerJson } from '../planner/scenario.ts';
import { planScenario } from '../planner/trtllm-v2.ts';
import type { Plan } from '../planner/types.ts';
import { normalizeConfig } from '../sim/index.ts';
import type { RequestSpec, SimConfig } from '../sim/types.ts';

/** The engine's default per-pass token budget when max_num_tokens is not set (as `kvpool simulate`). */
export const SCHEDULER_DEFAULT_MAX_NUM_TOKENS = 8192;

/** Where the layers came from: decides the flags that reproduce the subject. */
export type SubjectSource =
  | { readonly kind: 'scenario'; readonly name: string }
  | { readonly kind: 'preset'; readonly id: string; readonly kvDtype: string }
  | { readonly kind: 'layers'; readonly name: string };

export interface Subject {
  readonly source: SubjectSource;
  readonly layers: readonly LayerJson[];
  readonly knobs: EngineKnobs;
  readonly mode: Exclude<ConstraintMode, 'custom'>;
  readonly policy: string;
  readonly maxUtilForResume: number;
  readonly recomputePause: boolean;
  /** Consecutive stalled passes that make a deadlock (engine: 1000). */
  readonly stallLimit: number;
}

/** The scheduler's per-pass token budget: the knob when set, else the engine default. */
export function schedulerTokens(s: Subject): number {
  return s.knobs.maxNumTokens ?? SCHEDULER_DEFAULT_MAX_NUM_TOKENS;
}

/** Longest prompt a request within the limits can have: prompt + output - 1 + draft <= maxSeqLen, output >= 1. */
export function maxPromptTokens(s: Subject): number {
  return s.knobs.maxSeqLen - s.knobs.draftTokens;
}

const planMemo = new WeakMap<Subject, Plan>();

export function planSubject(s: Subject): Plan {
  let p = planMemo.get(s);
  if (!p) {
    p = planScenario(buildScenario([...s.layers], s.knobs, s.mode));
    planMemo.set(s, p);
  }
  return p;
}

/** The simulator configuration of a subject over a request list (validated like any run). */
export function simConfigOf(s: Subject, plan: Plan, requests: readonly RequestSpec[], maxSteps: number): SimConfig {
  return normalizeConfig({
    plan,
    policy: s.policy as SimConfig['policy'],
    workload: requests,
    maxBatchSize: s.knobs.maxBatchSize,
    maxNumTokens: schedulerTokens(s),
    maxUtilForResume: s.maxUtilForResume,
    recomputePause: s.recomputePause,
    stallLimit: s.stallLimit,
    maxSteps,
    draftTokens: s.knobs.draftTokens,
    suggestFloor: 'analytic',
  });
}

export function withKnobs(s: Subject, k: Partial<EngineKnobs>): Subject {
  return { ...s, knobs: { ...s.knobs, ...k } };
}

const fmtRatio = (r: readonly number[]) => r.map((x) => Number(x.toPrecision(4))).join(',');

/** Every flag that pins the subject for `kvpool simulate` / `kvpool check` (explicit, so defaults cannot drift). */
export function subjectFlags(s: Subject): string[] {
  const k = s.knobs;
  const src = s.source;
  const out: string[] = [];
  if (src.kind === 'scenario') out.push('--scenario', src.name);
  else if (src.kind === 'preset') out.push('--preset', src.id, '--kv-dtype', src.kvDtype);
  out.push('--constraints', s.mode, '--tokens-per-block', String(k.tokensPerBlock), '--max-seq-len', String(k.maxSeqLen), '--max-batch-size', String(k.maxBatchSize));
  out.push('--quota', String(k.quotaBytes));
  if (k.maxNumTokens !== null) out.push('--max-num-tokens', String(k.maxNumTokens));
  if (k.poolRatio !== null) out.push('--pool-ratio', fmtRatio(k.poolRatio));
  if (k.draftTokens !== 0) out.push('--draft-tokens', String(k.draftTokens));
  if (k.numExtraKvTokens !== 0) out.push('--extra-kv-tokens', String(k.numExtraKvTokens));
  if (k.avgSeqLen !== null) out.push('--avg-seq-len', String(k.avgSeqLen));
  out.push('--policy', s.policy, '--max-util-for-resume', String(s.maxUtilForResume));
  if (s.recomputePause) out.push('--recompute-pause');
  if (s.stallLimit !== 1000) out.push('--stall-limit', String(s.stallLimit));
  return out;
}

/** The flags that differ between two subjects (what a fix asks the user to change). */
export function changedFlags(from: Subject, to: Subject): string[] {
  const a = pairs(subjectFlags(from));
  const b = pairs(subjectFlags(to));
  const out: string[] = [];
  for (const [flag, v] of b) if (a.get(flag) !== v) out.push(...(v === '' ? [flag] : [flag, v]));
  for (const [flag] of a) if (!b.has(flag)) out.push(flag === '--recompute-pause' ? '(drop --recompute-pause)' : flag === '--pool-ratio' ? '(drop --pool-ratio)' : `(drop ${flag})`);
  return out;
}

function pairs(flags: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < flags.length; i++) {
    const next = flags[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      m.set(flags[i], next);
      i++;
    } else m.set(flags[i], '');
  }
  return m;
}
