/**
 * The explainer for the step on screen: before progress stops, one line that says how the run
 * ends (and a jump to it); from the first stalled pass on, the full explanation: which pool, needed
 * vs free, who holds the slots, the floor that would have avoided it, and a button that switches to
 * the fix and reruns. A run that cannot be made shows its error here instead.
 */
import type { Dispatch, ExplainerModel, SummaryView } from '../model.ts';
import { fmtInt, h } from './dom.ts';

type Seek = (step: number) => void;

/**
 * The explainer for the step on screen: before progress stops, one line that says how the run
 * ends (and a jump to it); from the first stalled pass on, the full explanation and the fix.
 */
function renderExplainer(summary: SummaryView, fix: string, step: number, onFix: (mode: string) => void, onSeek: Seek): HTMLElement {
  const root = h('section', { class: 'panel explainer', id: 'explainer', 'aria-live': 'polite' });
  const d = summary.deadlock;
  if (summary.outcome === 'deadlock' && d && d.firstStalledStep !== undefined && step < d.firstStalledStep) {
    const first = d.firstStalledStep;
    const jump = h('button', { type: 'button', id: 'jump-stall', text: `Go to pass ${first}` });
    jump.addEventListener('click', () => onSeek(first));
    root.classList.add('status', 'warn');
    root.append(h('p', {}, h('strong', { text: `This run stops making progress at pass ${first}` }), ` (the ${d.poolName} pool runs out). Play or jump there to see why. `, jump));
    return root;
  }
  if (summary.outcome === 'completed') {
    root.classList.add('status', 'ok');
    root.append(
      h('h2', { text: 'Run completed' }),
      h('p', { text: `All ${summary.completedRequests} of ${summary.totalRequests} requests finished in ${fmtInt(summary.steps)} steps; at most ${summary.maxConcurrentDecodes} decoded at once.` }),
    );
    return root;
  }
  if (summary.outcome === 'step-limit' || !d) {
    root.classList.add('status', 'warn');
    root.append(
      h('h2', { text: summary.outcome === 'step-limit' ? 'Run stopped at the step limit' : `Run ended: ${summary.outcome}` }),
      h('p', { text: `${summary.completedRequests} of ${summary.totalRequests} requests finished in ${fmtInt(summary.steps)} steps.` }),
    );
    return root;
  }
  root.classList.add('status', 'bad');
  root.append(
    h('h2', { text: `Deadlock: the ${d.poolName} pool (pool group ${d.poolGroup}) is exhausted` }),
    h('p', { text: `The next decode needed ${d.neededSlots} slot${d.neededSlots === 1 ? '' : 's'} in ${d.poolName}; ${d.freeSlots} ${d.freeSlots === 1 ? 'was' : 'were'} free.` }),
    h('p', {
      text: `Its slots are held by ${d.heldByRunning} running and ${d.heldBySuspended} suspended request${d.heldBySuspended === 1 ? '' : 's'}${d.heldBySuspended > 0 ? "; with no lower cache tier a suspended request's pages stay on the GPU, so suspending frees nothing" : ''}, and no request can make progress.`,
    }),
    h('p', { text: `A floor of min_slots ${d.poolName} >= ${d.suggestedMinSlots} would have avoided it. ${summary.completedRequests} of ${summary.totalRequests} requests had finished after ${fmtInt(summary.steps)} steps.` }),
  );
  if (d.cause === 'resume-gate') {
    root.appendChild(h('p', { text: 'The last pass failed at the resume gate: a suspended request may resume only while every pool is below maxUtilForResume, and the exhausted pool stays full.' }));
  }
  if (d.message) root.appendChild(h('p', { class: 'mono', text: `Simulator: ${d.message}` }));
  if (d.engineNote) root.appendChild(h('p', { class: 'engine-note', id: 'engine-note', text: `Engine: ${d.engineNote}` }));
  const row = h('div', { class: 'transport' });
  // No fix offered ('' ): the engine has no constraint modes to switch to.
  if (fix) {
    const btn = h('button', { type: 'button', class: 'primary', id: 'apply-fix', text: `Switch to ${fix} constraints and rerun` });
    btn.addEventListener('click', () => onFix(fix));
    row.appendChild(btn);
  }
  if (d.firstStalledStep !== undefined && step !== d.firstStalledStep) {
    const first = d.firstStalledStep;
    const jump = h('button', { type: 'button', id: 'jump-stall', text: `Go to the first stalled pass (${first})` });
    jump.addEventListener('click', () => onSeek(first));
    row.appendChild(jump);
  }
  root.appendChild(row);
  return root;
}

function renderError(message: string): HTMLElement {
  return h('section', { class: 'panel status bad', id: 'run-error', role: 'alert' }, h('h2', { text: 'Cannot run this configuration' }), h('p', { text: message }));
}

/** The explainer panel: re-rendered only when its content changes (before / at / after the stall). */
export class Explainer {
  readonly root = h('div', { id: 'explainer-slot', 'data-region': 'explainer' });
  private key = '';
  private readonly dispatch: Dispatch;

  constructor(dispatch: Dispatch) {
    this.dispatch = dispatch;
  }

  render(m: ExplainerModel): void {
    const s = m.summary;
    const first = s?.deadlock?.firstStalledStep ?? Number.POSITIVE_INFINITY;
    const phase = m.step < first ? 'before' : m.step === first ? 'at' : 'after';
    const key = m.error !== null ? `error:${m.error}` : s ? `${phase}:${m.fixMode}:${s.steps}:${s.outcome}:${s.completedRequests}` : 'none';
    if (key === this.key) return;
    this.key = key;
    // A button pressed from the keyboard that re-renders keeps the focus in the explainer.
    const focused = this.root.contains(document.activeElement) ? (document.activeElement as HTMLElement).id : null;
    if (m.error !== null) this.root.replaceChildren(renderError(m.error));
    else if (s) {
      const onFix = (mode: string) => this.dispatch({ type: 'set', key: 'mode', raw: mode });
      this.root.replaceChildren(renderExplainer(s, m.fixMode, m.step, onFix, (step) => this.dispatch({ type: 'seek', step })));
    } else this.root.replaceChildren();
    if (focused !== null) (document.getElementById(focused) ?? this.root.querySelector<HTMLElement>('button') ?? this.focusTarget())?.focus();
  }

  /** The panel itself when it has no button left. */
  private focusTarget(): HTMLElement {
    const panel = this.root.firstElementChild as HTMLElement;
    panel.tabIndex = -1;
    return panel;
  }
}
