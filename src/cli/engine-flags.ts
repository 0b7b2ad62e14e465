/**
 * `--engine` and the engines' own knobs as flags, read from the engine registry (no switch on
 * engine ids here): the flag table, the help lines, which engines a command plans with, and the
 * knob values a sizer reads. Shared by `kvpool plan` and `kvpool simulate`.
 */
import { InputError } from '../model/errors.ts';
import { allKnobs, DEFAULT_ENGINE, ENGINES, engineIds, getEngine, SCENARIO_FILE_ENGINE } from '../planner/engines/registry.ts';
import type { KnobSpec, KnobValues } from '../planner/engines/types.ts';
import { type FlagSpec, flagBool, flagString, type ParsedArgs } from './args.ts';

/** The family alias `trtllm-v2` means the default version of the context. */
const FAMILY_ALIAS = 'trtllm-v2';

function rangeText(k: KnobSpec): string {
  if (k.type === 'bool') return '';
  if (k.min === undefined && k.max === undefined) return '';
  const lo = k.min === undefined ? '' : `${k.min}${k.minExclusive ? ' <' : ' <='}`;
  return ` [${lo} x${k.max === undefined ? '' : ` <= ${k.max}`}]`;
}

/** One flag per registry knob, with its default, range and the engines that read it. */
export function engineKnobFlags(): FlagSpec[] {
  return allKnobs().map(({ spec, engines }) => ({
    name: spec.flag,
    type: spec.type === 'bool' ? 'bool' : 'string',
    value: spec.type === 'numbers' ? 'R,R,..' : spec.type === 'int' ? 'N' : spec.type === 'number' ? 'X' : undefined,
    help: `${spec.help}${rangeText(spec)}; default ${spec.default === null ? 'unset' : String(spec.default)}; read by ${engines.join(', ')}`,
  }));
}

export function engineFlag(): FlagSpec {
  const lines = ENGINES.map((e) => `${e.id}${e.modes ? ` (ships --constraints ${e.modes.shipped.join(', ')}; default ${e.modes.default})` : ''}`);
  return {
    name: 'engine',
    type: 'string',
    value: 'ID[,ID]',
    help: `sizer: ${lines.join("; ")}. Default ${DEFAULT_ENGINE} for presets and flags, a scenario file's "engine" field (absent = ${SCENARIO_FILE_ENGINE}). Two ids side by side: ${engineIds().join(',')}`,
  };
}

/**
 * The registry engines to plan with: `--engine A` or `A,B`, else `fallback` (a scenario file's
 * own version, or the default for presets). Ids are checked against the registry.
 */
export function resolveEngines(args: ParsedArgs, fallback: string): string[] {
  const raw = flagString(args, 'engine');
  if (raw === undefined) return [fallback];
  const ids = raw.split(',').map((s) => s.trim());
  if (ids.length > 2) throw new InputError('--engine', raw, 'one engine id or two, comma-separated (side by side)');
  const out = ids.map((id) => (id === FAMILY_ALIAS ? fallback : id));
  for (const id of out) getEngine(id, '--engine');
  if (out.length === 2 && out[0] === out[1]) throw new InputError('--engine', raw, 'two different engine ids');
  return out;
}

/** Knob values the selected engines read, from the flags typed; a knob no selected engine reads is an error. */
export function engineKnobValues(args: ParsedArgs, engines: readonly string[], commandReads: readonly string[] = []): KnobValues {
  const out: Record<string, KnobValues[string]> = {};
  for (const { spec, engines: readers } of allKnobs()) {
    if (!args.flags.has(spec.flag)) continue;
    if (!readers.some((r) => engines.includes(r))) {
      if (commandReads.includes(spec.flag)) continue; // the command itself reads it (simulate's resume gate)
      throw new InputError(`--${spec.flag}`, flagString(args, spec.flag) ?? true, `only with --engine ${readers.join(' or ')}`);
    }
    if (spec.type === 'bool') out[spec.name] = flagBool(args, spec.flag);
    else if (spec.type === 'number' || spec.type === 'int') out[spec.name] = parseKnobNumber(spec, flagString(args, spec.flag) ?? '');
  }
  return out;
}

function parseKnobNumber(spec: KnobSpec, raw: string): number {
  const n = Number(raw);
  const ok = raw.trim() !== '' && Number.isFinite(n) && (spec.type !== 'int' || /^\s*\d+\s*$/.test(raw)) && (spec.min === undefined || (spec.minExclusive ? n > spec.min : n >= spec.min)) && (spec.max === undefined || n <= spec.max);
  if (!ok) throw new InputError(`--${spec.flag}`, raw, `${spec.type === 'int' ? 'an integer' : 'a number'}${rangeText(spec)}`);
  return n;
}
