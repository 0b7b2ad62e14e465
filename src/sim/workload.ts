/**
 * Workloads: a seeded generator and trace import. The PRNG is mulberry32 (32-bit state, period
 * 2^32, Tommy Ettinger's constants): tiny, fast and identical in every JS engine, so the same seed
 * gives the same requests byte for byte. Normals come from Box-Muller on two draws.
 */
import { InputError, requireInt, requireNumber } from '../model/errors.ts';
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

export function validateDist(field: string, d: LengthDist, min: number): void {
  if (d.kind === 'fixed') requireInt(field, d.value, min);
  else if (d.kind === 'uniform') {
    requireInt(`${field}.min`, d.min, min);
    requireInt(`${field}.max`, d.max, d.min);
  } else {
    requireNumber(`${field}.median`, d.median, min);
    requireNumber(`${field}.sigma`, d.sigma, 0, 10);
    requireInt(`${field}.min`, d.min, min);
    requireInt(`${field}.max`, d.max, d.min);
  }
}

/** Requests of a generated workload: lengths first, then arrivals, all from one seeded stream. */
export function generateWorkload(spec: WorkloadSpec): RequestSpec[] {
  requireInt('workload.requests', spec.requests, 0, 1_000_000);
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
  return list.map((r, i) => ({
    arrival: requireInt(`${field}[${i}].arrival`, r.arrival, 0),
    prompt: requireInt(`${field}[${i}].prompt`, r.prompt, 1),
    output: requireInt(`${field}[${i}].output`, r.output, 1),
  }));
}

const COLUMNS = ['arrival', 'prompt', 'output'] as const;

function cell(row: number, col: string, raw: unknown, min: number): number {
  const v = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  return requireInt(`trace row ${row} column ${col}`, v, min);
}

/**
 * Parse a request trace: JSON (an array of {arrival, prompt, output} or [arrival, prompt, output])
 * or CSV with a header naming arrival, prompt and output (any order, extra columns ignored).
 * Errors name the row (1-based data row) and the column.
 */
export function parseTrace(text: string): RequestSpec[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let raw: unknown;
    try {
      raw = JSON.parse(trimmed);
    } catch (e) {
      throw new InputError('trace', trimmed.slice(0, 40), `valid JSON (${(e as Error).message})`);
    }
    const rows = Array.isArray(raw) ? raw : (raw as { requests?: unknown }).requests;
    if (!Array.isArray(rows)) throw new InputError('trace', raw, 'a JSON array of {arrival, prompt, output} or {"requests": [...]}');
    return rows.map((r, i) => {
      const row = i + 1;
      if (Array.isArray(r)) {
        if (r.length !== 3) throw new InputError(`trace row ${row}`, r, '[arrival, prompt, output]');
        return { arrival: cell(row, 'arrival', r[0], 0), prompt: cell(row, 'prompt', r[1], 1), output: cell(row, 'output', r[2], 1) };
      }
      if (typeof r !== 'object' || r === null) throw new InputError(`trace row ${row}`, r, 'an object {arrival, prompt, output}');
      const o = r as Record<string, unknown>;
      return { arrival: cell(row, 'arrival', o.arrival, 0), prompt: cell(row, 'prompt', o.prompt, 1), output: cell(row, 'output', o.output, 1) };
    });
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  if (lines.length === 0) throw new InputError('trace', text, 'a CSV header "arrival,prompt,output" and rows');
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const idx = COLUMNS.map((c) => header.indexOf(c));
  const missing = COLUMNS.filter((_, i) => idx[i] < 0);
  if (missing.length > 0) throw new InputError('trace header', lines[0], `columns ${COLUMNS.join(', ')} (missing ${missing.join(', ')})`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    const row = i + 1;
    return {
      arrival: cell(row, 'arrival', cells[idx[0]], 0),
      prompt: cell(row, 'prompt', cells[idx[1]], 1),
      output: cell(row, 'output', cells[idx[2]], 1),
    };
  });
}
