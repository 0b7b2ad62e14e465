/** PoolArena: recycled slot storage gives pools that behave exactly like new ones. */
import { describe, expect, it } from 'vitest';
import { BlockPool, PoolArena } from '../../src/sim/block-pool.ts';
import { normalizeConfig, scenarioConfig } from '../../src/sim/index.ts';
import { execute } from '../../src/sim/run.ts';
import type { RequestSpec } from '../../src/sim/types.ts';

/** Allocate, release some, allocate again: the slots handed out and the final owners. */
function workout(p: BlockPool): { slots: (number | null)[]; owners: number[]; free: number } {
  const slots: (number | null)[] = [];
  for (let i = 0; i < 6; i++) slots.push(p.allocate(i, i % 2, i));
  p.release(slots[1] as number, false);
  p.release(slots[4] as number, false);
  for (let i = 6; i < 9; i++) slots.push(p.allocate(i, 0, i));
  return { slots, owners: p.owners().requests, free: p.free };
}

describe('PoolArena', () => {
  it('a pool from recycled storage (larger, or used before) behaves as a new pool of its size', () => {
    const arena = new PoolArena();
    const [big] = arena.pools([32], null);
    workout(big);
    arena.recycle([big]);
    const [small] = arena.pools([7], null); // the 32-slot storage, seen through 7 slots
    expect(small.total).toBe(7);
    expect(small.owners().requests).toEqual(new Array(7).fill(-1));
    expect(workout(small)).toEqual(workout(new BlockPool(0, 7)));
    arena.recycle([small]);
    const [again] = arena.pools([32], null);
    expect(again.owners().requests).toEqual(new Array(32).fill(-1));
    expect(() => again.release(0, false)).toThrow(/released twice/);
  });

  it('storage in use is never handed out twice; recycling keeps the largest per pool group', () => {
    const arena = new PoolArena();
    const a = arena.pools([8, 4], null);
    const b = arena.pools([8, 4], null); // a is still out: b gets its own arrays
    a[0].allocate(1, 0, 0);
    expect(b[0].ownerOf(0).request).toBe(-1);
    arena.recycle(b);
    arena.recycle(a);
    const c = arena.pools([8, 4], null);
    const d = arena.pools([8, 4], null);
    c[0].allocate(3, 0, 0);
    expect(d[0].ownerOf(0).request).toBe(-1);
    expect(c.map((p) => p.index)).toEqual([0, 1]);
  });
});

const facts = (r: ReturnType<typeof execute>) => ({ outcome: r.outcome, steps: r.steps, stats: r.stats, free: r.state.pools.map((p) => p.free) });

describe('PoolArena request caches', () => {
  it('runs after a recycled one (deadlocked with open caches, or completed) behave as fresh runs', () => {
    const arena = new PoolArena();
    const deadlocked = normalizeConfig({ ...scenarioConfig('trtllm-15401').config, maxSteps: 3000 });
    const completes = normalizeConfig({ ...scenarioConfig('trtllm-15401', { constraints: 'issue-fix' }).config, maxSteps: 3000 });
    const fresh = (cfg: typeof deadlocked) => facts(execute(cfg, cfg.workload as RequestSpec[], false, undefined, 'stop'));
    const want = [fresh(deadlocked), fresh(completes)];
    expect(want[0].outcome).toBe('deadlock');
    expect(want[1].outcome).toBe('completed'); // its holders' caches are still open when the run ends
    for (let round = 0; round < 3; round++) {
      for (const [i, cfg] of [deadlocked, completes, deadlocked].entries()) {
        const res = execute(cfg, cfg.workload as RequestSpec[], false, undefined, 'stop', arena);
        expect(facts(res), `round ${round} run ${i}`).toEqual(want[cfg === deadlocked ? 0 : 1]);
        res.state.recycleInto(arena);
      }
    }
  });
});
