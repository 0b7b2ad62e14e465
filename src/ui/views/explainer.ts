/**
 * The explainer for the step on screen: before progress stops, one line that says how the run
 * ends (and a jump to it); from the first stalled pass on, the full explanation: which pool, needed
 * vs free, who holds the slots, the floor that would have avoided it (and what it costs), and the
 * cheapest verified fix from the verdict, applied by a click. A run that cannot be made shows its error here instead.
 */
import type { Dispatch, ExplainerModel, SummaryView, VerdictModel } from '../model.ts';
import { fmtInt, h } from './dom.ts';

type Seek = (step: number) => void;

/**
 * The explainer for the step on screen: before progress stops, one line that says how the run
 * ends (and a jump to it); from the first stalled pass on, the full explanation and the fix.
 */
function renderExplainer(summary: SummaryView, m: ExplainerModel, dispatch: Dispatch, onSeek: Seek): HTMLElement {
  const step = m.step;
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
    h('p', { id: 'explainer-floor', text: `${floorWords(summary, d.poolName, d.suggestedMinSlots)}${m.floorCost ? ` (${m.floorCost})` : ''} would have avoided it on this workload. ${summary.completedRequests} of ${summary.totalRequests} requests had finished after ${fmtInt(summary.steps)} steps.` }),
  );
  if (d.cause === 'resume-gate') {
    root.appendChild(h('p', { text: 'The last pass failed at the resume gate: a suspended request may resume only while every pool is below maxUtilForResume, and the exhausted pool stays full.' }));
  }
  if (d.message) root.appendChild(h('p', { class: 'mono', text: `Simulator: ${d.message}` }));
  if (d.engineNote) root.appendChild(h('p', { class: 'engine-note', id: 'engine-note', text: `Engine: ${d.engineNote}` }));
  const row = h('div', { class: 'transport' });
  root.appendChild(fixLine(m.verdict, dispatch, row));
  if (d.firstStalledStep !== undefined && step !== d.firstStalledStep) {
    const first = d.firstStalledStep;
    const jump = h('button', { type: 'button', id: 'jump-stall', text: `Go to the first stalled pass (${first})` });
    jump.addEventListener('click', () => onSeek(first));
    row.appendChild(jump);
  }
  root.appendChild(row);
  return root;
}

/**
 * The pool size that would have avoided the stall, in the engine's own terms: TensorRT-LLM has a
 * min_slots floor per pool group; vLLM and SGLang have no such knob, their pools follow the quota.
 */
function floorWords(summary: SummaryView, pool: string, slots: number): string {
  if (summary.engineHasModes === false) return `A ${pool} pool of at least ${fmtInt(slots)} slots (this engine has no per-pool floor to set: its pools follow the quota)`;
  return `A floor of min_slots ${pool} >= ${slots}`;
}

/**
 * The fix the explainer offers: the cheapest of the verdict's verified fixes that the page can
 * apply and under which this page's own workload, rerun in the worker, completed. Never another:
 * where there is none (an engine or policy the verdict cannot verify a fix for), it says why.
 */
function fixLine(v: VerdictModel | null, dispatch: Dispatch, row: HTMLElement): HTMLElement {
  if (!v || v.state === 'running' || v.state === 'idle') return h('p', { id: 'fix-status', text: 'Looking for a verified fix (the verdict runs in a worker)…' });
  if (v.state === 'error') return h('p', { id: 'fix-status', class: 'bad', text: v.message });
  const usable = v.fixes.filter((f) => f.apply !== null && f.rerun === 'completed');
  const more = h('button', { type: 'button', id: 'open-verdict', text: 'All fixes and the proof (Verdict view)' });
  more.addEventListener('click', () => dispatch({ type: 'view', id: 'verdict' }));
  const f = usable[0];
  if (!f) {
    row.appendChild(more);
    const why = v.fixNote || (v.fixes.length > 0 ? 'The verified fixes need a change the page has no control for (the Verdict view lists them as kvpool flags).' : 'No verified fix.');
    return h('p', { id: 'fix-status', class: 'notice', text: why });
  }
  const gib = (b: number) => `${b >= 0 ? '+' : ''}${(b / 2 ** 30).toFixed(2)} GiB`;
  const apply = f.apply!;
  const btn = h('button', { type: 'button', class: 'primary', id: 'apply-fix', 'data-axis': f.axis, text: `Apply the cheapest verified fix: ${f.label} (${gib(f.extraBytes)}, concurrency ${f.concurrencyBefore} → ${f.concurrency})` });
  btn.addEventListener('click', () => dispatch({ type: 'setMany', values: apply }));
  row.prepend(btn);
  row.appendChild(more);
  return h('p', { id: 'fix-status', class: 'notice', text: `Verified: ${f.verification}; this page's workload completes under it.` });
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
    const v = m.verdict;
    const key = m.error !== null ? `error:${m.error}` : s ? `${phase}:${s.steps}:${s.outcome}:${s.completedRequests}:${v?.state}:${v?.fixes.length}:${v?.fixNote}:${m.floorCost}` : 'none';
    if (key === this.key) return;
    this.key = key;
    // A button pressed from the keyboard that re-renders keeps the focus in the explainer.
    const focused = this.root.contains(document.activeElement) ? (document.activeElement as HTMLElement).id : null;
    if (m.error !== null) this.root.replaceChildren(renderError(m.error));
    else if (s) {
      this.root.replaceChildren(renderExplainer(s, m, this.dispatch, (step) => this.dispatch({ type: 'seek', step })));
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
