/**
 * The verdict for the page's configuration (runs in a worker: task `verdict`). The page state
 * becomes a verdict subject exactly as the page plans and runs it (the named scenario with the
 * knobs the user changed, or the preset with the page's knobs), so the counterexample loaded as a
 * request trace deadlocks on the page at the pass the verdict names, and a fix applied through the
 * URL keys plans the configuration the verdict verified. Every fix the page can apply is also
 * rerun on the page's own workload here; the view offers only fixes whose rerun completed.
 */

import type { EngineKnobs } from '../../planner/build.ts';
import { hasCertificateRule } from '../../verdict/certificate.ts';
import { checkSubject, DEFAULT_WORK_UNITS, type Verdict } from '../../verdict/check.ts';
import { describeFix, type Fix, listFixes } from '../../verdict/fixes.ts';
import { presetSubject, type Subject, scenarioSubject, subjectFlags, verdictSupport } from '../../verdict/subject.ts';
import type { VerdictCounterexampleView, VerdictFixView, VerdictGroupView, VerdictModel } from '../model.ts';
import { knobsFor } from '../state/knobs.ts';
import { PARAMS, toBase64Url, type UiState } from '../state/params.ts';
import { shapingKnobs } from './engine-plan.ts';
import { knobsFrom } from './plan.ts';
import { computeRun, scenarioKnobOverrides } from './run.ts';

/** The engine a preset is checked with when the state names none (the page's URL always carries one). */
export const PAGE_PRESET_ENGINE = 'trtllm-v2@15401';
/** Request-passes the page's search may simulate (a quarter of the CLI's; the CLI also has a time budget). */
export const PAGE_WORK_UNITS = DEFAULT_WORK_UNITS / 4;
/** Fixes rerun on the page's workload (the cheapest first). */
const RERUNS = 4;

/** The state's engine, or undefined (then a named scenario's pinned engine, or the preset default). */
function engineOf(s: UiState): string | undefined {
  return s.engine !== '' ? s.engine : undefined;
}

/** Why the verdict cannot take the page's state at all (cheap: no planning), or null. */
export function subjectProblem(s: UiState): string | null {
  if (s.config) return 'the verdict checks presets and named scenarios; a pasted config or scenario file is not checked on the page yet (kvpool check takes it)';
  if (s.mode === 'custom') return 'constraint mode custom takes its constraints from a scenario file; the verdict re-plans, so it needs another mode';
  return null;
}

/** The page state as a verdict subject, or why the verdict cannot take it. Throws InputError for a refused knob. */
export function subjectOf(s: UiState): Subject | string {
  const problem = subjectProblem(s);
  if (problem) return problem;
  const run = { policy: s.policy, maxUtilForResume: s.maxUtilForResume, recomputePause: s.recomputePause === 'on', stallLimit: Math.min(1000, s.maxSteps) };
  const mode = s.mode as Exclude<UiState['mode'], 'custom'>;
  if (s.scenario !== 'custom') {
    // kvDtype rides along: scenarioConfig reads model knobs (the subject keeps the scenario's layers).
    return scenarioSubject(s.scenario, { engine: engineOf(s), mode, knobs: scenarioKnobOverrides(s) as Partial<EngineKnobs>, run, engineKnobs: knobsFor(s.engine, s.knobs) });
  }
  const cur = knobsFrom(s);
  const { tokensPerBlock, maxSeqLen, maxBatchSize, maxNumTokens, quotaBytes, poolRatio } = cur;
  const engine = engineOf(s) ?? PAGE_PRESET_ENGINE;
  const knobs = { tokensPerBlock, maxSeqLen, maxBatchSize, maxNumTokens, quotaBytes, poolRatio, ...shapingKnobs(s) };
  return presetSubject(s.preset, { engine, mode, kvDtype: s.kvDtype, knobs, run, engineKnobs: knobsFor(engine, s.knobs) });
}

