/** The schedulers' waiting queue against a plain array as the model (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deque } from '../../src/sim/deque.ts';

type Op = { op: 'push' | 'pushFront'; v: number } | { op: 'shift' } | { op: 'pushAll'; vs: number[] };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('push' as const), v: fc.integer() }),
  fc.record({ op: fc.constant('pushFront' as const), v: fc.integer() }),
  fc.record({ op: fc.constant('shift' as const) }),
  fc.record({ op: fc.constant('pushAll' as const), vs: fc.array(fc.integer(), { maxLength: 40 }) }),
);

describe('Deque', () => {
  it('behaves as an array with push / unshift / shift, through every growth', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(arbOp, { maxLength: 300 }), (capacity, ops) => {
        const d = new Deque<number>(capacity);
        const model: number[] = [];
        for (const o of ops) {
          if (o.op === 'push') {
            d.push(o.v);
            model.push(o.v);
          } else if (o.op === 'pushFront') {
            d.pushFront(o.v);
            model.unshift(o.v);
          } else if (o.op === 'pushAll') {
            d.pushAll(o.vs);
            model.push(...o.vs);
          } else expect(d.shift()).toBe(model.shift());
          expect(d.length).toBe(model.length);
          expect(d.peek()).toBe(model[0]);
        }
        expect(d.toArray()).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  it('an empty queue shifts and peeks undefined and stays empty', () => {
    const d = new Deque<string>();
    expect([d.shift(), d.peek(), d.length]).toEqual([undefined, undefined, 0]);
    d.pushFront('a');
    expect([d.shift(), d.shift(), d.length]).toEqual(['a', undefined, 0]);
  });
});
