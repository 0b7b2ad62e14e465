/**
 * `kvpool plan --engine A,B`: two TensorRT-LLM V2 versions of the same configuration side by side,
 * each number that differs with the rule that moved it (computed by compareEngines: each rule
 * switched off alone). `--json` prints {engines: [plan, plan], diff: [{field, from, to, rule}]}.
 * Exit 1 when either version refuses the input (its plan carries the engine's error).
 */
import { compareEngines } from '../planner/compare.ts';
import { flagBool, type ParsedArgs } from './args.ts';
import { engineKnobValues } from './engine-flags.ts';
import type { Io } from './io.ts';
import type { PlannedFromArgs } from './plan.ts';

type PlanOne = (args: ParsedArgs, io: Io, engine: string) => Promise<PlannedFromArgs>;

function cell(v: unknown): string {
  if (typeof v === 'number' && !Number.isInteger(v)) return String(Number(v.toPrecision(9)));
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export async function compareCommand(args: ParsedArgs, io: Io, engines: readonly string[], planOne: PlanOne): Promise<number> {
  const [a, b] = [await planOne(args, io, engines[0]), await planOne(args, io, engines[1])];
  const knobs = engineKnobValues(args, engines);
  const cmp = compareEngines({ engine: a.engine, scenario: a.scenario, mode: a.mode }, { engine: b.engine, scenario: b.scenario, mode: b.mode }, { knobs, rebuild: a.rebuild });
  if (flagBool(args, 'json')) {
    io.out(JSON.stringify({ engines: cmp.engines, diff: cmp.diff.map(({ field, from, to, rule, rules, text }) => ({ field, from, to, rule, rules, text })) }, null, 1));
  } else {
    const rows = cmp.diff.map((d) => [d.field, cell(d.from), cell(d.to), d.rules.length > 0 ? d.rules.join(' + ') : '(no set of up to 3)']);
    const head = ['field', `${a.engine}${a.mode ? ` (${a.mode})` : ''}`, `${b.engine}${b.mode ? ` (${b.mode})` : ''}`, 'rule'];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join('  ');
    io.out(`${a.scenario.name ?? 'scenario'}: ${a.engine} vs ${b.engine}\n\n${[line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n')}\n`);
    if (cmp.diff.length === 0) io.out('(no number differs)\n');
    else io.out(`\n${cmp.diff.map((d) => `- ${d.text}`).join('\n')}\n`);
  }
  const refused = [a, b].filter((p) => p.plan.error);
  for (const p of refused) io.err(`kvpool plan: ${p.engine} refuses this input: ${p.plan.error?.type}: ${p.plan.error?.message}`);
  return refused.length > 0 ? 1 : 0;
}
