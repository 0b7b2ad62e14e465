/**
 * An error a user can cause (bad flag, bad JSON, impossible budget). It always names the field,
 * the value that was given and what would be valid, so every shell (CLI, UI) can print it as one
 * line without a stack trace.
 */
export class InputError extends Error {
  readonly field: string;
  readonly value: unknown;
  readonly expected: string;

  constructor(field: string, value: unknown, expected: string) {
    // One line, always: V8's JSON errors quote the source text, newlines and all.
    super(oneLine(`${field}: got ${describeValue(value)}; expected ${expected}`));
    this.name = 'InputError';
    this.field = field;
    this.value = value;
    this.expected = expected;
  }
}

/**
 * An input the engine itself refuses (its own assertion or ValueError, e.g. a non-positive quota in
 * a scenario file): exit status 1 in the CLI, reported in the engine's words. The same value typed
 * as a flag is an InputError (exit 2), because the flag parser refuses it first.
 */
export class EngineRefusal extends Error {
  constructor(message: string) {
    super(oneLine(message));
    this.name = 'EngineRefusal';
  }
}

/** Collapse line breaks (and the blanks around them) to one space. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ');
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  try {
    const s = JSON.stringify(value);
    if (s === undefined) return String(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}

/** Validators shared by every parser: they return the value or throw an InputError. */
export function requireInt(field: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new InputError(field, value, range);
  }
  return value;
}

export function requireNumber(field: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const lo = Number.isFinite(min) ? `>= ${min}` : '';
    const hi = Number.isFinite(max) ? `<= ${max}` : '';
    throw new InputError(field, value, `a finite number ${[lo, hi].filter(Boolean).join(' and ')}`.trim());
  }
  return value;
}
