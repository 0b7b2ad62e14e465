/**
 * Text report of a trace (used by `kvpool simulate`): summary, per-pool peak pressure with a
 * sparkline of pressure over time, and the stall/deadlock report. Pure string building.
 */
import type { Trace } from './trace.ts';

const BARS = '▁▂▃▄▅▆▇█';

/** One character per bucket: the bucket's peak of values[i] / total. */
export function sparkline(values: ArrayLike<number>, total: number, width = 60): string {
  const n = values.length;
  if (n === 0 || total <= 0) return '';
  const buckets = Math.min(width, n);
  let out = '';
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.max(from + 1, Math.floor(((b + 1) * n) / buckets));
    let peak = 0;
    for (let i = from; i < to; i++) if (values[i] > peak) peak = values[i];
    out += BARS[Math.min(BARS.length - 1, Math.floor((peak / total) * (BARS.length - 1) + 1e-9))];
  }
  return out;
}

export function renderSimulation(trace: Trace, label: string): string {
  const s = trace.summary;
  const lines: string[] = [];
  lines.push(`scenario: ${label}`);
  lines.push(`policy ${s.policy}: ${s.outcome} after ${s.steps} passes; ${s.completedRequests}/${s.requests} requests completed`);
  lines.push(`max concurrent decodes ${s.maxConcurrentDecodes}, max requests holding slots ${s.maxConcurrentHolders}, tokens ${s.tokensScheduled}, suspensions ${s.suspensions}, preemptions ${s.preemptions}`);
  lines.push('');
  lines.push(`${'pool group'.padEnd(22)} ${'slots'.padStart(8)} ${'peak'.padStart(8)} ${'peak %'.padStart(7)}  pressure over time (in use / slots)`);
  s.slotCounts.forEach((total, pg) => {
    const col = trace.columns[pg];
    const inUse = new Int32Array(trace.steps);
    for (let k = 0; k < trace.steps; k++) inUse[k] = total - col.free[k];
    const pct = total === 0 ? 0 : (100 * s.peakUsedSlots[pg]) / total;
    lines.push(`${`${pg} ${s.poolNames[pg]}`.padEnd(22)} ${String(total).padStart(8)} ${String(s.peakUsedSlots[pg]).padStart(8)} ${pct.toFixed(1).padStart(6)}%  ${sparkline(inUse, total)}`);
  });
  const d = s.deadlock;
  if (d) {
    lines.push('');
    lines.push(`DEADLOCK in pool group ${d.poolGroup} (${d.poolName}) [exhausted: ${d.exhaustedPoolGroups.join(', ')}]`);
    lines.push(`  request ${d.request} needed ${d.cause === 'resume-gate' ? `the resume gate to open (${d.neededSlots} slot(s) over the gate)` : d.cause === 'admission' ? `${d.neededSlots} slot(s) at admission` : `${d.neededSlots} slot(s)`}; free ${d.freeSlots}`);
    lines.push(`  held by ${d.heldByRunning} running requests (${d.slotsHeldByRunning} slots) and ${d.heldBySuspended} suspended requests (${d.slotsHeldBySuspended} slots),`);
    lines.push(`  which need ${d.demandOfHolders} of the ${s.slotCounts[d.poolGroup]} slots to take their next step`);
    lines.push(`  no progress since pass ${d.firstStalledStep}: ${d.stalledPasses} stalled passes (${d.executedStalledPasses} executed, the rest provably identical)`);
    const others = d.suggestedSlotCounts.some((n, i) => i !== d.poolGroup && n !== s.slotCounts[i]) ? `, with slot counts [${d.suggestedSlotCounts.join(', ')}]` : '';
    lines.push(`  suggested min slots for ${d.poolName}: ${d.suggestedMinSlots} (${d.suggestedBy === 'bisect' ? 'smallest count found by re-running' : 'worst-case bound'}${others})`);
    if (d.engineNote) lines.push(`  engine: ${d.engineNote}`);
  } else if (s.outcome === 'step-limit') {
    lines.push('');
    lines.push(`step limit reached after ${s.steps} passes (raise --max-steps)`);
  }
  return `${lines.join('\n')}\n`;
}
