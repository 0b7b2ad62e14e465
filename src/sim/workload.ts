/**
 * Workloads: a seeded generator and trace import. The PRNG is mulberry32 (32-bit state, period
 * 2^32, Tommy Ettinger's constants): tiny, fast and identical in every JS engine, so the same seed
 * gives the same requests byte for byte. Normals come from Box-Muller on two draws.
 */
import { describeLimit, LIMITS } from '../limits.ts';
import { InputError, requireInt, requireNumber } from '../model/errors.ts';
import { parseJsonChecked } from '../model/parse.ts';
import { mulberry32 } from '../model/prng.ts';
import type { LengthDist, RequestSpec, Workload, WorkloadSpec } from './types.ts';

export { mulberry32 };

function sampleLength(d: LengthDist, rnd: () => number): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.min + Math.floor(rnd() * (d.max - d.min + 1));
    case 'lognormal': {
      const u1 = 1 - rnd(); // (0, 1]: log stays finite
      const u2 = rnd();
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      const v = Math.round(d.median * Math.exp(d.sigma * z));
      return Math.min(d.max, Math.max(d.min, v));
    }
  }
}

const TOKENS = LIMITS.tokens.max;

export function validateDist(field: string, d: LengthDist, min: number): void {
  if (d.kind === 'fixed') requireInt(field, d.value, min, TOKENS);
  else if (d.kind === 'uniform') {
    requireInt(`${field}.min`, d.min, min, TOKENS);
    requireInt(`${field}.max`, d.max, d.min, TOKENS);
  } else {
    requireNumber(`${field}.median`, d.median, min, TOKENS);
    requireNumber(`${field}.sigma`, d.sigma, 0, 10);
    requireInt(`${field}.min`, d.min, min, TOKENS);
    requireInt(`${field}.max`, d.max, d.min, TOKENS);
  }
}

/** The longest a request of this distribution can be (tokens). */
export function distMax(d: LengthDist): number {
  return d.kind === 'fixed' ? d.value : d.max;
}

/** Requests of a generated workload: lengths first, then arrivals, all from one seeded stream. */
export function generateWorkload(spec: WorkloadSpec): RequestSpec[] {
  requireInt('workload.requests', spec.requests, 0, LIMITS.requests.max);
  validateDist('workload.prompt', spec.prompt, 1);
  validateDist('workload.output', spec.output, 1);
  if (spec.arrivalRate !== null) requireNumber('workload.arrivalRate', spec.arrivalRate, 1e-9);
  const rnd = mulberry32(spec.seed);
  const out: RequestSpec[] = [];
  let t = 0;
  for (let i = 0; i < spec.requests; i++) {
    const prompt = sampleLength(spec.prompt, rnd);
    const output = sampleLength(spec.output, rnd);
    let arrival = 0;
    if (spec.arrivalRate !== null) {
      // Poisson process: exponential gaps with mean 1/rate passes.
      t += -Math.log(1 - rnd()) / spec.arrivalRate;
      arrival = Math.floor(t);
    }
    out.push({ arrival, prompt, output });
  }
  return out;
}

export function resolveWorkload(w: Workload | readonly RequestSpec[], seed?: number): RequestSpec[] {
  if (Array.isArray(w)) return validateRequests(w as readonly RequestSpec[], 'workload');
  const wl = w as Workload;
  if (wl.kind === 'list') return validateRequests(wl.requests, 'workload');
  return generateWorkload(seed === undefined ? wl.spec : { ...wl.spec, seed });
}

function validateRequests(list: readonly RequestSpec[], field: string): RequestSpec[] {
  if (list.length > LIMITS.requests.max) throw new InputError(field, `${list.length} requests`, describeLimit('requests'));
  // Checked in place: field names are spelled only for a value that fails, and the specs are kept
  // (a run reads them once into its own request state, and its trace copies them), so a 40k-request
  // list costs neither 120k strings nor 40k objects; the array is the run's own.
  const ok = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (!ok(r.arrival, 0, LIMITS.steps.max)) requireInt(`${field}[${i}].arrival`, r.arrival, 0, LIMITS.steps.max);
    if (!ok(r.prompt, 1, TOKENS)) requireInt(`${field}[${i}].prompt`, r.prompt, 1, TOKENS);
    if (!ok(r.output, 1, TOKENS)) requireInt(`${field}[${i}].output`, r.output, 1, TOKENS);
  }
  return list.slice();
}

const COLUMNS = ['arrival', 'prompt', 'output'] as const;
/** Arrivals are passes: one past the step limit could never be reached. */
const CELL_MAX = { arrival: LIMITS.steps.max, prompt: TOKENS, output: TOKENS } as const;

function cell(field: string, row: number, col: (typeof COLUMNS)[number], raw: unknown, min: number): number {
  const v = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  return requireInt(`${field} row ${row} column ${col}`, v, min, CELL_MAX[col]);
}

function rowOf(field: string, r: unknown, row: number): RequestSpec {
  if (Array.isArray(r)) {
    if (r.length !== 3) throw new InputError(`${field} row ${row}`, r, '[arrival, prompt, output]');
    return { arrival: cell(field, row, 'arrival', r[0], 0), prompt: cell(field, row, 'prompt', r[1], 1), output: cell(field, row, 'output', r[2], 1) };
  }
  if (typeof r !== 'object' || r === null) throw new InputError(`${field} row ${row}`, r, 'an object {arrival, prompt, output}');
  const o = r as Record<string, unknown>;
  const own = (k: string) => (Object.hasOwn(o, k) ? o[k] : undefined);
  return { arrival: cell(field, row, 'arrival', own('arrival'), 0), prompt: cell(field, row, 'prompt', own('prompt'), 1), output: cell(field, row, 'output', own('output'), 1) };
}

function checkCount(field: string, n: number): void {
  if (n > LIMITS.requests.max) throw new InputError(field, `${n} requests`, describeLimit('requests'));
}

/**
 * Parse a request trace: JSON (an array of {arrival, prompt, output} or [arrival, prompt, output])
 * or CSV with a header naming arrival, prompt and output once each (any order, extra columns
 * ignored). Errors name `field` (the CLI passes "--trace FILE"), the row (1-based data row) and
 * the column.
 */
export function parseTrace(text: string, field = 'trace'): RequestSpec[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const raw = parseJsonChecked(trimmed, field);
    const rows = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'requests') ? (raw as { requests?: unknown }).requests : undefined;
    if (!Array.isArray(rows)) throw new InputError(field, raw, 'a JSON array of {arrival, prompt, output} or {"requests": [...]}');
    checkCount(field, rows.length);
    return rows.map((r, i) => rowOf(field, r, i + 1));
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (lines.length === 0) throw new InputError(field, text, 'a CSV header "arrival,prompt,output" and rows');
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const repeated = header.find((h, i) => h !== '' && header.indexOf(h) !== i);
  if (repeated !== undefined) throw new InputError(`${field} header`, lines[0], `each column once (${repeated} appears twice)`);
  const idx = COLUMNS.map((c) => header.indexOf(c));
  const missing = COLUMNS.filter((_, i) => idx[i] < 0);
  if (missing.length > 0) throw new InputError(`${field} header`, lines[0], `columns ${COLUMNS.join(', ')} (missing ${missing.join(', ')})`);
  checkCount(field, lines.length - 1);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    const row = i + 1;
    return { arrival: cell(field, row, 'arrival', cells[idx[0]], 0), prompt: cell(field, row, 'prompt', cells[idx[1]], 1), output: cell(field, row, 'output', cells[idx[2]], 1) };
  });
}
