/**
 * A small, strict flag parser shared by every `kvpool` subcommand: each subcommand declares its
 * flags in a table; anything not in the table is an error naming the flag and the valid ones.
 */
import { describeLimit, LIMITS, type LimitName } from '../limits.ts';
import { InputError } from '../model/errors.ts';
import { parseDecimal, parseInteger } from '../model/parse.ts';

export interface FlagSpec {
  /** Long name without dashes, e.g. 'tokens-per-block'. */
  readonly name: string;
  /** 'bool' flags take no value. */
  readonly type: 'string' | 'bool';
  readonly help: string;
  /** Placeholder shown in help, e.g. 'N' or 'FILE'. */
  readonly value?: string;
}

export interface ParsedArgs {
  readonly flags: Map<string, string | true>;
  readonly positional: string[];
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) {
      throw new InputError('flag', arg, `one of ${specs.map((s) => `--${s.name}`).join(', ')}`);
    }
    // Given twice, one value would win silently: refuse instead.
    if (flags.has(name)) throw new InputError(`--${name}`, arg, 'the flag once');
    if (spec.type === 'bool') {
      if (eq >= 0) throw new InputError(`--${name}`, arg.slice(eq + 1), 'no value (it is a switch)');
      flags.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || (value.startsWith('--') && eq < 0)) {
      throw new InputError(`--${name}`, value, `a value (${spec.value ?? 'VALUE'})`);
    }
    flags.set(name, value);
  }
  return { flags, positional };
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function flagBool(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}

/**
 * The limit (src/limits.ts) of every integer flag, so a flag past its limit is refused at the flag,
 * naming it and the limit, before any work is done. Flags not listed are bounded by 2^53.
 */
const FLAG_LIMITS: ReadonlyMap<string, LimitName> = new Map<string, LimitName>([
  ['tokens-per-block', 'tokensPerBlock'],
  ['max-seq-len', 'tokens'],
  ['max-num-tokens', 'tokens'],
  ['avg-seq-len', 'tokens'],
  ['swa-scratch-reuse', 'tokens'],
  ['draft-tokens', 'draftTokens'],
  ['extra-kv-tokens', 'draftTokens'],
  ['max-batch-size', 'batchSize'],
  ['max-cuda-graph-batch-size', 'batchSize'],
  ['requests', 'requests'],
  ['max-steps', 'steps'],
  ['stall-limit', 'steps'],
  ['seed', 'seed'],
  ['chunk-tokens', 'tokens'],
]);

export function flagLimit(name: string): LimitName {
  return FLAG_LIMITS.get(name) ?? 'integer';
}

/** Parse an integer flag strictly: "12" ok; "12.5", "1e3", "0x10", "-1" (if min 0), "abc" and values past the flag's limit are errors. */
export function flagInt(args: ParsedArgs, name: string, min = 0): number | undefined {
  const raw = flagString(args, name);
  if (raw === undefined) return undefined;
  return parseInteger(`--${name}`, raw, min, flagLimit(name));
}

/** A decimal number flag ("0.5", "2", "1e-3"; never "0x10" or "Infinity") in [min, max]. */
export function flagNumber(args: ParsedArgs, name: string, min = -Infinity, max = Infinity): number | undefined {
  const raw = flagString(args, name);
  if (raw === undefined) return undefined;
  return parseDecimal(`--${name}`, raw, min, max);
}

/** Parse a byte size: 40GiB, 512MiB, 1.5GB, 1073741824. Binary and decimal units are both accepted. */
export function parseBytes(field: string, raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB|K|M|G|T)?\s*$/i.exec(raw);
  if (!m) throw new InputError(field, raw, 'a byte size such as 40GiB, 512MiB or 1073741824');
  const units: Record<string, number> = {
    b: 1,
    k: 1024,
    kib: 1024,
    mib: 1024 ** 2,
    m: 1024 ** 2,
    gib: 1024 ** 3,
    g: 1024 ** 3,
    tib: 1024 ** 4,
    t: 1024 ** 4,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
  };
  const unit = (m[2] ?? 'b').toLowerCase();
  // A fraction of a unit is rounded to the nearest byte (0.1GiB); a fraction of a byte is refused, not rounded.
  if (unit === 'b' && !Number.isInteger(Number(m[1]))) throw new InputError(field, raw, 'a whole number of bytes, or a size with a unit such as 1.5KiB');
  const bytes = Number(m[1]) * units[unit];
  if (!(Math.round(bytes) <= LIMITS.bytes.max)) throw new InputError(field, raw, `a byte size ${describeLimit('bytes')}`);
  return Math.round(bytes);
}

export function helpText(command: string, summary: string, specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => {
    const left = `  --${s.name}${s.type === 'string' ? ` ${s.value ?? 'VALUE'}` : ''}`;
    return `${left.padEnd(34)} ${s.help}`;
  });
  return `usage: kvpool ${command}\n\n${summary}\n\nflags:\n${rows.join('\n')}\n`;
}

/**
 * What every subcommand does first: parse its flags, answer --help (null: the help was printed,
 * exit 0), refuse positional arguments, and refuse --json together with --csv.
 */
export function commandArgs(name: string, argv: readonly string[], specs: readonly FlagSpec[], help: { usage: string; summary: string }, io: { out(text: string): void }): ParsedArgs | null {
  const args = parseArgs(argv, specs);
  if (flagBool(args, 'help')) {
    io.out(helpText(help.usage, help.summary, specs));
    return null;
  }
  if (args.positional.length > 0) throw new InputError('argument', args.positional[0], `flags only (see kvpool ${name} --help)`);
  if (flagBool(args, 'json') && flagBool(args, 'csv')) throw new InputError('--csv', true, 'either --json or --csv, not both');
  return args;
}

/**
 * Run `fn`, renaming the field of an InputError from a core name (e.g. "maxSteps",
 * "workload.prompt.max", "poolRatio[2]") to what the user typed (a flag, "--trace FILE"): the
 * longest prefix of the field found in `names` is replaced, the rest ("[2]", ".max") is kept.
 */
export function withUserNames<T>(names: ReadonlyMap<string, string>, fn: () => T): T {
  const rename = (e: unknown): never => {
    if (e instanceof InputError) {
      for (let end = e.field.length; end > 0; end--) {
        const next = e.field[end];
        if (end < e.field.length && next !== '[' && next !== '.') continue;
        const user = names.get(e.field.slice(0, end));
        if (user !== undefined) throw new InputError(user + (next === '[' ? e.field.slice(end) : ''), e.value, e.expected);
      }
    }
    throw e;
  };
  try {
    const result = fn();
    // An async fn: rename what its promise rejects with, too.
    return (result instanceof Promise ? result.catch(rename) : result) as T;
  } catch (e) {
    return rename(e);
  }
}
