/** The readable table `kvpool plan` prints by default. */
import type { PlannedModel } from '../planner/index.ts';
import type { PeerSizing } from '../planner/peers.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const inf = (n: number) => (Number.isFinite(n) ? String(n) : '-');

export function renderPlan({ scenario, plan, diagnostics }: PlannedModel): string {
  const out: string[] = [];
  out.push(`${scenario.name ?? 'scenario'}: ${scenario.layers.length} manager layers, tokens_per_block ${plan.tokensPerBlock}`);
  if (scenario.description) out.push(scenario.description);
  if (plan.error) {
    out.push(`error: ${plan.error.type}: ${plan.error.message}`);
    return `${out.join('\n')}\n`;
  }
  out.push(
    `quota ${(scenario.gpu_quota_bytes / GiB).toFixed(2)} GiB -> effective ${(plan.effectiveQuotaBytes / GiB).toFixed(2)} GiB in ${plan.totalGrains} grains of ${plan.granularityBytes / MiB} MiB; ratio from ${plan.ratioSource}`,
  );
  out.push('');
  const rows = plan.poolGroups.map((g, pg) => {
    const d = diagnostics.poolGroups[pg];
    const windows = d.windows.map((w) => (w === 'ssm' ? 'state' : w === null ? 'none' : String(w))).join(',');
    return [
      `${pg} ${g.name}`,
      windows,
      String(g.slotBytes),
      plan.typicalStepSlots ? String(plan.typicalStepSlots[pg]) : '-',
      String(plan.minSlots[pg]),
      plan.initialRatio[pg].toFixed(4),
      String(plan.slotCounts[pg]),
      (plan.bytesPerPoolGroup[pg] / GiB).toFixed(2),
      `${inf(d.decodesBest)}/${inf(d.decodesWorst)}`,
    ];
  });
  out.push(table(['pool group', 'window', 'slot bytes', 'typical', 'min_slots', 'ratio', 'slots', 'GiB', 'decodes best/worst'], rows));
  if (plan.rebalance) out.push(`\nrebalance toward the target length: ratio [${plan.rebalance.ratio.map((r) => r.toFixed(4)).join(', ')}] -> slots [${plan.rebalance.slotCounts.join(', ')}]`);
  out.push('');
  out.push(`concurrent decodes: ${inf(diagnostics.maxDecodesBest)} at best alignment, ${inf(diagnostics.maxDecodesWorst)} at worst`);
  for (const f of diagnostics.findings) out.push(`${f.severity === 'info' ? '-' : f.severity.toUpperCase() + ':'} ${f.text}`);
  return `${out.join('\n')}\n`;
}

/** The cross-engine comparison: same layers, same quota, each engine's own pool topology. */
export function renderPeers({ plan, diagnostics }: PlannedModel, peers: readonly PeerSizing[]): string {
  const longV2 = Math.min(...diagnostics.poolGroups.map((d) => d.longRequests));
  const usedV2 = plan.slotCounts.reduce((a, n, pg) => a + n * plan.poolGroups[pg].slotBytes, 0);
  const rows = [
    ['trtllm-v2 (this plan)', `${plan.poolGroups.length} pool groups`, inf(longV2), inf(diagnostics.maxDecodesWorst), ((plan.effectiveQuotaBytes - usedV2) / GiB).toFixed(2)],
    ...peers.map((p) =>
      p.supported
        ? [p.engine, p.topology, inf(p.maxLongRequests), inf(p.maxShortDecodes), (p.strandedBytes / GiB).toFixed(2)]
        : [p.engine, `not modelled: ${p.notes[0]}`, '-', '-', '-'],
    ),
  ];
  return `\nthe same layers and quota in other engines (sizing models from their documented formulas):\n${table(['engine', 'topology', 'long requests', 'window-bound decodes', 'stranded GiB'], rows)}\n`;
}
