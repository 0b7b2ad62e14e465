/**
 * State -> PageModel, memoised: the run (by run key), the frame at the step (by run and step), the
 * controls model, the Compare runs (only when read). Nothing derived is stored in the state, and
 * nothing here is computed twice for the same inputs.
 */
import type { Plan } from '../../planner/types.ts';
import { NAMED_SCENARIOS } from '../../sim/scenarios.ts';
import type { CompareModel, FrameView, PageModel, RunView } from '../model.ts';
import { runKey, serializeUrlState } from '../state/codec.ts';
import { ENGINE_IDS, MODES, PARAMS, POLICIES, SCENARIOS, type UiState } from '../state/params.ts';
import type { AppState } from '../state/types.ts';
import { VIEW_REGISTRY } from '../views/registry.ts';
import { compareAttribution, compareRightState } from './compare-engines.ts';
import { controlsModel } from './controls.ts';
import { customConfig } from './custom.ts';
import { loadedNote, maxSeqLenWarning, presetModel, scenarioRequestsNote } from './defaults.ts';
import { withPlayground } from './import.ts';
import { scenarioStory } from './run.ts';
import type { RunOutcome } from './runs.ts';
import { NO_VERDICTS, type VerdictSource } from './verdicts.ts';

/** Where runs come from (synchronous now; a worker pool answers later with `pending`). */
export interface RunSource {
  /** The outcome for these parameters, or null while it is being made. A newer request on the
   * same channel cancels an older one ('live': the page's run; 'compare': Compare's second run). */
  run(params: UiState, channel?: string): RunOutcome | null;
  progress(): string;
}

export interface KernelSource {
  kernel(s: AppState, run: RunView | null, frame: FrameView | null): PageModel['inspector']['kernel'];
}

const gib = (b: number) => `${(b / 2 ** 30).toPrecision(3)} GiB`;

/** The engine raises a quota below what the floors need (safe mode's floors often do): say so. */
function quotaRaised(plan: Plan | null): string {
  if (!plan?.quotaRaisedToMin) return '';
  return `Quota raised to ${gib(plan.effectiveQuotaBytes)} by the engine: ${gib(plan.quotaRoundedBytes)} is below what min_slots [${plan.minSlots.join(', ')}] need.`;
}

export interface BenchSource {
  bench(s: AppState): PageModel['bench'];
}

/** The suggested floor in bytes of that pool alone, against the quota: "4,103 slots = 52.1 GiB; the quota is 24.0 GiB". */
function floorCost(run: RunView | null, plan: PageModel['plan']): string {
  const d = run?.summary.deadlock;
  const row = d && plan ? plan.rows.find((r) => r.index === d.poolGroup) : undefined;
  if (!d || !row || !plan) return '';
  return `${d.suggestedMinSlots.toLocaleString('en-US')} slots x ${row.slotBytes.toLocaleString('en-US')} B = ${gib(d.suggestedMinSlots * row.slotBytes)} for that pool alone; the quota is ${gib(plan.quotaBytes)}`;
}

export interface MapSource {
  model(s: UiState): PageModel['map'];
}

const NO_MAPS: MapSource = {
  model: () => ({ state: 'error', message: 'The map needs Web Workers, which this page does not have.', knobs: [], suggested: { x: { knob: 'quota', from: 1, to: 2, count: 2 }, y: { knob: 'max-batch-size', from: 1, to: 2, count: 2 } }, x: null, y: null, cells: [], done: 0, total: 0, current: null, loadCell: () => null }),
};

const NO_BENCH: BenchSource = { bench: () => ({ state: 'idle', message: 'Not run yet.', done: 0, total: 0, rows: [], exportJson: null, fileName: '' }) };

export function fixModeFor(mode: string): string {
  return mode === 'issue-fix' || mode === 'upstream' ? 'safe' : 'issue-fix';
}

const CHOICES: Record<string, readonly string[]> = { engine: ENGINE_IDS, mode: MODES, policy: POLICIES, cmpMode: MODES, cmpPolicy: POLICIES, cmpEngine: ['', ...ENGINE_IDS] };

function memo1<A, R>(f: (a: A) => R): (a: A) => R {
  let k: A | undefined;
  let v: R | undefined;
  let has = false;
  return (a) => {
    if (has && k === a) return v as R;
    has = true;
    k = a;
    v = f(a);
    return v;
  };
}

export class PageModels {
  private readonly runs: RunSource;
  private readonly kernels: KernelSource;
  private readonly href: (query: string) => string;
  private frameMemo: { run: RunView; step: number; frame: FrameView } | null = null;
  private controlsMemo: { key: string; model: PageModel['controls'] } | null = null;
  private shellMemo: { key: string; scenario: string; model: PageModel['shell'] } | null = null;
  private statusMemo: { key: string; model: PageModel['status'] } | null = null;
  private compareMemo: { key: string; model: CompareModel } | null = null;
  private dataMemo: { imported: AppState['imported']; shown: RunOutcome | null; model: PageModel['data'] } | null = null;
  private readonly paramsOf = memo1((p: UiState) => Object.fromEntries(PARAMS.map((spec) => [spec.url, (spec.serialize as (v: unknown) => string)(p[spec.key])])));

