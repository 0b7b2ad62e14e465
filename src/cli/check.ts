/**
 * `kvpool check`: will this configuration stall? Prints the verdict (safe with a progress
 * certificate, unsafe with a minimal counterexample and verified fixes, or unknown with what was
 * tried), the bounds per pool group and the throughput-collapse findings.
 * Exit status: 0 safe, 3 unsafe, 4 unknown, 2 bad input.
 *
 * The clock lives here: --time-budget becomes a deadline callback the pure search polls.
 */
import { InputError } from '../model/errors.ts';
import { getEngine } from '../planner/engines/registry.ts';
import { DEFAULT_ENGINE } from '../planner/index.ts';
import { NAMED_SCENARIOS } from '../sim/index.ts';
import { checkSubject, DEFAULT_WORK_UNITS, type Verdict } from '../verdict/check.ts';
import { describeFix, type Fix, listFixes } from '../verdict/fixes.ts';
import { presetSubject, type Subject, scenarioSubject, subjectFlags } from '../verdict/subject.ts';
import { commandArgs, type FlagSpec, flagBool, flagInt, flagNumber, flagString, type ParsedArgs } from './args.ts';
import { engineKnobFlags, engineKnobValues, resolveEngines } from './engine-flags.ts';
import type { Io } from './io.ts';
import { knobsFromArgs, parseMode, presetFromArgs, withFlagNames } from './plan.ts';
import { engineOptionsFromArgs, knobOverrides, policyFromArgs, SIMULATE_FLAGS, utilFromArgs } from './simulate.ts';

const SHARED = new Set(['engine', 'scenario', 'preset', 'tokens-per-block', 'max-seq-len', 'max-batch-size', 'max-num-tokens', 'quota', 'kv-dtype', 'constraints', 'pool-ratio', 'draft-tokens', 'extra-kv-tokens', 'avg-seq-len', 'policy', 'max-util-for-resume', 'recompute-pause', 'stall-limit', 'vllm-admission', 'sglang-eviction']);

/** The engines' own knobs (SGLang's ratio, vLLM's hybrid switch, the CUDA-graph cap, ...): the subject is sized with them. */
const ENGINE_KNOB_FLAGS = new Set(engineKnobFlags().map((f) => f.name));

