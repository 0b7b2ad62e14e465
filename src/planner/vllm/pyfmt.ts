/**
 * Python's text formatting where vLLM's messages depend on it, so our copies of its log lines and
 * errors match character for character: `%.2f`, `repr(round(x, 2))` (vLLM's `format_gib`) and
 * `f"{n:,}"`. Python formats the exact binary value and breaks exact ties to even; JavaScript's
 * toFixed breaks them upward. A double is an exact tie at two decimals only when 8x is an odd
 * integer (x = k/8: .125, .375, .625, .875), so only those need the correction.
 */

/** Python `'%.2f' % x` for finite x. */
export function pyFixed2(x: number): string {
  const eighths = x * 8; // exact: scaling by a power of two
  if (Number.isInteger(eighths) && Math.abs(eighths) % 2 === 1) {
    // x*100 = m + 0.5 exactly: pick the even m (toward zero for negatives mirrors Python).
    const hundredths = x * 100;
    const lo = Math.floor(hundredths);
    const even = lo % 2 === 0 ? lo : lo + 1;
    return (even / 100).toFixed(2);
  }
  return x.toFixed(2);
}

/** Python `repr(float)` for the magnitudes vLLM prints (no exponent below 1e16, above 1e-4). */
export function pyFloatRepr(x: number): string {
  const s = String(x);
  if (/e/.test(s)) return s.replace(/e([+-])(\d)$/, 'e$10$2');
  return Number.isInteger(x) ? `${s}.0` : s;
}

/** vLLM `format_gib(b)`: `round(b / GiB, 2)` printed as a Python float. */
export function formatGib(bytes: number): string {
  return pyFloatRepr(Number(pyFixed2(bytes / 1024 ** 3)));
}

/** Python `f"{n:,}"` for an integer. */
export function withThousands(n: number): string {
  const neg = n < 0;
  const digits = String(Math.abs(n));
  return (neg ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
