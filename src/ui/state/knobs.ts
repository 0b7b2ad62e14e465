/**
 * The engines' own knobs as URL parameters, generated from the registry's declarations
 * (EngineSizer.knobs: name, flag, URL key, type, default, range, help): a new knob of a new engine
 * is a new URL key and a new control without an edit here. Knobs whose URL key the declared table
 * already has (`ratio`, `util`: also read by the simulator and the named scenarios) stay rows of
 * that table.
 */
import { allKnobs, decimalOrNull, getEngine, integerOrNull, type KnobSpec, type KnobValue, PARAMS, type UiState } from './params.ts';

export interface KnobParam {
  readonly url: string;
  readonly name: string;
  readonly label: string;
  readonly spec: KnobSpec;
  /** Engine ids that read this knob. */
  readonly engines: readonly string[];
  readonly parse: (raw: string) => KnobValue | { error: string };
  readonly serialize: (v: KnobValue) => string;
}

function rangeText(k: KnobSpec): string {
  const lo = k.min === undefined ? '' : `${k.min} ${k.minExclusive ? '<' : '<='} `;
  const hi = k.max === undefined ? '' : ` <= ${k.max}`;
  return lo || hi ? `${lo}x${hi}` : 'any';
}

function inRange(k: KnobSpec, n: number): boolean {
  return (k.min === undefined || (k.minExclusive ? n > k.min : n >= k.min)) && (k.max === undefined || n <= k.max);
}

function parseKnob(k: KnobSpec, raw: string): KnobValue | { error: string } {
  const unset = k.default === null ? ' (empty = unset)' : '';
  if (raw === '' && k.default === null) return null;
  switch (k.type) {
    case 'bool':
      return raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : { error: '1 or 0' };
    case 'enum':
      return k.values?.includes(raw) ? raw : { error: `one of ${(k.values ?? []).join(', ')}` };
    case 'int': {
      const n = raw === raw.trim() ? integerOrNull(raw) : null;
      return n !== null && inRange(k, n) ? n : { error: `an integer, ${rangeText(k)}${unset}` };
    }
    case 'number': {
      const n = raw === raw.trim() ? decimalOrNull(raw) : null;
      return n !== null && inRange(k, n) ? n : { error: `a number, ${rangeText(k)}${unset}` };
    }
    case 'numbers': {
      const parts = raw.split(',').map((p) => decimalOrNull(p));
      return parts.length <= 16 && parts.every((n) => n !== null && inRange(k, n)) ? (parts as number[]) : { error: `comma-separated numbers, each ${rangeText(k)}${unset}` };
    }
  }
}

function serializeKnob(v: KnobValue): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return Array.isArray(v) ? v.join(',') : String(v);
}

const DECLARED = new Set(PARAMS.map((p) => p.url));

export const KNOB_PARAMS: readonly KnobParam[] = allKnobs()
  .filter(({ spec }) => !DECLARED.has(spec.urlKey))
  .map(({ spec, engines }) => ({
    url: spec.urlKey,
    name: spec.name,
    label: `--${spec.flag}${spec.default === null ? '' : ` (default ${serializeKnob(spec.default)})`}`,
    spec,
    engines,
    parse: (raw) => parseKnob(spec, raw),
    serialize: serializeKnob,
  }));

export function knobByUrl(url: string): KnobParam | undefined {
  return KNOB_PARAMS.find((k) => k.url === url);
}

/** The knobs the engine reads that are page controls (in declaration order). */
export function knobsOf(engine: string): readonly KnobParam[] {
  return KNOB_PARAMS.filter((k) => k.engines.includes(engine));
}

const sameKnob = (a: KnobValue, b: KnobValue) => JSON.stringify(a) === JSON.stringify(b);

/** The state's knobs with one set: a knob at its default is not stored (one state per link). */
export function withKnob(knobs: UiState['knobs'], k: KnobParam, v: KnobValue): UiState['knobs'] {
  const { [k.name]: _old, ...rest } = knobs;
  return sameKnob(v, k.spec.default) ? rest : { ...rest, [k.name]: v };
}

/** The knob's value in the state (its default when unset). */
export function knobValue(s: UiState, k: KnobParam): KnobValue {
  return k.name in s.knobs ? s.knobs[k.name] : k.spec.default;
}

/** Only the knobs `engine` reads (another engine's values mean nothing to it). */
export function knobsFor(engine: string, knobs: UiState['knobs']): UiState['knobs'] {
  const names = new Set(getEngine(engine).knobs.map((k) => k.name));
  return Object.fromEntries(Object.entries(knobs).filter(([n]) => names.has(n)));
}