  private readonly benches: BenchSource;
  private readonly verdicts: VerdictSource;
  private readonly maps: MapSource;

  constructor(runs: RunSource, kernels: KernelSource, href: (query: string) => string, benches: BenchSource = NO_BENCH, verdicts: VerdictSource = NO_VERDICTS, maps: MapSource = NO_MAPS) {
    this.benches = benches;
    this.verdicts = verdicts;
    this.maps = maps;
    this.runs = runs;
    this.kernels = kernels;
    this.href = href;
  }

  private latest: UiState | null = null;
  private lastGood: RunOutcome | null = null;

  model(s: AppState): PageModel {
    const p = s.params;
    this.latest = p;
    const cfg = customConfig(p.config);
    const live = this.runs.run(p);
    // The last good run stays on screen, dimmed, while a newer one is made or has failed.
    if (live?.result) this.lastGood = live;
    const shown = live?.result ? live : this.lastGood;
    const importedRun = s.imported.run;
    const run = importedRun ?? shown?.result?.run ?? null;
    const total = run?.stepCount ?? 1;
    const step = Math.min(p.step, total - 1);
    const frame = run ? this.frameAt(run, step) : null;
    const error = live?.error ?? null;
    const self = this;
    return {
      view: p.view,
      theme: s.theme,
      highlight: s.highlight,
      step,
      run,
      runStale: !importedRun && (live === null || error !== null),
      frame,
      plan: importedRun ? null : (shown?.result?.planView ?? null),
      get params() {
        return self.paramsOf(p);
      },
      choices: CHOICES,
      shell: this.shell(s),
      transport: { step, total, playing: s.playing, speed: p.speed },
      status: this.status(s, live, importedRun),
      // The explainer's fix comes from the verdict, asked for only once the run on screen deadlocks.
      explainer: { summary: run?.summary ?? null, step, error: error && !importedRun ? error.message : null, verdict: !importedRun && live?.result && run?.summary.outcome === 'deadlock' ? this.verdicts.verdict(p) : null, floorCost: importedRun ? '' : floorCost(run, shown?.result?.planView ?? null) },
      controls: this.controls(s, live, cfg),
      inspector: { request: p.request, lc: p.inspectLc, kernel: this.kernels.kernel(s, run, frame) },
      get compare() {
        return p.view === 'compare' ? self.compare(s, live) : null;
      },
      data: this.data(s, shown),
      bench: this.benches.bench(s),
      get verdict() {
        return self.verdicts.verdict(p);
      },
      get map() {
        return self.maps.model(p);
      },
    };
  }

  private frameAt(run: RunView, step: number): FrameView {
    const m = this.frameMemo;
    if (m && m.run === run && m.step === step) return m.frame;
    const frame = run.frameAt(step);
    this.frameMemo = { run, step, frame };
    return frame;
  }

  private shell(s: AppState): PageModel['shell'] {
    const p = s.params;
    // While playing, the link (it carries the step) is refreshed when playback stops, like the URL.
    if (s.playing && this.shellMemo?.scenario === p.scenario && this.shellMemo.model.problems === s.problems) return this.shellMemo.model;
    const link = this.href(serializeUrlState(p));
    const key = `${p.scenario}|${link}`;
    if (this.shellMemo?.key === key && this.shellMemo.model.problems === s.problems) return this.shellMemo.model;
    const model = {
      scenarios: SCENARIOS.filter((n) => n !== 'custom').map((name) => ({ name, pressed: name === p.scenario })),
      story: scenarioStory(p.scenario),
      problems: s.problems,
      tabs: VIEW_REGISTRY.map((v) => ({ id: v.id, label: v.label })),
      link,
    };
    this.shellMemo = { key, scenario: p.scenario, model };
    return model;
  }

  private status(s: AppState, live: RunOutcome | null, imported: RunView | null): PageModel['status'] {
    const p = s.params;
    const r = live?.result;
    const text = imported
      ? `Imported trace. ${imported.story}`
      : r
        ? `Planned and simulated in ${Math.round(live.ms)} ms: ${r.run.summary.steps} scheduler passes, engine ${p.engine}, policy ${p.policy}${r.run.summary.engineHasModes === false ? '' : `, constraints ${p.mode}`}, slots [${r.run.summary.slotCounts.join(', ')}].${r.run.summary.outcome === 'step-limit' ? ` Stopped at the step limit (${p.maxSteps} passes).` : ''}${quotaRaised(r.plan) ? ` ${quotaRaised(r.plan)}` : ''}`
        : '';
    const progress = live === null ? this.runs.progress() : '';
    const key = `${text}|${progress}|${live === null}`;
    if (this.statusMemo?.key === key) return this.statusMemo.model;
    const model = { text, busy: live === null, progress };
    this.statusMemo = { key, model };
    return model;
  }

