/**
 * Arrays the hot loops read, built so that V8 gives every one of them the same array map.
 *
 * Not by `map`: once V8 optimizes the function that calls `map`, the result gets another array map
 * than the builtin gives it. In a sweep's worker the two alternated hundreds of times, and the
 * first switch deoptimized (and so recompiled) some 20 functions that read such an array: about a
 * third of a new worker's compile work in its first 20 x 20 sweep, on the cores the workers use.
 */

/** n zeros (packed small integers). */
export function zeros(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(0);
  return out;
}
