/**
 * Where the page meets the planner and the models: UI state in, plan view models out. Every
 * core error a user can cause arrives here as an InputError and is passed on with its field, so
 * the page can show it next to the control that caused it.
 */
import { InputError } from '../../model/errors.ts';
import { importHfConfig } from '../../model/hf-config.ts';
import { listPresets } from '../../model/presets.ts';
import type { ModelSpec } from '../../model/spec.ts';
import type { EngineKnobs } from '../../planner/build.ts';
import { diagnose, type PlanDiagnostics } from '../../planner/diagnostics.ts';
import { planToJson } from '../../planner/json.ts';
import type { LifeCycle } from '../../planner/lifecycle.ts';
import { type EngineScenario, parseScenario } from '../../planner/scenario.ts';
import { replanAtQuota } from '../../planner/trtllm-v2.ts';
import type { Plan } from '../../planner/types.ts';
import type { PlanView, PoolGroupView } from '../model.ts';
import type { UiState } from '../state/params.ts';

export interface PresetOption {
  readonly id: string;
  readonly name: string;
}

export function presetOptions(): PresetOption[] {
  return listPresets().map((m) => ({ id: m.id, name: m.name }));
}

/** What the user supplied instead of a preset: an HF config.json or an engine scenario. */
export type CustomModel = { readonly kind: 'model'; readonly model: ModelSpec } | { readonly kind: 'scenario'; readonly scenario: EngineScenario };

export const GiB = 2 ** 30;

export function knobsFrom(state: UiState): EngineKnobs {
  return {
    tokensPerBlock: state.tokensPerBlock,
    maxSeqLen: state.maxSeqLen,
    maxBatchSize: state.maxBatchSize,
    maxNumTokens: state.maxNumTokens > 0 ? state.maxNumTokens : null,
    quotaBytes: Math.round(state.quotaGiB * GiB),
    draftTokens: 0,
    numExtraKvTokens: 0,
    avgSeqLen: null,
    poolRatio: state.poolRatio.length > 0 ? [...state.poolRatio] : null,
  };
}

/** UI field that an InputError from the core refers to (for "error next to the field"). */
export function uiFieldOf(coreField: string): keyof UiState | 'config' | null {
  if (coreField.startsWith('trace') || coreField === 'requestTrace') return 'requestTrace';
  const f = coreField.replace(/\[.*$/, '').replace(/\..*$/, '');
  const map: Record<string, keyof UiState | 'config'> = {
    tokensPerBlock: 'tokensPerBlock',
    tokens_per_block: 'tokensPerBlock',
    maxSeqLen: 'maxSeqLen',
    maxBatchSize: 'maxBatchSize',
    maxNumTokens: 'maxNumTokens',
    quotaBytes: 'quotaGiB',
    gpu_quota_bytes: 'quotaGiB',
    poolRatio: 'poolRatio',
    initial_pool_ratio: 'poolRatio',
    kv_dtype: 'kvDtype',
    kvDtype: 'kvDtype',
    constraints: 'mode',
    preset: 'preset',
    engine: 'engine',
  };
  return map[f] ?? null;
}

/** Plan table rows and findings (diagnostics from the planner's own functions; a re-plan at
 * another quota uses the plan's own version rules, as the engine's sizer does). */
export function planViewOf(plan: Plan, ctx: { maxBatchSize: number; maxSeqLen: number }, rePlan: ((q: number) => Plan) | null = (q) => replanAtQuota(plan, q), diagnosed?: PlanDiagnostics): PlanView {
  // The sizer's own diagnostics when it made them (its version's rules re-plan the quota).
  const diag = diagnosed ?? diagnose(plan, ctx, rePlan ?? undefined);
  const rows = plan.error
    ? []
    : plan.poolGroups.map((g, i) => {
        const d = diag.poolGroups[i];
        return {
          index: g.index,
          name: g.name,
          lifeCycles: g.lifeCycleIds.map((id) => lifeCycleLabel(plan.lifeCycles[id])).join(', '),
          slotBytes: g.slotBytes,
          minSlots: plan.minSlots[i],
          slotCount: plan.slotCounts[i],
          bytes: plan.bytesPerPoolGroup[i],
          decodesBest: d && Number.isFinite(d.decodesBest) ? d.decodesBest : null,
          decodesWorst: d && Number.isFinite(d.decodesWorst) ? d.decodesWorst : null,
        };
      });
  return {
    rows,
    findings: diag.findings.map((f) => f.text),
    ratioSource: plan.ratioSource,
    quotaBytes: plan.effectiveQuotaBytes,
    error: plan.error ? `${plan.error.type}: ${plan.error.message}` : null,
    // The engine output format plus what the page needs to show an imported plan as it shows this one.
    toJson: () => JSON.stringify({ ...planToJson(plan), tokens_per_block: plan.tokensPerBlock, max_batch_size: ctx.maxBatchSize, max_seq_len: ctx.maxSeqLen }, null, 2),
  };
}

export function lifeCycleLabel(lc: LifeCycle): string {
  if (lc.kind === 'ssm') return `lc${lc.id} ssm`;
  const w = lc.windowTokens === null ? 'full' : `window ${lc.windowTokens}`;
  return `lc${lc.id} ${w}${lc.sinkBlocks > 0 ? ` +${lc.sinkBlocks} sink blk` : ''}`;
}

export function poolGroupViews(plan: Plan): PoolGroupView[] {
  return plan.poolGroups.map((g, i) => ({
    index: i,
    name: g.name,
    slotCount: plan.slotCounts[i],
    lifeCycleIds: [...g.lifeCycleIds],
    lifeCycleLabels: g.lifeCycleIds.map((id) => lifeCycleLabel(plan.lifeCycles[id])),
    lifeCycles: g.lifeCycleIds.map((id) => {
      const lc = plan.lifeCycles[id];
      // Sinks are kept per block: sinkBlocks * tpb tokens are never stale.
      return lc.kind === 'ssm' ? { windowTokens: null, sinkTokens: 0, ssm: true } : { windowTokens: lc.windowTokens, sinkTokens: lc.sinkBlocks * plan.tokensPerBlock, ssm: false };
    }),
  }));
}

/** Parse pasted JSON: an engine scenario (has layers[].buffers) or a Hugging Face config.json. */
export function parseCustomText(text: string): CustomModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new InputError('config.json', text.slice(0, 40), `valid JSON (${msg})`);
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'tokens_per_block' in raw && 'layers' in raw) {
    return { kind: 'scenario', scenario: parseScenario(raw) };
  }
  return { kind: 'model', model: importHfConfig(raw) };
}
