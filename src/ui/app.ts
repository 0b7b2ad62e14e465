/**
 * The page's composition root: one store, the URL sync, the bridge's page models, and the views.
 * Intents from the views become pure actions on the store; every store change renders the page
 * model (memoised, so a played step costs a frame lookup and the visible view's draw).
 */

import { Benches } from './bridge/bench.ts';
import { checkConfig, customConfig } from './bridge/custom.ts';
import { followModel, followPreset } from './bridge/defaults.ts';
import { importFile, sameSummary } from './bridge/import.ts';
import { Kernels } from './bridge/kernels.ts';
import { LessonBridge } from './bridge/lessons.ts';
import { Maps } from './bridge/map.ts';
import { PageModels } from './bridge/page-model.ts';
import { poolSize, WorkerPool } from './bridge/pool.ts';
import { SyncRuns } from './bridge/runs.ts';
import { Verdicts } from './bridge/verdicts.ts';
import { WorkerRuns } from './bridge/worker-runs.ts';
import type { Intent, PageModel } from './model.ts';
import * as A from './state/actions.ts';
import { runKey } from './state/codec.ts';
import { SCENARIOS } from './state/params.ts';
import { keyAction, playerOp, seek, tick } from './state/player.ts';
import { type Action, Store } from './state/store.ts';
import type { AppState } from './state/types.ts';
import { hrefFor, initialSearch, syncUrl } from './state/url-sync.ts';
import { Controls } from './views/controls.ts';
import { Explainer } from './views/explainer.ts';
import { LessonPanel } from './views/lesson.ts';
import { VIEW_REGISTRY } from './views/registry.ts';
import { Shell } from './views/shell.ts';
import { Timeline } from './views/timeline.ts';

const newWorker = () => new Worker(new URL('./bridge/worker.ts', import.meta.url), { type: 'module', name: 'kvpool-core' });

export class App {
  readonly store: Store;
  private readonly models: PageModels;
  private readonly maps: Maps;
  private readonly shell: Shell;
  private readonly controls: Controls;
  private readonly explainer: Explainer;
  private readonly timeline: Timeline;
  private readonly lessons: LessonBridge;
  private readonly lessonPanel: LessonPanel;
  private readonly url: { flush(): void };
  private readonly root: HTMLElement;
  /** The page model on screen (tests and the bench read it). */
  model!: PageModel;
  private pendingCheck: { key: string; summaryJson: string; name: string } | null = null;
  private rendering = false;

  constructor(root: HTMLElement, search = initialSearch()) {
    performance.mark('kvpool:app-start');
    this.root = root;
    this.store = new Store(A.initialState(search));
    const now = () => performance.now();
    const changed = () => this.render();
    // Runs are made in a worker pool (the page never blocks on the core); without Workers, here.
    const pool = typeof Worker === 'undefined' ? null : new WorkerPool(newWorker, poolSize(navigator.hardwareConcurrency));
    const runs = pool ? new WorkerRuns(pool, changed, now) : new SyncRuns((b64) => customConfig(b64).custom, now);
    // The verdict and the Map view's cells run in the same pool (the Map keeps one cell per worker in flight).
    this.maps = new Maps(pool, changed, now);
    this.models = new PageModels(runs, new Kernels(changed), hrefFor, new Benches(changed), pool ? new Verdicts(pool, changed, now) : undefined, this.maps);
    this.lessons = new LessonBridge(runs, hrefFor);
    this.lessonPanel = new LessonPanel((i) => {
      const act = this.lessons.actionFor(i, this.store.get());
      if (act) this.apply(act);
    });
    const dispatch = (i: Intent) => this.dispatch(i);
    this.shell = new Shell(root, SCENARIOS.filter((s) => s !== 'custom'), VIEW_REGISTRY, dispatch);
    this.controls = new Controls(dispatch);
    this.explainer = new Explainer(dispatch);
    this.timeline = new Timeline(dispatch);
    this.shell.slots.side.appendChild(this.controls.root);
    this.shell.slots.side.before(this.lessonPanel.root);
    this.shell.slots.above.append(this.explainer.root, this.timeline.root);
    for (const v of VIEW_REGISTRY) v.mount(this.shell.panels.get(v.id)!, dispatch);
    this.url = syncUrl(this.store);
    // A link that spells the state another way (a preset alias such as mistral-7b) shows the page's
    // own link at once; one with problems stays as typed beside the report of what was wrong.
    if (this.store.get().problems.length === 0) this.url.flush();
    this.store.subscribe(() => this.render());
    this.wireKeys();
    this.startClock();
    performance.mark('kvpool:app-built');
    // Building the page, drawing the controls and drawing the views are three tasks on first
    // load (each well under the 100 ms a long task takes), not one.
    setTimeout(() => {
      const m = this.models.model(this.store.get());
      this.shell.render(m);
      this.controls.render(m.controls);
      setTimeout(() => {
        this.render();
        performance.mark('kvpool:app-rendered');
      }, 0);
    }, 0);
  }

  /** The steps of the run on screen (the player clamps to it). */
  private total(): number {
    return this.model?.transport.total ?? 1;
  }

  apply(action: Action): void {
    this.store.apply(action);
  }

  dispatch(i: Intent): void {
    const act = this.actionFor(i);
    if (act) this.apply(act);
  }

