/**
 * The page: owns the UI state, recomputes plan and run when a run parameter changes, and renders
 * the frame at the player's step. Views only render view models; the core is reached through the
 * adapters. The URL is rewritten (replaceState) whenever the state changes, so the address bar is
 * always the link to the exact run, step and view on screen.
 */
import { InputError } from '../model/errors.ts';
import { buildConfigInput, type ConfigInput } from './config-input.ts';
import { buildControls, type Controls } from './controls.ts';
import { type CustomModel, presetOptions, uiFieldOf } from './core-adapter.ts';
import { h } from './dom.ts';
import { renderExplainer, renderPlanTable } from './plan-view.ts';
import { applyKey, keyAction, Player } from './player.ts';
import { PoolsView } from './pools-view.ts';
import { buildShell, type Shell } from './shell.ts';
import { computeRun, type RunResult, scenarioStory } from './sim-adapter.ts';
import { Timeline } from './timeline.ts';
import { baseState, describeProblem, fromBase64Url, parseUrlState, runKey, SCENARIOS, serializeUrlState, toBase64Url, type UiState, type ViewName } from './url-state.ts';

/** Runs slower than this get a "simulating" notice painted before the next one. */
const SLOW_RUN_MS = 400;

function minify(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

import type { RunView } from './view-model.ts';
import { ViewsExtra } from './views-extra.ts';

export class App {
  state: UiState;
  custom: CustomModel | null = null;
  readonly player = new Player();
  readonly shell: Shell;
  readonly controls: Controls;
  readonly config: ConfigInput;
  readonly pools = new PoolsView();
  readonly timeline: Timeline;
  readonly extra: ViewsExtra;
  result: RunResult | null = null;
  run: RunView | null = null;
  private lastRunKey = '';
  private restoring = false;
  private lastComputeMs = 0;
  private deferred = 0;
  private lastTime = 0;
  private urlTimer = 0;

  constructor(root: HTMLElement, search: string) {
    const { state, problems } = parseUrlState(search);
    this.state = state;
    this.shell = buildShell(root, SCENARIOS.filter((s) => s !== 'custom'));
    if (problems.length) {
      const dismiss = h('button', { type: 'button', id: 'dismiss-problems', text: 'Dismiss' });
      dismiss.addEventListener('click', () => this.shell.problems.replaceChildren());
      this.shell.problems.replaceChildren(h('strong', { text: 'Some link parameters were invalid:' }), h('ul', {}, ...problems.map((p) => h('li', { text: describeProblem(p) }))), dismiss);
    }
    this.controls = buildControls(presetOptions(), (patch) => this.patch(patch));
    this.config = buildConfigInput(this.controls.configSlot, (custom, text) => {
      this.custom = custom;
      this.lastRunKey = '';
      if (this.restoring) {
        // Restoring a link: every other value comes from the URL as it is.
        this.recompute(true);
        return;
      }
      const config = text === null ? '' : toBase64Url(minify(text));
      this.patch(custom ? { scenario: 'custom', mode: custom.kind === 'scenario' ? 'custom' : this.state.mode, poolRatio: [], config } : { config: '' });
    });
    this.shell.layout.prepend(this.controls.root);
    this.timeline = new Timeline((s) => this.player.seek(s));
    this.shell.explainerSlot.after(this.timeline.root);
    this.shell.tabs.get('pools')!.panel.appendChild(this.pools.root);
    this.extra = new ViewsExtra(this);
    this.wire();
    this.player.speed = state.speed;
    const { step, view } = state; // recompute() re-renders and would overwrite them
    this.recompute(true);
    this.state.view = view;
    this.player.seek(step);
    this.renderStep();
    if (state.config) void this.loadUrlConfig(state.config, step);
    else root.removeAttribute('aria-busy');
  }

  /** A config carried in the link: decode, validate (errors next to the box), then re-run. */
  private async loadUrlConfig(b64: string, step: number): Promise<void> {
    let text: string;
    try {
      text = fromBase64Url(b64);
    } catch {
      this.config.setError(`URL parameter "cfg": not valid base64url UTF-8 text; the preset is used instead`);
      this.shell.layout.parentElement?.removeAttribute('aria-busy');
      return;
    }
    const view = this.state.view;
    this.restoring = true;
    await this.config.load(text, 'config from the link');
    this.restoring = false;
    this.state.view = view;
    this.player.seek(step);
    this.renderStep();
    this.shell.layout.parentElement?.removeAttribute('aria-busy');
  }

  patch(patch: Partial<UiState>): void {
    const next = { ...this.state, ...patch };
    // Another model leaves the named scenario (its request list and layers belong to it).
    if (patch.preset !== undefined && patch.preset !== this.state.preset) Object.assign(next, { scenario: 'custom', poolRatio: [], workload: 'generated' });
    const workloadKeys: (keyof UiState)[] = ['requests', 'promptLen', 'outputLen', 'dist', 'spread', 'arrivalRate'];
    if (workloadKeys.some((k) => k in patch)) next.workload = 'generated';
    this.state = next;
    this.recompute();
    this.renderStep();
  }

  setView(view: ViewName): void {
    this.state = { ...this.state, view };
    this.renderTabs();
    this.renderStep();
  }

  private wire(): void {
    const s = this.shell;
    for (const [name, b] of s.scenarioButtons) {
      b.addEventListener('click', () => {
        this.custom = null;
        this.config.reset();
        this.controls.clearErrors();
        this.state = { ...baseState(name as UiState['scenario']), view: this.state.view, speed: this.state.speed, config: '' };
        this.recompute();
        this.player.seek(0);
        this.renderStep();
      });
    }
    for (const [id, t] of s.tabs) t.button.addEventListener('click', () => this.setView(id));
    const tr = s.transport;
    tr.play.addEventListener('click', () => this.player.toggle());
    tr.back.addEventListener('click', () => this.player.stepBy(-1));
    tr.forward.addEventListener('click', () => this.player.stepBy(1));
    tr.start.addEventListener('click', () => this.player.stepBy(-this.player.total));
    tr.end.addEventListener('click', () => this.player.stepBy(this.player.total));
    tr.scrub.addEventListener('input', () => this.player.seek(Number(tr.scrub.value)));
    tr.speed.addEventListener('change', () => this.player.setSpeed(Number(tr.speed.value)));
    s.themeButton.addEventListener('click', () => {
      const dark = document.documentElement.dataset.theme ? document.documentElement.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
      document.documentElement.dataset.theme = dark ? 'light' : 'dark';
      this.pools.invalidateTheme();
      this.timeline.restyle();
    });
    s.shareButton.addEventListener('click', () => {
      this.writeUrl();
      s.shareUrl.value = location.href;
      s.shareUrl.select();
      navigator.clipboard?.writeText(location.href).catch(() => undefined);
      s.shareButton.textContent = 'Link copied';
      setTimeout(() => (s.shareButton.textContent = 'Copy link'), 1500);
    });
    document.addEventListener('keydown', (e) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || (t.tagName === 'INPUT' && (t as HTMLInputElement).type !== 'range'))) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const a = keyAction(e.key, e.shiftKey);
      if (!a) return;
      if (t?.tagName === 'BUTTON' && a === 'toggle') return; // Space activates the focused button
      e.preventDefault();
      applyKey(this.player, a);
    });
    this.player.onChange(() => this.renderStep());
    const loop = (now: number) => {
      const dt = this.lastTime ? now - this.lastTime : 0;
      this.lastTime = now;
      this.player.tick(dt);
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    let resizeTimer = 0;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(() => {
        this.pools.layout();
        this.timeline.resize();
      }, 100);
    });
  }

  /** Re-plan and re-simulate when a run parameter changed; report core errors next to the field. */
  /** `now`: compute synchronously even after a slow run (restoring a link needs the run at once). */
  recompute(now = false): void {
    const key = runKey(this.state);
    this.controls.update(this.state);
    if (key === this.lastRunKey && this.run) return;
    this.lastRunKey = key;
    this.controls.clearErrors();
    this.config.setError(null);
    this.shell.story.textContent = scenarioStory(this.state.scenario);
    this.controls.setModelNote(
      this.state.scenario === 'straddle' && !this.custom ? 'This scenario brings its own model: one attention layer with a 128-token window, 2 MiB per slot (the preset is not used). Pick a preset to leave the scenario.' : '',
    );
    clearTimeout(this.deferred);
    // The core is synchronous. When the last run was slow (a big custom workload), let the page
    // paint a "simulating" notice first instead of freezing without a word.
    if (!now && this.lastComputeMs > SLOW_RUN_MS) {
      this.shell.status.textContent = `Simulating… (the previous run took ${Math.round(this.lastComputeMs)} ms)`;
      this.shell.stage.setAttribute('aria-busy', 'true');
      requestAnimationFrame(() => {
        this.deferred = window.setTimeout(() => {
          this.computeNow();
          this.renderStep();
        }, 0);
      });
      return;
    }
    this.computeNow();
  }

  private computeNow(): void {
    let result: RunResult;
    const t0 = performance.now();
    try {
      result = computeRun(this.state, this.custom);
    } catch (e) {
      this.showRunError(e);
      return;
    } finally {
      this.lastComputeMs = performance.now() - t0;
      this.shell.stage.removeAttribute('aria-busy');
    }
    this.result = result;
    this.shell.tabs.get('plan')!.panel.replaceChildren(renderPlanTable(result.planView));
    this.showRun(result.run);
    const sum = result.run.summary;
    this.shell.status.textContent = `Planned and simulated in ${Math.round(this.lastComputeMs)} ms: ${sum.steps} scheduler passes, policy ${this.state.policy}, constraints ${this.state.mode}, slots [${sum.slotCounts.join(', ')}].`;
  }

  private showRun(run: RunView): void {
    this.run = run;
    this.pools.root.classList.remove('stale');
    this.timeline.root.classList.remove('stale');
    this.pools.setRun(run);
    this.timeline.setRun(run);
    this.player.setTotal(run.stepCount);
    this.shell.transport.scrub.max = String(run.stepCount - 1);
    this.explainerKey = '';
    this.extra.setRun();
  }

  /** Replay an imported trace (not reproducible from the URL: the status line says so). */
  showImportedRun(run: RunView): void {
    this.showRun(run);
    this.shell.status.textContent = `Imported trace. ${run.story}`;
    this.player.seek(0);
    this.renderStep();
  }

  /** Apply a whole link (import of an exported trace): settings, config, step and view. */
  async restoreFromQuery(query: string): Promise<void> {
    const { state, problems } = parseUrlState(query);
    if (problems.length > 0) throw new InputError('playground.query', query, `a valid link (${describeProblem(problems[0])})`);
    this.custom = null;
    this.config.reset();
    this.controls.clearErrors();
    this.state = state;
    this.lastRunKey = '';
    this.shownView = null;
    const { step, view } = state; // recompute() re-renders and would overwrite them
    if (state.config) {
      await this.loadUrlConfig(state.config, step);
    } else {
      this.recompute(true);
      this.state.view = view;
      this.player.seek(step);
      this.renderStep();
    }
    this.writeUrl();
  }

  lastRunKeyPublic(): string {
    return this.lastRunKey;
  }

  private showRunError(e: unknown): void {
    const msg = e instanceof InputError ? e.message : `Internal error: ${e instanceof Error ? e.message : String(e)}`;
    if (e instanceof InputError) {
      const field = uiFieldOf(e.field);
      if (field === 'config' || (this.custom && field === null)) this.config.setError(msg);
      else if (field) this.controls.setError(field, msg);
    }
    this.run = null;
    this.result = null;
    // The last good run stays on screen, dimmed, until the error is fixed.
    this.pools.root.classList.add('stale');
    this.timeline.root.classList.add('stale');
    this.shell.status.textContent = '';
    this.shell.explainerSlot.replaceChildren(h('section', { class: 'panel status bad', id: 'run-error', role: 'alert' }, h('h2', { text: 'Cannot run this configuration' }), h('p', { text: msg })));
  }

  private shownView: ViewName | null = null;

  renderTabs(): void {
    if (this.shownView === this.state.view) return;
    this.shownView = this.state.view;
    for (const [id, t] of this.shell.tabs) {
      const on = id === this.state.view;
      t.button.setAttribute('aria-selected', String(on));
      t.panel.hidden = !on;
    }
    // Grids are sized while visible (a hidden panel has no width).
    if (this.state.view === 'pools') this.pools.layout();
  }

  /** Draw the frame at the player's step. Called on every player change (and per played frame). */
  renderStep(): void {
    const p = this.player;
    const tr = this.shell.transport;
    this.state.step = p.step;
    this.state.speed = p.speed;
    this.renderTabs();
    for (const [name, b] of this.shell.scenarioButtons) b.setAttribute('aria-pressed', String(name === this.state.scenario));
    tr.play.textContent = p.playing ? '⏸ Pause' : '▶ Play';
    tr.scrub.value = String(p.step);
    tr.label.textContent = `step ${p.step} / ${p.total - 1}`;
    const speed = String(p.speed);
    if (![...tr.speed.options].some((o) => o.value === speed)) tr.speed.appendChild(h('option', { value: speed, text: `${speed} steps/s` }));
    tr.speed.value = speed;
    if (this.run) {
      this.renderExplainer(this.run, p.step);
      const frame = this.run.frameAt(p.step);
      if (this.state.view === 'pools') this.pools.draw(frame);
      this.timeline.setStep(p.step);
      this.extra.setStep(frame);
    }
    this.scheduleUrl();
  }

  private explainerKey = '';

  /** Re-render the explainer only when its content changes (before / at / after the stall). */
  private renderExplainer(run: RunView, step: number): void {
    const first = run.summary.deadlock?.firstStalledStep ?? Number.POSITIVE_INFINITY;
    const key = `${step < first ? 'before' : step === first ? 'at' : 'after'}:${this.state.mode}`;
    if (key === this.explainerKey) return;
    this.explainerKey = key;
    const onFix = (mode: UiState['mode']) => this.patch({ mode });
    this.shell.explainerSlot.replaceChildren(renderExplainer(run.summary, this.state.mode, step, onFix, (s) => this.player.seek(s)));
  }

  private scheduleUrl(): void {
    if (this.urlTimer) return;
    this.urlTimer = window.setTimeout(() => {
      this.urlTimer = 0;
      this.writeUrl();
    }, this.player.playing ? 400 : 0);
  }

  writeUrl(): void {
    const q = serializeUrlState(this.state);
    if (q !== location.search) history.replaceState(null, '', q);
    this.shell.shareUrl.value = location.href;
  }
}
