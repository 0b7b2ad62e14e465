import { describe, expect, it } from 'vitest';
import { BlockPool } from '../../src/sim/block-pool.ts';
import { KvCache, Managers } from '../../src/sim/managers.ts';
import { ssm, win } from './helpers.ts';

/** Slots a request holds per life cycle, as block ordinals (sorted). */
function heldOrdinals(kv: KvCache, i: number): number[] {
  const out: number[] = [];
  kv.tables[i].forEach((s, o) => {
    if (s >= 0) out.push(o);
  });
  return out;
}

describe('BlockPool', () => {
  it('hands out slots 0,1,2.. then reuses the most recently freed (LIFO) and counts exactly', () => {
    const p = new BlockPool(0, 3);
    expect([p.allocate(7, 0, 0), p.allocate(7, 0, 1), p.allocate(8, 0, 0)]).toEqual([0, 1, 2]);
    expect(p.canAllocate(1)).toBe(false);
    expect(p.allocate(9, 0, 0)).toBeNull();
    p.release(1, false);
    expect(p.free).toBe(1);
    expect(p.ownerOf(1).request).toBe(-1);
    expect(p.allocate(9, 0, 5)).toBe(1);
    expect(p.ownerOf(1).block).toBe(5);
    p.markSuspended(2);
    expect([p.used, p.heldSuspended, p.free]).toEqual([1, 2, 0]);
    expect(() => {
      p.release(0, true);
      p.release(0, true);
    }).toThrow(/released twice/);
  });
});

describe('Managers: windowed life cycle (tpb 4, window 3)', () => {
  // |blk0|blk1|blk2|   live window at history h = [h+1-3, h]
  const setup = () => {
    const pool = new BlockPool(0, 8);
    const m = new Managers([win(0, 3)], [0], [pool], 4);
    return { pool, m, kv: new KvCache(0, 1, 1) };
  };

  it('prefill of 5 tokens takes 2 blocks (a fresh prefill has no stale range)', () => {
    const { pool, m, kv } = setup();
    expect(m.resize(kv, 5, 0)).toBeNull();
    expect(heldOrdinals(kv, 0)).toEqual([0, 1]);
    expect(pool.free).toBe(6);
  });

  it('decodes free blk0 once the window leaves it, allocate blk2 only when capacity enters it', () => {
    const { pool, m, kv } = setup();
    m.resize(kv, 5, 0);
    expect(m.commit(kv, 5, false)).toBe(0); // window [3,5] still touches blk0
    m.resize(kv, 6, 5);
    expect(m.commit(kv, 6, false)).toBe(1); // window [4,6]: blk0 stale
    expect(heldOrdinals(kv, 0)).toEqual([1]);
    expect(m.need(kv, 7, 6)[0]).toBe(0);
    m.resize(kv, 7, 6);
    m.commit(kv, 7, false);
    m.resize(kv, 8, 7);
    m.commit(kv, 8, false);
    expect(m.need(kv, 9, 8)[0]).toBe(1); // capacity 9 enters blk2
    m.resize(kv, 9, 8);
    expect(heldOrdinals(kv, 0)).toEqual([1, 2]); // window [6,8] straddles blk1|blk2
    m.commit(kv, 9, false); // window [7,9]: blk1 still live
    expect(heldOrdinals(kv, 0)).toEqual([1, 2]);
    m.resize(kv, 10, 9);
    m.commit(kv, 10, false); // window [8,10]: blk1 stale
    expect(heldOrdinals(kv, 0)).toEqual([2]);
    expect(pool.free).toBe(7);
  });

  it('never allocates blocks that are already stale (resize after a long history)', () => {
    const { m, kv } = setup();
    // A chunk (capacity 20, history 16): stale end = floor((16+1-3)/4) = 3, so blocks 3,4 only.
    expect(m.need(kv, 20, 16)[0]).toBe(2);
    m.resize(kv, 20, 16);
    expect(heldOrdinals(kv, 0)).toEqual([3, 4]);
  });

  it('check-then-commit: a failing resize allocates nothing and names the pool', () => {
    const pool = new BlockPool(0, 1);
    const m = new Managers([win(0, 3)], [0], [pool], 4);
    const kv = new KvCache(0, 1, 1);
    expect(m.resize(kv, 5, 0)).toEqual({ poolGroup: 0, needed: 2, free: 1, exhausted: [0] });
    expect(pool.free).toBe(1);
    expect(kv.held[0]).toBe(0);
  });
});

describe('Managers: sinks, full attention, ssm, shared pool groups', () => {
  it('sink blocks stay while the window slides', () => {
    const pool = new BlockPool(0, 16);
    const m = new Managers([win(0, 4, 1)], [0], [pool], 4);
    const kv = new KvCache(0, 1, 1);
    m.resize(kv, 16, 0);
    m.commit(kv, 16, false); // window [13,16]: blocks 1,2 stale, blk0 is a sink, blk3 live
    expect(heldOrdinals(kv, 0)).toEqual([0, 3]);
    m.resize(kv, 17, 16);
    m.commit(kv, 17, false);
    expect(heldOrdinals(kv, 0)).toEqual([0, 3, 4]);
  });

  it('full attention keeps every block; ssm takes exactly one slot for the whole life', () => {
    const a = new BlockPool(0, 16);
    const b = new BlockPool(1, 4);
    const m = new Managers([win(0, null), ssm(1)], [0, 1], [a, b], 4);
    const kv = new KvCache(0, 2, 2);
    m.resize(kv, 9, 0);
    m.commit(kv, 9, false);
    m.resize(kv, 13, 9);
    m.commit(kv, 13, false);
    expect(heldOrdinals(kv, 0)).toEqual([0, 1, 2, 3]);
    expect(kv.held[1]).toBe(1);
    expect(b.free).toBe(3);
    expect(m.releaseAll(kv, false)).toBe(5);
    expect([a.free, b.free]).toEqual([16, 4]);
  });

  it('a pool group with two life cycles allocates for each of them', () => {
    const pool = new BlockPool(0, 10);
    const m = new Managers([win(0, 2), win(1, 8)], [0, 0], [pool], 4);
    const kv = new KvCache(0, 2, 1);
    expect(m.need(kv, 8, 0)[0]).toBe(4);
    m.resize(kv, 8, 0);
    expect(kv.heldPerPool[0]).toBe(4);
    m.commit(kv, 8, false); // w=2: window [7,8] -> blk1 only; w=8: window [1,8] -> blk0, blk1
    expect([heldOrdinals(kv, 0), heldOrdinals(kv, 1)]).toEqual([[1], [0, 1]]);
    expect(pool.free).toBe(7);
  });
});