  /** The pure action an intent stands for (null: handled here, e.g. an import or a URL flush). */
  private actionFor(i: Intent): Action | null {
    const total = this.total();
    switch (i.type) {
      case 'set':
        // Another model brings its own engine defaults (tokens per block, dtype, maxSeqLen).
        return (s) => A.setParam(s, i.key, i.raw, i.key === 'preset' && i.raw !== s.params.preset ? followPreset(i.raw, s.params) : {});
      case 'scenario':
        return (s) => A.chooseScenario(s, i.name);
      case 'seek':
        return (s) => seek(s, i.step, total);
      case 'view':
        return (s) => A.setView(s, i.id);
      case 'player':
        return (s) => playerOp(s, i.op, total);
      case 'config': {
        const text = i.text;
        if (text === null) return (s) => A.loadConfig(s, null, '', 'model');
        const c = checkConfig(text);
        if ('error' in c) return (s) => A.rejectValue(s, 'cfg', c.error);
        const custom = c.custom;
        return (s) => A.loadConfig(s, text, i.source, c.kind, custom.kind === 'model' ? followModel(custom.model, s.params) : { tokensPerBlock: custom.scenario.tokens_per_block });
      }
      case 'requestTrace':
        return (s) => A.setRequestTrace(s, i.text, i.name);
      case 'import':
        this.importText(i.text, i.name);
        return null;
      case 'runKernel':
        return A.requestKernel;
      case 'runBench':
        return (s) => A.requestBench(s, i.set);
      case 'theme':
        return (s) => A.toggleTheme(s, matchMedia('(prefers-color-scheme: dark)').matches);
      case 'dismissProblems':
        return A.dismissProblems;
      case 'share':
        this.url.flush();
        return null;
      case 'setMany': {
        const values = Object.entries(i.values);
        return (s) => values.reduce((acc, [key, raw]) => A.setParam(acc, key, raw), s);
      }
      case 'runMap':
        this.maps.start(this.store.get().params, i.x, i.y);
        return null;
      case 'cancelMap':
        this.maps.cancel();
        return null;
    }
  }

  /** Import (also used by tests through the page). */
  importText(text: string, name: string): void {
    const r = importFile(text, name);
    if (r.kind === 'query') {
      const { state, problems } = A.restoreQuery(this.store.get(), r.query);
      if (problems.length > 0) {
        this.apply((s) => A.setImported(s, { message: `${name}: ${problems[0]}` }));
        return;
      }
      this.pendingCheck = { key: runKey(state.params), summaryJson: r.summaryJson, name };
      // Stay on this view so the result of the import is visible.
      this.apply((s) => A.setView({ ...state, imported: { ...s.imported, run: null, message: `Importing ${name}…` } }, 'data'));
    } else if (r.kind === 'run') this.apply((s) => A.setImported(seek(s, 0, r.run.stepCount), { run: r.run, message: r.message }));
    else if (r.kind === 'plan') this.apply((s) => A.setImported(s, { plan: r.plan, message: r.message }));
    else this.apply((s) => A.setImported(s, { message: r.message }));
  }

  render(): void {
    if (this.rendering) return;
    this.rendering = true;
    try {
      const s = this.store.get();
      const m = this.models.model(s);
      this.model = m;
      this.applyTheme(s);
      this.shell.render(m);
      this.controls.render(m.controls);
      this.explainer.render(m.explainer);
      this.timeline.render(m);
      for (const v of VIEW_REGISTRY) v.render(m);
      this.lessonPanel.render(this.lessons.model(s));
      this.checkImport(m);
      // #app is busy until the first run (or its error) is on screen.
      if (m.run || m.explainer.error) this.root.removeAttribute('aria-busy');
      const follow = this.lessons.followUp(s);
      if (follow) queueMicrotask(() => this.apply(follow));
    } finally {
      this.rendering = false;
    }
  }

  private checkImport(m: PageModel): void {
    const c = this.pendingCheck;
    if (!c || m.runStale || !m.run || runKey(this.store.get().params) !== c.key) return;
    this.pendingCheck = null;
    const same = sameSummary(m.run, c.summaryJson);
    const message = same
      ? `Imported ${c.name}: re-ran its settings; the summary is identical (a run is a value).`
      : `Imported ${c.name}: re-ran its settings, but the summary differs from the file (made by another version of the simulator?).`;
    queueMicrotask(() => this.apply((s) => A.setImported(s, { message, identical: same })));
  }

  private theme = '';
  private applyTheme(s: AppState): void {
    if (s.theme === this.theme) return;
    this.theme = s.theme;
    if (s.theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = s.theme;
  }

  private wireKeys(): void {
    document.addEventListener('keydown', (e) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || (t.tagName === 'INPUT' && (t as HTMLInputElement).type !== 'range'))) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const op = keyAction(e.key, e.shiftKey);
      if (!op) return;
      if (t?.tagName === 'BUTTON' && op === 'toggle') return; // Space activates the focused button
      e.preventDefault();
      this.dispatch({ type: 'player', op });
    });
  }

  private startClock(): void {
    let last = 0;
    const loop = (now: number) => {
      const dt = last ? now - last : 0;
      last = now;
      if (this.store.get().playing) this.apply((s) => tick(s, dt, this.total()));
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  /** The root element (bench-probe). */
  get element(): HTMLElement {
    return this.root;
  }
}