/** The URL values that turn the page's subject into the fix's, or null when the page has no control for a change. */
export function patchFor(from: Subject, to: Subject): Record<string, string> | null {
  if (to.engine !== from.engine || to.policy !== from.policy) return null;
  // The admission gate / eviction switch and the engines' own knobs have no URL key a fix could set.
  if (JSON.stringify(to.enginePolicy ?? {}) !== JSON.stringify(from.enginePolicy ?? {}) || JSON.stringify(to.engineKnobs ?? {}) !== JSON.stringify(from.engineKnobs ?? {})) return null;
  const a = from.knobs;
  const b = to.knobs;
  if (a.draftTokens !== b.draftTokens) return null;
  const out: Record<string, string> = {};
  if (a.tokensPerBlock !== b.tokensPerBlock) out.tpb = String(b.tokensPerBlock);
  if (a.maxSeqLen !== b.maxSeqLen) out.maxSeqLen = String(b.maxSeqLen);
  if (a.maxBatchSize !== b.maxBatchSize) out.maxBatch = String(b.maxBatchSize);
  if (a.quotaBytes !== b.quotaBytes) out.quota = `${b.quotaBytes}B`;
  if (a.maxNumTokens !== b.maxNumTokens) out.maxTokens = String(b.maxNumTokens ?? 0);
  if (JSON.stringify(a.poolRatio) !== JSON.stringify(b.poolRatio)) out.ratio = b.poolRatio ? b.poolRatio.join(',') : '';
  if (from.mode !== to.mode) out.mode = to.mode;
  if (from.maxUtilForResume !== to.maxUtilForResume) out.util = String(to.maxUtilForResume);
  if (from.recomputePause !== to.recomputePause) out.recompute = to.recomputePause ? 'on' : 'off';
  return out;
}

/** The state with URL values applied (parsed by the URL table, as a click would). */
export function withValues(s: UiState, values: Readonly<Record<string, string>>): UiState {
  const next = { ...s } as Record<string, unknown>;
  for (const [url, raw] of Object.entries(values)) {
    const spec = PARAMS.find((p) => p.url === url);
    if (!spec) throw new Error(`no URL key ${url}`);
    const v = (spec.parse as (r: string) => unknown)(raw);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) throw new Error(`${url}=${raw}: ${(v as { error: string }).error}`);
    next[spec.key] = v;
  }
  return next as unknown as UiState;
}

/** The page's own run of a state: its outcome and first stalled pass (or the error). */
function pageOutcome(s: UiState): { outcome: string; firstStalled: number | null } {
  try {
    const t = computeRun(s, null).trace.summary;
    return { outcome: t.outcome, firstStalled: t.deadlock?.firstStalledStep ?? null };
  } catch (e) {
    return { outcome: `refused (${e instanceof Error ? e.message : String(e)})`, firstStalled: null };
  }
}

function fixView(s: UiState, subject: Subject, f: Fix, rerun: boolean): VerdictFixView {
  const apply = patchFor(subject, f.subject);
  const out = rerun && apply ? pageOutcome(withValues(s, apply)).outcome : '';
  const note = apply === null ? 'the page has no control for this change: use the flags with kvpool' : out && out !== 'completed' ? `the page's own workload does not complete under it (${out}), so the page does not apply it` : '';
  return { label: f.label, axis: f.axis, flags: f.flags.join(' '), extraBytes: f.extraBytes, concurrency: f.concurrency, concurrencyBefore: f.concurrencyBefore, verification: f.verification, apply, rerun: out, note: note || describeFix(f) };
}

