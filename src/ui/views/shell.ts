/**
 * The page frame: top bar (title, named scenarios, share link, theme), the scenario story, the
 * URL-problem box, the controls beside the stage (transport, status, explainer, timeline, tabs and
 * one panel per registered view). Structure and labels live here; content comes from the page model.
 */
import type { Dispatch, PageModel, ViewDef } from '../model.ts';
import { h } from './dom.ts';
import { Transport } from './transport.ts';

export interface Slots {
  /** Left column (the controls). */
  readonly side: HTMLElement;
  /** Between the status line and the tabs (explainer, timeline). */
  readonly above: HTMLElement;
}

export class Shell {
  readonly slots: Slots;
  readonly panels = new Map<string, HTMLElement>();
  private readonly tabs = new Map<string, HTMLButtonElement>();
  private readonly scenarioButtons = new Map<string, HTMLButtonElement>();
  private readonly story = h('p', { class: 'story', id: 'story', 'data-region': 'story' });
  private readonly problems = h('div', { class: 'problems', id: 'url-problems', role: 'alert' });
  private readonly shareUrl = h('input', { id: 'share-url', type: 'text', readonly: true, 'aria-label': 'Link to this exact run', class: 'mono', size: 28 });
  private readonly shareButton = h('button', { type: 'button', id: 'share', text: 'Copy link' });
  private readonly status = h('div', { id: 'run-status', class: 'notice', role: 'status' });
  private readonly progress = h('div', { id: 'run-progress', class: 'notice progress', 'aria-live': 'polite' });
  private readonly stage: HTMLElement;
  private readonly transport: Transport;
  private last: PageModel | null = null;
  private shownView = '';

  constructor(app: HTMLElement, scenarios: readonly string[], views: readonly ViewDef[], dispatch: Dispatch) {
    const scenarioBox = h('div', { class: 'scenario-buttons', role: 'group', 'aria-label': 'Named scenarios', 'data-region': 'scenarios' });
    for (const s of scenarios) {
      const b = h('button', { type: 'button', 'data-scenario': s, 'aria-pressed': 'false', text: s });
      b.addEventListener('click', () => dispatch({ type: 'scenario', name: s }));
      this.scenarioButtons.set(s, b);
      scenarioBox.appendChild(b);
    }
    const themeButton = h('button', { type: 'button', id: 'theme', 'aria-label': 'Toggle light or dark theme', text: '◐ Theme' });
    themeButton.addEventListener('click', () => dispatch({ type: 'theme' }));
    this.shareButton.addEventListener('click', () => {
      dispatch({ type: 'share' });
      this.shareUrl.select();
      navigator.clipboard?.writeText(this.shareUrl.value).catch(() => undefined);
      this.shareButton.textContent = 'Link copied';
      setTimeout(() => (this.shareButton.textContent = 'Copy link'), 1500);
    });
    const topbar = h('header', { class: 'topbar' }, h('h1', { text: 'KV Pool Playground' }), scenarioBox, h('span', { class: 'spacer' }), this.shareUrl, this.shareButton, themeButton);
    this.transport = new Transport(dispatch);
    const tabStrip = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views', 'data-region': 'tabs' });
    // The tab row takes the arrow keys (ARIA tabs pattern) and keeps them from the player.
    tabStrip.addEventListener('keydown', (e) => {
      const ids = views.map((v) => v.id);
      const at = ids.indexOf(this.shownView);
      const to = e.key === 'ArrowRight' ? at + 1 : e.key === 'ArrowLeft' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? ids.length - 1 : null;
      if (to === null) return;
      e.preventDefault();
      e.stopPropagation();
      const id = ids[(to + ids.length) % ids.length];
      dispatch({ type: 'view', id });
      this.tabs.get(id)?.focus();
    });
    const panels = h('div');
    for (const v of views) {
      const b = h('button', { type: 'button', role: 'tab', id: `tab-${v.id}`, 'aria-controls': `panel-${v.id}`, 'aria-selected': 'false', text: v.label });
      b.addEventListener('click', () => dispatch({ type: 'view', id: v.id }));
      const panel = h('div', { role: 'tabpanel', id: `panel-${v.id}`, 'aria-labelledby': `tab-${v.id}`, hidden: true });
      tabStrip.appendChild(b);
      panels.appendChild(panel);
      this.tabs.set(v.id, b);
      this.panels.set(v.id, panel);
    }
    const above = h('div', { class: 'above' });
    this.stage = h('main', { class: 'stage', id: 'stage' }, this.transport.root, this.status, this.progress, above, tabStrip, panels);
    const side = h('div', { class: 'side' });
    const layout = h('div', { class: 'layout' }, side, this.stage);
    app.replaceChildren(topbar, this.story, this.problems, layout);
    this.slots = { side, above };
    const dismissable = this.problems;
    dismissable.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).id === 'dismiss-problems') dispatch({ type: 'dismissProblems' });
    });
  }

  render(m: PageModel): void {
    const l = this.last;
    this.last = m;
    this.transport.render(m.transport);
    if (!l || l.shell !== m.shell) this.renderShell(m);
    if (!l || l.status !== m.status) {
      this.status.textContent = m.status.text;
      this.progress.textContent = m.status.progress;
      this.progress.hidden = m.status.progress === '';
      if (m.status.busy) this.stage.setAttribute('aria-busy', 'true');
      else this.stage.removeAttribute('aria-busy');
    }
    if (m.view !== this.shownView) {
      this.shownView = m.view;
      for (const [id, b] of this.tabs) {
        const on = id === m.view;
        b.setAttribute('aria-selected', String(on));
        b.tabIndex = on ? 0 : -1;
        this.panels.get(id)!.hidden = !on;
      }
    }
    if (!l || l.highlight !== m.highlight) {
      for (const el of document.querySelectorAll('[data-highlight]')) el.removeAttribute('data-highlight');
      if (m.highlight) for (const el of document.querySelectorAll(`[data-region="${CSS.escape(m.highlight)}"]`)) el.setAttribute('data-highlight', 'true');
    }
  }

  private renderShell(m: PageModel): void {
    const s = m.shell;
    for (const { name, pressed } of s.scenarios) this.scenarioButtons.get(name)?.setAttribute('aria-pressed', String(pressed));
    this.story.textContent = s.story;
    this.shareUrl.value = s.link;
    if (s.problems.length === 0) this.problems.replaceChildren();
    else {
      this.problems.replaceChildren(
        h('strong', { text: 'Some link parameters were invalid:' }),
        h('ul', {}, ...s.problems.map((p) => h('li', { text: p }))),
        h('button', { type: 'button', id: 'dismiss-problems', text: 'Dismiss' }),
      );
    }
  }
}