export const CHECK_FLAGS: FlagSpec[] = [
  // A verdict re-plans its subject, so only a named scenario or a preset (no scenario file).
  ...SIMULATE_FLAGS.filter((f) => SHARED.has(f.name) || ENGINE_KNOB_FLAGS.has(f.name)).map((f) => (f.name === 'scenario' ? { ...f, value: 'NAME', help: `named scenario: ${NAMED_SCENARIOS.map((s) => s.name).join(', ')}` } : f)),
  { name: 'time-budget', type: 'string', value: 'SECONDS', help: 'stop searching for a counterexample after this many CPU seconds and say unknown (default 20)' },
  { name: 'no-fixes', type: 'bool', help: 'skip the fix search' },
  { name: 'json', type: 'bool', help: 'print the verdict as JSON' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

export function subjectFromArgs(args: ParsedArgs): Subject {
  const run = {
    policy: policyFromArgs(args),
    enginePolicy: engineOptionsFromArgs(args),
    maxUtilForResume: utilFromArgs(args) ?? 0.95,
    recomputePause: flagBool(args, 'recompute-pause'),
    stallLimit: flagInt(args, 'stall-limit', 1) ?? 1000,
  };
  const scenario = flagString(args, 'scenario');
  const named = NAMED_SCENARIOS.find((s) => s.name === scenario);
  if (scenario !== undefined && !named) throw new InputError('--scenario', scenario, `a named scenario: ${NAMED_SCENARIOS.map((s) => s.name).join(', ')}`);
  const [engine] = resolveEngines(args, named?.engine ?? DEFAULT_ENGINE);
  const mode = parseMode(flagString(args, 'constraints') ?? named?.defaultConstraints, engine);
  // A knob the engine does not read is refused here, naming the flag (never ignored).
  const engineKnobs = engineKnobValues(args, [engine], ['max-util-for-resume']);
  if (mode === 'custom') throw new InputError('--constraints', mode, 'a mode check can re-plan (not custom)');
  if (named) {
    if (args.flags.has('preset')) throw new InputError('--preset', flagString(args, 'preset'), `nothing: --scenario ${named.name} fixes the model`);
    return withFlagNames(() => scenarioSubject(named.name, { engine, mode, knobs: knobOverrides(args), run, engineKnobs }));
  }
  const model = presetFromArgs(args);
  const { kvDtype, swaScratchRewindTokens: _s, ...knobs } = withFlagNames(() => knobsFromArgs(args, model));
  // An engine with its own block size default (vLLM 16, SGLang 1) uses it, as kvpool plan and simulate do.
  const ownBlock = getEngine(engine).defaultTokensPerBlock;
  if (ownBlock !== undefined && !args.flags.has('tokens-per-block')) knobs.tokensPerBlock = ownBlock;
  // The planner names its own fields (tokens_per_block, ...): report the flags the user typed.
  return withFlagNames(() => presetSubject(model.id, { engine, mode, kvDtype, knobs, run, engineKnobs }));
}

function boundsJson(v: Verdict) {
  return v.bounds.poolGroups.map((g) => ({
    poolGroup: g.poolGroup,
    name: g.name,
    windows: g.windows,
    slots: g.slots,
    minSlots: g.minSlots,
    slotBytes: g.slotBytes,
    decodeBlocksWorst: g.decodeBlocksWorst,
    decodeBlocksBest: g.decodeBlocksBest,
    freshChunkBlocks: g.freshChunkBlocks,
    continuationBlocks: g.continuationBlocks,
    singleRequestBlocks: g.singleRequestBlocks,
    concurrentWorst: g.concurrentWorst,
    concurrentBest: g.concurrentBest,
  }));
}

export function replayCommand(s: Subject, file: string): string {
  return `kvpool simulate ${subjectFlags(s).join(' ')} --trace ${file}`;
}

export function verdictJson(v: Verdict, fixes: readonly Fix[]) {
  const bounds = boundsJson(v);
  const cx = v.counterexample;
  return {
    verdict: v.verdict,
    reason: v.reason,
    flags: subjectFlags(v.subject),
    bounds,
    boundsByName: Object.fromEntries(bounds.map((b) => [b.name, b])),
    concurrency: v.concurrency,
    certificate: v.verdict === 'safe' ? v.certificate : null,
    failedCertificate: v.verdict === 'safe' ? null : v.certificate,
    counterexample: cx
      ? {
          requests: cx.requests,
          poolGroup: cx.deadlock.poolGroup,
          poolName: cx.deadlock.poolName,
          stalledAtStep: cx.deadlock.firstStalledStep,
          steps: cx.steps,
          message: cx.deadlock.message,
          shape: cx.shape.label,
          family: v.search?.family,
          minimality: cx.minimality,
          crossing: v.crossing,
          replay: replayCommand(v.subject, 'counterexample.json'),
        }
      : null,
    search: v.search ? { family: v.search.family, ...v.search.tried, stoppedBy: v.search.stoppedBy } : null,
    findings: v.findings,
    fixes: fixes.map((f) => ({ axis: f.axis, label: f.label, flags: f.flags, extraBytes: f.extraBytes, concurrency: f.concurrency, concurrencyBefore: f.concurrencyBefore, verified: f.verified, verification: f.verification })),
  };
}

function renderText(v: Verdict, fixes: readonly Fix[]): string {
  const lines = [`verdict: ${v.verdict.toUpperCase()} (${v.reason})`, '', 'pool group              slots   worst/best blocks per decode   fresh chunk   concurrent (worst/best)'];
  for (const g of v.bounds.poolGroups) lines.push(`${`${g.poolGroup} ${g.name}`.padEnd(22)} ${String(g.slots).padStart(7)}   ${`${g.decodeBlocksWorst} / ${g.decodeBlocksBest}`.padStart(27)}   ${String(g.freshChunkBlocks).padStart(11)}   ${`${g.concurrentWorst} / ${g.concurrentBest}`.padStart(12)}`);
  const c = v.certificate;
  if (c) {
    lines.push('', `${v.verdict === 'safe' ? 'certificate' : 'certificate that fails'} (${c.argument}): ${c.frees}`);
    for (const g of c.poolGroups) lines.push(`  ${g.holds ? 'ok  ' : 'FAIL'} ${g.name}: needs ${g.needed} of ${g.slots} slots: ${g.why}`);
    for (const cond of c.conditions) lines.push(`  ${cond}`);
  }
  const cx = v.counterexample;
  if (cx) {
    lines.push('', `counterexample: ${cx.requests.length} request(s) (${cx.shape.label}); ${cx.deadlock.message}`, `  ${cx.minimality}`, ...(v.crossing ? [`  why: ${v.crossing.text}`] : []), `  requests: ${JSON.stringify(cx.requests)}`, `  replay: save the requests as counterexample.json, then ${replayCommand(v.subject, 'counterexample.json')}`);
  }
  if (v.search && !cx) lines.push('', `searched: ${v.search.family}`);
  for (const f of v.findings) lines.push(`finding: ${f.text}`);
  if (fixes.length > 0) lines.push('', 'fixes (verified, cheapest first):', ...fixes.map((f) => `  ${describeFix(f)}`));
  else if (v.verdict === 'unsafe') lines.push('', 'fixes: none found that verify');
  return lines.join('\n');
}

export async function checkCommand(argv: string[], io: Io): Promise<number> {
  const args = commandArgs('check', argv, CHECK_FLAGS, { usage: 'check [flags]', summary: 'Will this configuration stall? safe (certificate), unsafe (minimal counterexample + verified fixes) or unknown. Exit 0 safe, 3 unsafe, 4 unknown.' }, io);
  if (!args) return 0;
  const seconds = flagNumber(args, 'time-budget', 0.001, 3600) ?? 20;
  const subject = subjectFromArgs(args);
  // CPU seconds of this process: on a busy shared machine wall time would turn answers into unknown.
  const c0 = process.cpuUsage();
  const spent = () => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  const v = checkSubject(subject, { workUnits: DEFAULT_WORK_UNITS, stop: () => spent() > seconds });
  const fixes = v.verdict === 'unsafe' && !flagBool(args, 'no-fixes') ? listFixes(subject, v.counterexample) : [];
  if (flagBool(args, 'json')) io.out(JSON.stringify(verdictJson(v, fixes), (_k, x) => (x === Number.POSITIVE_INFINITY ? null : x)));
  else io.out(renderText(v, fixes));
  return v.verdict === 'safe' ? 0 : v.verdict === 'unsafe' ? 3 : 4;
}
