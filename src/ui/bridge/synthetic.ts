/**
 * A synthetic run: frames computed from the step number alone (no scheduler), with any number of
 * slots. The benchmark uses it to drive a 200k-slot pool, and the page shows it only when the core
 * cannot run (with a visible notice). Deterministic: no clock, no Math.random.
 *
 * Request r owns a contiguous run of `perRequest` slots starting at r * perRequest; it is admitted
 * at step r, grows one slot every `growEvery` steps and is suspended in every 7th step band.
 */
import type { FrameView, PoolGroupView, RequestView, RunEvent, RunView, SummaryView } from '../model.ts';
import { SLOT_FREE, SLOT_RUNNING, SLOT_SUSPENDED } from '../model.ts';

export interface SyntheticSpec {
  readonly slotCounts: readonly number[];
  readonly requests: number;
  readonly steps: number;
}

export function syntheticRun(spec: SyntheticSpec): RunView {
  const poolGroups: PoolGroupView[] = spec.slotCounts.map((n, i) => ({
    index: i,
    name: `POOL${i}`,
    slotCount: n,
    lifeCycleLabels: ['full'],
    lifeCycleIds: [i],
    lifeCycles: [{ windowTokens: null, sinkTokens: 0, ssm: false }],
  }));
  const per = spec.slotCounts.map((n) => Math.max(1, Math.floor(n / Math.max(1, spec.requests))));
  // One reusable frame: frameAt overwrites it (the bench checks that drawing allocates nothing).
  const owner = spec.slotCounts.map((n) => new Int32Array(n));
  const state = spec.slotCounts.map((n) => new Uint8Array(n));
  const block = spec.slotCounts.map((n) => new Int32Array(n));
  const lc = spec.slotCounts.map((n) => new Int32Array(n));
  const used = spec.slotCounts.map(() => new Float64Array(spec.steps));
  const held = spec.slotCounts.map(() => new Float64Array(spec.steps));

  function fill(step: number): void {
    for (let g = 0; g < spec.slotCounts.length; g++) {
      owner[g].fill(-1);
      state[g].fill(SLOT_FREE);
      block[g].fill(-1);
      lc[g].fill(-1);
      const growEvery = Math.max(1, Math.floor(spec.steps / per[g]));
      for (let r = 0; r < spec.requests && r <= step; r++) {
        const n = Math.min(per[g], 1 + Math.floor((step - r) / growEvery));
        const suspended = Math.floor((step + r) / 16) % 7 === 0;
        for (let b = 0; b < n; b++) {
          const s = r * per[g] + b;
          if (s >= spec.slotCounts[g]) break;
          owner[g][s] = r;
          state[g][s] = suspended ? SLOT_SUSPENDED : SLOT_RUNNING;
          block[g][s] = b;
          lc[g][s] = g;
        }
      }
    }
  }

  for (let t = 0; t < spec.steps; t++) {
    fill(t);
    for (let g = 0; g < spec.slotCounts.length; g++) {
      let u = 0;
      let h = 0;
      const st = state[g];
      for (let i = 0; i < st.length; i++) {
        if (st[i] === SLOT_RUNNING) u++;
        else if (st[i] === SLOT_SUSPENDED) h++;
      }
      used[g][t] = u;
      held[g][t] = h;
    }
  }
  const events: RunEvent[] = [];
  for (let r = 0; r < Math.min(spec.requests, spec.steps); r++) events.push({ step: r, kind: 'admit', requestId: r, poolGroup: -1 });
  const summary: SummaryView = {
    outcome: 'step-limit',
    steps: spec.steps,
    completedRequests: 0,
    totalRequests: spec.requests,
    maxConcurrentDecodes: spec.requests,
    peakUsedSlots: used.map((u) => Math.max(...u)),
    slotCounts: [...spec.slotCounts],
    deadlock: null,
  };
  return {
    poolGroups,
    tokensPerBlock: 16,
    stepCount: spec.steps,
    used,
    held,
    events,
    summary,
    story: 'Synthetic frames (no scheduler): for rendering checks and benchmarks only.',
    frameAt(step: number): FrameView {
      fill(step);
      const requests: RequestView[] = [];
      return { step, slotOwner: owner, slotState: state, slotBlock: block, slotLifeCycle: lc, requests };
    },
    toJson: () => JSON.stringify({ synthetic: spec }),
  };
}