  private controls(s: AppState, live: RunOutcome | null, cfg: ReturnType<typeof customConfig>): PageModel['controls'] {
    const err = live?.error ?? null;
    const runFieldError = err?.field ? { url: err.field, message: err.message } : null;
    const configError = s.fieldErrors.cfg ?? (runFieldError?.url === 'cfg' ? runFieldError.message : cfg.error);
    const plan = live?.result?.plan ?? null;
    const key = JSON.stringify([runKey(s.params), s.fieldErrors, runFieldError, configError, s.configSource, plan?.effectiveQuotaBytes]);
    if (this.controlsMemo?.key === key) return this.controlsMemo.model;
    const model = cfg.custom?.kind === 'model' ? cfg.custom.model : cfg.custom ? null : presetModel(s.params.preset);
    const notes: Record<string, string> = {};
    // A named scenario with its own model (straddle, vLLM's and SGLang's) does not use the preset.
    const preset = !NAMED_SCENARIOS.find((n) => n.name === s.params.scenario)?.ownModel;
    const warn = model && preset ? maxSeqLenWarning(model, s.params.maxSeqLen) : null;
    if (warn) notes.maxSeqLen = `Warning: ${warn}.`;
    const raised = quotaRaised(plan);
    if (raised) notes.quota = raised;
    // What actually runs: a named scenario's own list is not what the generator fields say.
    const list = s.params.workload === 'scenario' && !cfg.custom ? scenarioRequestsNote(s.params.scenario) : '';
    if (list) notes.workload = `Now running: ${list}.`;
    const controls = controlsModel({
      loaded: model && preset ? loadedNote(model, s.params) : '',
      notes,
      params: s.params,
      fieldErrors: s.fieldErrors,
      runFieldError,
      configError,
      configOk: cfg.custom ? `Using ${s.configSource || 'config from the link'}: ${cfg.what}` : '',
      configText: cfg.text,
      customLoaded: cfg.custom !== null,
    });
    this.controlsMemo = { key, model: controls };
    return controls;
  }

  private compare(s: AppState, live: RunOutcome | null): CompareModel {
    const p = s.params;
    const byEngine = p.compareEngine !== '' && p.compareEngine !== p.engine;
    // Comparing a mode with itself shows nothing: then the right side is the left side's fix.
    const same = !byEngine && p.compareMode === p.mode && p.comparePolicy === p.policy;
    const rightMode = same ? (fixModeFor(p.mode) as UiState['mode']) : p.compareMode;
    const right = byEngine ? compareRightState(p) : ({ ...p, mode: rightMode, policy: p.comparePolicy } as UiState);
    const key = JSON.stringify([runKey(p), p.compareMode, p.comparePolicy, p.compareEngine, live === null]);
    if (this.compareMemo?.key === key) return this.compareMemo.model;
    const other = this.runs.run(right, 'compare');
    const title = (q: UiState) => `${q.engine} · ${q.mode} · ${q.policy}`;
    const both = live?.result && other?.result ? { left: live.result.plan, right: other.result.plan } : null;
    const model: CompareModel = {
      mode: rightMode,
      policy: p.comparePolicy,
      modes: MODES,
      policies: POLICIES,
      engine: byEngine ? p.compareEngine : '',
      engines: ENGINE_IDS,
      left: { title: title(p), engine: p.engine, run: live?.result?.run ?? null, error: live?.error?.message ?? null },
      right: { title: `${title(right)}${same ? ` (the fix for ${p.mode}; ${p.mode} is on the left)` : ''}`, engine: right.engine, run: other?.result?.run ?? null, error: other?.error?.message ?? null },
      attribution: byEngine && both ? this.attribution(p, right, both) : null,
      pending: live === null || other === null,
    };
    if (!model.pending) this.compareMemo = { key, model };
    return model;
  }

  private attribution(left: UiState, right: UiState, plans: { left: Plan; right: Plan }): CompareModel['attribution'] {
    try {
      return compareAttribution(left, right, plans, customConfig(left.config).custom);
    } catch (e) {
      return { lines: [], note: `No attribution: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  private data(s: AppState, shown: RunOutcome | null): PageModel['data'] {
    const m = this.dataMemo;
    if (m && m.imported === s.imported && m.shown === shown) return m.model;
    const run = shown?.result?.run ?? null;
    const model = {
      message: s.imported.message,
      identical: s.imported.identical,
      importedPlan: s.imported.plan,
      traceJson: () => (run && this.latest ? withPlayground(run.toJson(), serializeUrlState({ ...this.latest, view: 'pools' })) : null),
    };
    this.dataMemo = { imported: s.imported, shown, model };
    return model;
  }
}
