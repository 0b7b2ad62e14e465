/**
 * Static page frame: top bar (title, named scenarios with their stories, theme, share link), the
 * URL-problem box, the transport and the tab strip. Only structure and labels live here; the App
 * fills the panels.
 */
import { h } from './dom.ts';
import { SPEEDS } from './player.ts';
import type { ViewName } from './url-state.ts';

export const TABS: readonly { id: ViewName; label: string }[] = [
  { id: 'pools', label: 'Pools' },
  { id: 'plan', label: 'Plan' },
  { id: 'inspector', label: 'Attention inspector' },
  { id: 'compare', label: 'Compare' },
  { id: 'data', label: 'Export / import' },
];

export interface Shell {
  readonly topbar: HTMLElement;
  readonly scenarioButtons: Map<string, HTMLButtonElement>;
  readonly story: HTMLElement;
  readonly problems: HTMLElement;
  readonly themeButton: HTMLButtonElement;
  readonly shareButton: HTMLButtonElement;
  readonly shareUrl: HTMLInputElement;
  readonly layout: HTMLElement;
  readonly stage: HTMLElement;
  readonly transport: Transport;
  readonly status: HTMLElement;
  readonly explainerSlot: HTMLElement;
  readonly tabs: Map<ViewName, { button: HTMLButtonElement; panel: HTMLElement }>;
}

export interface Transport {
  readonly root: HTMLElement;
  readonly start: HTMLButtonElement;
  readonly back: HTMLButtonElement;
  readonly play: HTMLButtonElement;
  readonly forward: HTMLButtonElement;
  readonly end: HTMLButtonElement;
  readonly scrub: HTMLInputElement;
  readonly label: HTMLElement;
  readonly speed: HTMLSelectElement;
}

function button(id: string, text: string, label: string): HTMLButtonElement {
  return h('button', { type: 'button', id, 'aria-label': label, title: label, text });
}

function buildTransport(): Transport {
  const start = button('t-start', '|◀◀', 'First step (Home)');
  const back = button('t-back', '◀|', 'Step back (Left arrow)');
  const play = button('t-play', '▶ Play', 'Play or pause (Space)');
  const forward = button('t-forward', '▶|', 'Step forward (Right arrow)');
  const end = button('t-end', '▶▶|', 'Last step (End)');
  const scrub = h('input', { type: 'range', id: 't-scrub', min: 0, max: 0, value: 0, step: 1, 'aria-label': 'Scrub through steps' });
  const label = h('output', { class: 'steplabel', id: 't-step', 'aria-live': 'off', text: 'step 0 / 0' });
  const speed = h('select', { id: 't-speed', 'aria-label': 'Playback speed (steps per second)' });
  for (const s of SPEEDS) speed.appendChild(h('option', { value: s, text: `${s} steps/s` }));
  const root = h(
    'div',
    { class: 'panel transport', role: 'toolbar', 'aria-label': 'Transport' },
    start,
    back,
    play,
    forward,
    end,
    scrub,
    label,
    speed,
    h('span', { class: 'kbd', text: 'Space play · ←/→ step · Shift ×10 · +/- speed' }),
  );
  return { root, start, back, play, forward, end, scrub, label, speed };
}

export function buildShell(app: HTMLElement, scenarios: readonly string[]): Shell {
  const scenarioButtons = new Map<string, HTMLButtonElement>();
  const scenarioBox = h('div', { class: 'scenario-buttons', role: 'group', 'aria-label': 'Named scenarios' });
  for (const s of scenarios) {
    const b = h('button', { type: 'button', 'data-scenario': s, 'aria-pressed': 'false', text: s });
    scenarioButtons.set(s, b);
    scenarioBox.appendChild(b);
  }
  const themeButton = h('button', { type: 'button', id: 'theme', 'aria-label': 'Toggle light or dark theme', text: '◐ Theme' });
  const shareButton = h('button', { type: 'button', id: 'share', text: 'Copy link' });
  const shareUrl = h('input', { id: 'share-url', type: 'text', readonly: true, 'aria-label': 'Link to this exact run', class: 'mono', size: 28 });
  const topbar = h('header', { class: 'topbar' }, h('h1', { text: 'KV Pool Playground' }), scenarioBox, h('span', { class: 'spacer' }), shareUrl, shareButton, themeButton);
  const story = h('p', { class: 'story', id: 'story' });
  const problems = h('div', { class: 'problems', id: 'url-problems', role: 'alert' });
  const transport = buildTransport();
  const status = h('div', { id: 'run-status', class: 'notice', role: 'status' });
  const explainerSlot = h('div', { id: 'explainer-slot' });
  const tabStrip = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' });
  const tabs = new Map<ViewName, { button: HTMLButtonElement; panel: HTMLElement }>();
  const panels = h('div');
  for (const t of TABS) {
    const b = h('button', { type: 'button', role: 'tab', id: `tab-${t.id}`, 'aria-controls': `panel-${t.id}`, 'aria-selected': 'false', text: t.label });
    const panel = h('div', { role: 'tabpanel', id: `panel-${t.id}`, 'aria-labelledby': `tab-${t.id}`, hidden: true });
    tabStrip.appendChild(b);
    panels.appendChild(panel);
    tabs.set(t.id, { button: b, panel });
  }
  const stage = h('main', { class: 'stage', id: 'stage' }, transport.root, status, explainerSlot, tabStrip, panels);
  const layout = h('div', { class: 'layout' });
  app.replaceChildren(topbar, story, problems, layout);
  layout.append(stage);
  return { topbar, scenarioButtons, story, problems, themeButton, shareButton, shareUrl, layout, stage, transport, status, explainerSlot, tabs };
}