function counterexampleView(s: UiState, v: Verdict): VerdictCounterexampleView | null {
  const cx = v.counterexample;
  if (!cx) return null;
  const load: Record<string, string> = { workload: 'trace', reqs: toBase64Url(JSON.stringify(cx.requests)), maxSteps: String(Math.max(s.maxSteps, cx.steps + 1)), step: String(cx.deadlock.firstStalledStep) };
  // The page's own run of the loaded trace: the step it jumps to is where that run stalls.
  const page = pageOutcome(withValues(s, load));
  if (page.firstStalled !== null) load.step = String(page.firstStalled);
  const pageNote = page.outcome === 'deadlock' ? `The page's run of this trace stalls at pass ${page.firstStalled}.` : `The page's run of this trace ended: ${page.outcome}.`;
  return {
    requests: cx.requests.length,
    shape: cx.shape.label,
    poolName: cx.deadlock.poolName,
    poolGroup: cx.deadlock.poolGroup,
    firstStalledStep: cx.deadlock.firstStalledStep,
    message: `${cx.deadlock.message} ${pageNote}`,
    minimality: cx.minimality,
    family: v.search?.family ?? '',
    crossing: v.crossing?.text ?? '',
    replay: `kvpool simulate ${subjectFlags(v.subject).join(' ')} --trace counterexample.json`,
    load,
  };
}

function groupsOf(v: Verdict): VerdictGroupView[] {
  return v.bounds.poolGroups.map((g, i) => {
    const c = v.certificate?.poolGroups[i];
    return { index: g.poolGroup, name: g.name, slots: g.slots, needed: c?.needed ?? 0, holds: c?.holds ?? false, why: c?.why ?? '', decodeBlocksWorst: g.decodeBlocksWorst, decodeBlocksBest: g.decodeBlocksBest, concurrentWorst: Number.isFinite(g.concurrentWorst) ? g.concurrentWorst : null };
  });
}

const EMPTY: Omit<VerdictModel, 'state' | 'message'> = { verdict: null, reason: '', subject: '', argument: '', frees: '', conditions: [], groups: [], counterexample: null, findings: [], fixes: [], fixNote: '' };

/** The verdict, its counterexample and its verified fixes, as the view model (plain data: it crosses from the worker). */
export function verdictFor(s: UiState, workUnits = PAGE_WORK_UNITS): VerdictModel {
  const subject = subjectOf(s);
  if (typeof subject === 'string') return { ...EMPTY, state: 'done', message: '', verdict: 'unknown', reason: subject, fixNote: `No fix is offered: ${subject}.` };
  const v = checkSubject(subject, { workUnits });
  const unsupported = verdictSupport(subject, v.plan);
  // Unknown gets fixes too: certified safe, with no counterexample to replay (said in each).
  const fixes = v.verdict !== 'safe' && !unsupported ? listFixes(subject, v.counterexample) : [];
  let reruns = 0;
  const views = fixes.map((f) => fixView(s, subject, f, patchFor(subject, f.subject) !== null && reruns++ < RERUNS));
  const fixNote =
    v.verdict === 'safe'
      ? ''
      : unsupported
        ? `No fix is offered: ${unsupported}.`
        : !hasCertificateRule(subject.policy)
          ? `No fix is offered: the verdict has no progress certificate for policy ${subject.policy}, so no change can be verified safe.`
          : fixes.length === 0
            ? 'No fix is offered: no single change, nor a pair, along the axes tried (maxBatchSize, quota, floors per pool group, pool ratio, constraint mode, max_util_for_resume, recompute pause, maxNumTokens) certifies safe.'
            : '';
  const c = v.certificate;
  return {
    state: 'done',
    message: '',
    verdict: v.verdict,
    reason: v.reason,
    subject: `${subject.engine} · ${subject.mode} · ${subject.policy} · maxBatchSize ${subject.knobs.maxBatchSize} · maxSeqLen ${subject.knobs.maxSeqLen}`,
    argument: c?.argument ?? '',
    frees: c?.frees ?? '',
    conditions: c?.conditions ?? [],
    groups: groupsOf(v),
    counterexample: counterexampleView(s, v),
    findings: v.findings.map((f) => f.text),
    fixes: views,
    fixNote,
  };
}
