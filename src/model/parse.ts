/**
 * Strict parsers for text a user typed (CLI flags, URL parameters, CSV cells) and for JSON files.
 * One place, so the CLI and the page accept exactly the same spellings:
 *
 *   numbers   decimal only: "12", "-3", "0.5", "1e-3", ".5"; never "0x10", "0b1", "Infinity", " ", "1_0"
 *   integers  digits only: "12", "-1"; never "1e3", "12.0", "0x10"
 *   lists     "a,b,c" with exactly the count asked for (no silently dropped extras)
 *   JSON      nesting checked before parsing (no stack overflow), errors on one line
 *
 * Pure: no I/O.
 */
import { describeLimit, LIMITS, type LimitName } from '../limits.ts';
import { InputError } from './errors.ts';

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** What `expected` says for an integer range, with the limit's why when the top is a limit. */
function intRange(min: number, max: number, limitName?: LimitName): string {
  if (limitName) return `an integer >= ${min} and ${describeLimit(limitName)}`;
  return max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
}

/** The number a decimal spelling means, or null for anything else (hex, "Infinity", blanks, ...). */
export function decimalOrNull(raw: string): number | null {
  const t = raw.trim();
  const n = DECIMAL.test(t) ? Number(t) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/** The integer a digits-only spelling means (safe integers only), or null. */
export function integerOrNull(raw: string): number | null {
  const t = raw.trim();
  const n = INTEGER.test(t) ? Number(t) : Number.NaN;
  return Number.isSafeInteger(n) ? n : null;
}

/** A decimal number in [min, max]; anything else is an InputError naming `field`. */
export function parseDecimal(field: string, raw: string, min = -Infinity, max = Infinity): number {
  const t = raw.trim();
  const n = DECIMAL.test(t) ? Number(t) : Number.NaN;
  if (!Number.isFinite(n) || n < min || n > max) {
    const lo = Number.isFinite(min) ? `>= ${min}` : '';
    const hi = Number.isFinite(max) ? `<= ${max}` : '';
    throw new InputError(field, raw, `a decimal number ${[lo, hi].filter(Boolean).join(' and ')}`.trim());
  }
  return n;
}

/** A decimal integer in [min, limit]; `limit` is a limit name or a number. */
export function parseInteger(field: string, raw: string, min = 0, limit: LimitName | number = 'integer'): number {
  const max = typeof limit === 'number' ? limit : LIMITS[limit].max;
  const t = raw.trim();
  const n = INTEGER.test(t) ? Number(t) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(field, raw, intRange(min, max, typeof limit === 'string' && limit !== 'integer' ? limit : undefined));
  }
  return n;
}

/** An integer value (already parsed JSON) in [min, limit]. */
export function requireIntIn(field: string, value: unknown, min: number, limit: LimitName): number {
  const max = LIMITS[limit].max;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InputError(field, value, intRange(min, max, limit === 'integer' ? undefined : limit));
  }
  return value;
}

/** Comma-separated parts, at least `minCount` and at most `maxCount` (none silently dropped). */
export function splitList(field: string, raw: string, minCount: number, maxCount: number, what: string): string[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length < minCount || parts.length > maxCount) throw new InputError(field, raw, what);
  return parts;
}

/**
 * Deepest nesting of arrays and objects in JSON text, found without recursion (strings skipped).
 * Stops counting once past `stopAt`.
 */
export function jsonDepth(text: string, stopAt = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAt) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * The limits of JSON text, checked without parsing it (one pass over the characters): its size and
 * its nesting depth. For a caller whose parser is elsewhere; parseJsonChecked does this first.
 */
export function checkJsonLimits(text: string, field: string): void {
  if (text.length > LIMITS.fileBytes.max) throw new InputError(field, `${text.length} characters`, describeLimit('fileBytes'));
  const depth = jsonDepth(text, LIMITS.jsonDepth.max);
  if (depth > LIMITS.jsonDepth.max) throw new InputError(field, `JSON nested more than ${LIMITS.jsonDepth.max} levels deep`, `nesting ${describeLimit('jsonDepth')}`);
}

/**
 * JSON.parse with the limits checked first: text size and nesting depth. A syntax error is an
 * InputError naming `field`, on one line (V8 quotes the source text, newlines and all).
 */
export function parseJsonChecked(text: string, field: string): unknown {
  checkJsonLimits(text, field);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(field, text.trim().slice(0, 40), `valid JSON (${(e as Error).message})`);
  }
}

/** Own enumerable key lookup: a name from input never reaches Object.prototype ("constructor"). */
export function ownLookup<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}
