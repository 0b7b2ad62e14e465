/**
 * The plan table (one row per pool group) with the planner's findings in plain words, and the
 * explainer: when progress stops, which pool, needed vs free, who holds the slots, the floor that
 * would have avoided it, and a button that switches to the fix and reruns.
 */
import { fmtBytes, fmtGiB, fmtInt, h } from './dom.ts';
import type { ConstraintMode } from './url-state.ts';
import type { PlanView, SummaryView } from './view-model.ts';

export function renderPlanTable(plan: PlanView): HTMLElement {
  const root = h('section', { class: 'panel', id: 'plan', 'aria-label': 'Plan' }, h('h2', { text: 'Plan: pool groups' }));
  if (plan.error) {
    root.appendChild(h('p', { class: 'status bad', text: `The engine would refuse this configuration: ${plan.error}` }));
    return root;
  }
  const head = ['#', 'pool group', 'life cycles', 'slot bytes', 'min_slots', 'slots', 'GiB', 'decodes (best)', 'decodes (worst)'];
  const table = h('table', {}, h('thead', {}, h('tr', {}, ...head.map((c, i) => h('th', { scope: 'col', class: i < 3 ? 'l' : null, text: c })))));
  const body = h('tbody');
  for (const r of plan.rows) {
    const short = r.decodesBest !== null && r.slotCount < r.minSlots;
    body.appendChild(
      h(
        'tr',
        { 'data-pool': r.index },
        h('td', { text: String(r.index) }),
        h('td', { class: 'l', text: r.name }),
        h('td', { class: 'l', text: r.lifeCycles }),
        h('td', { text: fmtBytes(r.slotBytes) }),
        h('td', { text: fmtInt(r.minSlots) }),
        h('td', { text: fmtInt(r.slotCount), class: short ? 'bad' : null }),
        h('td', { text: (r.bytes / 2 ** 30).toFixed(2) }),
        h('td', { text: r.decodesBest === null ? 'grows' : fmtInt(r.decodesBest) }),
        h('td', { text: r.decodesWorst === null ? 'grows' : fmtInt(r.decodesWorst) }),
      ),
    );
  }
  table.appendChild(body);
  root.append(
    h('div', { class: 'tablewrap' }, table),
    h('p', { class: 'notice', text: `Effective quota ${fmtGiB(plan.quotaBytes)}; initial ratio from ${plan.ratioSource}. "decodes" = concurrent decoding requests the slot count supports at best / worst block alignment ("grows": full attention, depends on length).` }),
    h('h3', { text: 'Findings' }),
    h('ul', { class: 'findings' }, ...plan.findings.map((f) => h('li', { text: f }))),
  );
  return root;
}

/** The mode the explainer offers as the fix for a given mode. */
export function fixModeFor(mode: ConstraintMode): ConstraintMode {
  return mode === 'issue-fix' || mode === 'upstream' ? 'safe' : 'issue-fix';
}

/**
 * The explainer for the step on screen: before progress stops, one line that says how the run
 * ends (and a jump to it); from the first stalled pass on, the full explanation and the fix.
 */
export function renderExplainer(summary: SummaryView, mode: ConstraintMode, step: number, onFix: (mode: ConstraintMode) => void, onSeek: (step: number) => void): HTMLElement {
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
  const fix = fixModeFor(mode);
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
  const btn = h('button', { type: 'button', class: 'primary', id: 'apply-fix', text: `Switch to ${fix} constraints and rerun` });
  btn.addEventListener('click', () => onFix(fix));
  const row = h('div', { class: 'transport' }, btn);
  if (d.firstStalledStep !== undefined && step !== d.firstStalledStep) {
    const first = d.firstStalledStep;
    const jump = h('button', { type: 'button', id: 'jump-stall', text: `Go to the first stalled pass (${first})` });
    jump.addEventListener('click', () => onSeek(first));
    row.appendChild(jump);
  }
  root.appendChild(row);
  return root;
}
