/** Hand-built pool layouts for simulator tests: exactly the fields the simulator reads. */
import type { LifeCycle } from '../../src/planner/lifecycle.ts';
import type { PoolLayout } from '../../src/planner/types.ts';

export interface TinyPlan {
  tokensPerBlock: number;
  lifeCycles: LifeCycle[];
  /** Pool group of each life cycle (index = life cycle id). */
  lifeCyclePoolGroup: number[];
  slotCounts: number[];
  names?: string[];
}

export function tinyPlan(t: TinyPlan): PoolLayout {
  const groups = t.slotCounts.map((_, pg) => ({
    index: pg,
    name: t.names?.[pg] ?? `PG${pg}`,
    lifeCycleIds: t.lifeCycles.filter((lc) => t.lifeCyclePoolGroup[lc.id] === pg).map((lc) => lc.id),
    slotSizeList: [1],
    slotBytes: 1,
    roles: ['key'],
    layerIds: [],
  }));
  // Only the PoolLayout fields: the simulator must run on any engine's pools, not only trtllm plans.
  return {
    tokensPerBlock: t.tokensPerBlock,
    lifeCycles: t.lifeCycles,
    lifeCyclePoolGroup: t.lifeCyclePoolGroup,
    poolGroups: groups,
    slotCounts: t.slotCounts,
    error: null,
  };
}

export const win = (id: number, windowTokens: number | null, sinkBlocks = 0): LifeCycle => ({ id, kind: 'attn', windowTokens, sinkBlocks });
export const ssm = (id: number): LifeCycle => ({ id, kind: 'ssm' });

import { nonStaleBlocks } from '../../src/planner/lifecycle.ts';
import type { SimState } from '../../src/sim/state.ts';

/**
 * The invariants on live state, returned as a list of violations (empty = fine):
 * free + used + held = total; every slot owned by exactly the (request, life cycle, block) whose
 * table points at it; finished requests hold nothing; a windowed life cycle holds exactly the
 * non-stale blocks of (capacity, history) and never more.
 */
export function invariantViolations(s: SimState): string[] {
  const bad: string[] = [];
  const tpb = s.plan.tokensPerBlock;
  const seen = s.pools.map((p) => new Uint8Array(p.total));
  let suspendedHeld = s.pools.map(() => 0);
  for (const p of s.pools) {
    if (p.free + p.used + p.heldSuspended !== p.total || p.used < 0 || p.heldSuspended < 0) bad.push(`pool ${p.index}: free ${p.free} + used ${p.used} + held ${p.heldSuspended} != ${p.total}`);
  }
  for (const r of s.requests) {
    if (r.state === 'finished' || r.state === 'waiting') {
      if (r.kv && r.kv.totalHeld() > 0) bad.push(`request ${r.id} (${r.state}) holds ${r.kv.totalHeld()} slots`);
      continue;
    }
    const kv = r.kv;
    if (!kv) continue;
    s.plan.lifeCycles.forEach((lc, i) => {
      const pg = s.plan.lifeCyclePoolGroup[lc.id];
      const pool = s.pools[pg];
      let held = 0;
      kv.tables[i].forEach((slot, block) => {
        if (slot < 0) return;
        held++;
        if (seen[pg][slot]) bad.push(`pool ${pg} slot ${slot} has two owners`);
        seen[pg][slot] = 1;
        const o = pool.ownerOf(slot);
        if (o.request !== r.id || o.lifeCycle !== lc.id || o.block !== block) bad.push(`pool ${pg} slot ${slot}: owner mismatch for request ${r.id}`);
      });
      if (held !== kv.held[i]) bad.push(`request ${r.id} lc ${lc.id}: table ${held} != count ${kv.held[i]}`);
      if (lc.kind === 'attn' && lc.windowTokens !== null && kv.capacity > 0 && s.managers.retained[i]) {
        // A retained (cached) life cycle may hold stale blocks, never more than its capacity spans.
        if (held > Math.ceil(kv.capacity / tpb)) bad.push(`request ${r.id} lc ${lc.id}: holds ${held} > capacity blocks`);
      } else if (lc.kind === 'attn' && lc.windowTokens !== null && kv.capacity > 0) {
        const allowed = nonStaleBlocks(lc, kv.capacity, kv.history, tpb);
        if (held > allowed) bad.push(`request ${r.id} lc ${lc.id}: holds ${held} > stale-range rule ${allowed} (c ${kv.capacity}, h ${kv.history})`);
      }
      if (r.state === 'suspended') suspendedHeld[pg] += held;
    });
  }
  s.pools.forEach((p, pg) => {
    let owned = 0;
    for (let slot = 0; slot < p.total; slot++) if (p.ownerOf(slot).request >= 0) owned++;
    if (owned !== p.total - p.free) bad.push(`pool ${pg}: ${owned} owned slots but ${p.total - p.free} not free`);
    if (suspendedHeld[pg] !== p.heldSuspended) bad.push(`pool ${pg}: suspended requests hold ${suspendedHeld[pg]} but pool counts ${p.heldSuspended}`);
  });
  suspendedHeld = [];
  return bad;
}
