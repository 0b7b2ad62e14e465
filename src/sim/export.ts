/**
 * Trace exports. JSON: the summary, per-pass columns per pool group, the events and the requests.
 * CSV: one row per pass (pool columns, decodes, tokens, events). The hash covers everything a
 * frame is built from (columns, deltas, segments, events), so equal hashes mean equal traces.
 */
import type { Trace } from './trace.ts';

/** The trace as a plain JSON-ready object (see traceToJson). */
export function traceToObject(trace: Trace) {
  const s = trace.summary;
  return {
    format: 'kvpool-trace',
    version: 1,
    summary: s,
    tokensPerBlock: trace.layout.tokensPerBlock,
    pools: trace.columns.map((c, pg) => ({
      poolGroup: pg,
      name: s.poolNames[pg],
      total: s.slotCounts[pg],
      used: Array.from(c.used),
      heldSuspended: Array.from(c.heldSuspended),
      free: Array.from(c.free),
    })),
    decodes: Array.from(trace.decodes),
    tokens: Array.from(trace.tokens),
    events: trace.events,
    requests: trace.requests,
  };
}

export function traceToJson(trace: Trace): string {
  return JSON.stringify(traceToObject(trace));
}

export function traceToCsv(trace: Trace): string {
  const names = trace.summary.poolNames.map((n, pg) => `${pg}_${n}`.replace(/[^A-Za-z0-9_-]/g, '_'));
  const header = ['step', ...names.flatMap((n) => [`${n}_used`, `${n}_held_suspended`, `${n}_free`]), 'decodes', 'tokens', 'events'];
  const rows = [header.join(',')];
  for (let k = 0; k < trace.steps; k++) {
    const ev = trace
      .eventsAt(k)
      .map((e) => (e.request >= 0 ? `${e.kind}:${e.request}` : e.kind))
      .join(' ');
    const cells = [k, ...trace.columns.flatMap((c) => [c.used[k], c.heldSuspended[k], c.free[k]]), trace.decodes[k], trace.tokens[k], ev];
    rows.push(cells.join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** FNV-1a (32-bit) over every stored column, hex. */
export function traceHash(trace: Trace): string {
  let h = 0x811c9dc5;
  const mix = (v: number) => {
    h ^= v & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= (v >>> 8) & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= (v >>> 16) & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= (v >>> 24) & 0xff;
    h = Math.imul(h, 0x01000193);
  };
  const r = trace.rec;
  for (const col of [r.dPool, r.dSlot, r.dReq, r.dLc, r.dBlock, r.stepDeltaEnd, r.evStep, r.evKind, r.evReq, r.evPool, r.decodes, r.tokens]) {
    mix(col.length);
    for (let i = 0; i < col.length; i++) mix(col.get(i));
  }
  for (const c of trace.columns) for (const a of [c.used, c.heldSuspended, c.free]) for (const v of a) mix(v);
  // Request by request, each column in turn (the order the per-request arrays were hashed in).
  const s = trace.segments;
  for (let q = 0; q < trace.requests.length; q++) for (const a of [s.step, s.state, s.history, s.capacity, s.rate]) for (let i = s.start[q]; i < s.start[q + 1]; i++) mix(a[i]);
  return (h >>> 0).toString(16).padStart(8, '0');
}
