/**
 * `kvpool sweep --x KNOB=VALUES --y KNOB=VALUES`: the two axes, read as strictly as the knobs' own
 * flags (`--x max-batch-size=0x10` is refused as `--max-batch-size 0x10` is). Every error names the
 * flag the user typed (`--x` / `--y`) and the whole value, e.g.
 * `--x: got "quota=1:2:0"; expected quota=A,B,.. or quota=A:B:N with 1 to 64 values ...`.
 */
import { LIMITS } from '../limits.ts';
import { InputError } from '../model/errors.ts';
import { decimalOrNull, parseInteger } from '../model/parse.ts';
import type { Subject } from '../verdict/subject.ts';
import { applyKnob, axisValues, SWEEP_KNOBS, type SweepAxis } from '../verdict/sweep.ts';
import { flagLimit, flagString, type ParsedArgs, parseBytes } from './args.ts';

const FORM = `KNOB=A,B,.. or KNOB=A:B:N (1 to ${LIMITS.sweepValues.max} values) with KNOB one of ${SWEEP_KNOBS.join(', ')}`;

const isKnob = (k: string) => (SWEEP_KNOBS as readonly string[]).includes(k) || /^pool-ratio-\d+$/.test(k);

/** One value of `knob`, spelled as its flag takes it (field = the knob, so the caller can tell). */
function knobValue(knob: string): (s: string) => number {
  if (knob === 'quota') return (s) => parseBytes(knob, s);
  if (knob === 'max-util-for-resume' || knob.startsWith('pool-ratio-')) {
    const util = knob === 'max-util-for-resume';
    return (s) => {
      const v = decimalOrNull(s);
      if (v === null || !(v > 0 && (util ? v <= 1 : v < 1))) throw new InputError(knob, s, util ? 'a number in (0, 1]' : 'a share in (0, 1)');
      return v;
    };
  }
  return (s) => parseInteger(knob, s, 1, flagLimit(knob));
}

/** One axis: `KNOB=A,B,C` or `KNOB=A:B:N`, each value checked as the knob's flag checks it. */
export function axisFromArgs(args: ParsedArgs, flag: 'x' | 'y'): SweepAxis {
  const raw = flagString(args, flag);
  const eq = raw?.indexOf('=') ?? -1;
  const knob = raw === undefined || eq < 0 ? '' : raw.slice(0, eq).trim();
  if (raw === undefined || !isKnob(knob)) throw new InputError(`--${flag}`, raw, FORM);
  try {
    return { knob, values: axisValues(knob, raw.slice(eq + 1), knobValue(knob)) };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const each = e.field === knob ? `, each ${e.expected} (${JSON.stringify(e.value)} is not)` : ` with 1 to ${LIMITS.sweepValues.max} positive values`;
    throw new InputError(`--${flag}`, raw, `${knob}=A,B,.. or ${knob}=A:B:N${each}`);
  }
}

/**
 * Both axes, with what the knob itself refuses on this subject (a pool group it does not have, a
 * block size a named scenario fixes) named at the flag too, before any cell runs.
 */
export function sweepAxes(args: ParsedArgs, base: Subject): { x: SweepAxis; y: SweepAxis } {
  const axes = { x: axisFromArgs(args, 'x'), y: axisFromArgs(args, 'y') };
  for (const flag of ['x', 'y'] as const) {
    const a = axes[flag];
    try {
      for (const v of a.values) applyKnob(base, a.knob, v);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`--${flag}`, flagString(args, flag), e.expected);
      throw e;
    }
  }
  if (axes.x.knob === axes.y.knob) throw new InputError('--y', flagString(args, 'y'), `a knob other than --x's ${axes.x.knob}`);
  return axes;
}
