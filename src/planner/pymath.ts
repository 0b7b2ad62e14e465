/**
 * Python's integer and rounding semantics, which the engine's sizing code relies on.
 * All operands stay far below 2^53 in practice; divUp/floorDiv check that they are integers so a
 * float never silently rounds to the next block.
 */

/** Python `a // b`: floor division, toward -infinity also for negative numerators. */
export function floorDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  // Guard the last ulp: a/b can round up to an integer that overshoots the true quotient.
  return q * b > a ? q - 1 : (q + 1) * b <= a ? q + 1 : q;
}

/** `div_up(a, b)` = ceil(a / b) for a >= 0, b > 0. */
export function divUp(a: number, b: number): number {
  return -floorDiv(-a, b);
}

/** Round `a` up to a multiple of `b`. */
export function roundUp(a: number, b: number): number {
  return divUp(a, b) * b;
}

/** Python 3 `round(x)`: nearest integer, exact halves to the even neighbour. */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Python `int(x)`: truncation toward zero. */
export function pyInt(x: number): number {
  return Math.trunc(x);
}
