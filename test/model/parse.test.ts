import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/limits.ts';
import { InputError } from '../../src/model/errors.ts';
import { jsonDepth, ownLookup, parseDecimal, parseInteger, parseJsonChecked, splitList } from '../../src/model/parse.ts';

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('strict number parsing shared by the CLI and the page', () => {
  it('accepts decimal spellings only', () => {
    expect(parseDecimal('--x', '12')).toBe(12);
    expect(parseDecimal('--x', '0.5')).toBe(0.5);
    expect(parseDecimal('--x', '1e-3')).toBe(0.001);
    for (const bad of ['0x10', '0b1', '0o7', 'Infinity', '', ' ', '1_0', 'NaN', '1,5']) expect(message(() => parseDecimal('--x', bad))).toMatch(/^--x: got/);
  });
  it('integers: digits only, within the named limit', () => {
    expect(parseInteger('--n', '42', 1, 'tokens')).toBe(42);
    for (const bad of ['1e3', '12.0', '0x10', '-1', '9007199254740993']) expect(() => parseInteger('--n', bad, 0, 'tokens')).toThrow(InputError);
    expect(message(() => parseInteger('--max-seq-len', String(LIMITS.tokens.max + 1), 1, 'tokens'))).toContain('at most 16,777,216');
  });
  it('lists keep every part or refuse', () => {
    expect(splitList('--r', '1,2', 1, 2, 'H or H,C')).toEqual(['1', '2']);
    expect(() => splitList('--r', '1,2,3', 1, 2, 'H or H,C')).toThrow(InputError);
  });
});

describe('JSON is depth-checked and its errors stay on one line', () => {
  it('refuses 10,000 levels without overflowing the stack', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    expect(jsonDepth(deep)).toBe(10_000);
    expect(message(() => parseJsonChecked(deep, '--config'))).toMatch(/^--config: .*nest/);
  });
  it('brackets inside strings do not count', () => {
    expect(jsonDepth('{"a": "[[[[\\"[["}')).toBe(1);
  });
  it('a syntax error is one line', () => {
    const m = message(() => parseJsonText());
    expect(m).not.toMatch(/\n/);
    function parseJsonText() {
      return parseJsonChecked('{\n  "a": 1,\n  oops\n}', '--scenario f.json');
    }
  });
});

describe('own-property lookups', () => {
  it('never reach Object.prototype', () => {
    const t = { a: 1 };
    for (const k of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(ownLookup(t, k)).toBeUndefined();
    expect(ownLookup(t, 'a')).toBe(1);
  });
});
