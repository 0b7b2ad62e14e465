/**
 * The fuzz suite: generated argv, scenario, config, trace, attention and page-link inputs, each
 * run in a child process (harness.ts) that is killed after 10 s. Properties of every input:
 *   - it finishes (killed after 60 s of wall time = a hang) within 10 s of CPU, in a child whose
 *     heap is capped at 1 GiB, with peak RSS under 1 GiB;
 *   - exit status 0, 1, 2, 3 or 4, never "internal error", never a stack trace;
 *   - exit 1 or 2: exactly one error line, and (2) it names a flag or field the user wrote;
 *   - a link: parsing never throws, every problem is one line naming a key of the link.
 *
 * CI runs about FUZZ_RUNS=600 inputs (about a minute); a long local run:
 *   FUZZ_RUNS=10000 FUZZ_SEED=7 npx vitest run --project fuzz test/fuzz/fuzz.test.ts
 * prints its figures (inputs, internal errors, hangs, stack traces, peak memory).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { argvInput, attentionInput, configInput, scenarioInput, traceInput, urlInput } from './arbitraries.ts';
import { type CliInput, type CliResult, CliRunner, CPU_LIMIT_MS, errorLines, KILL_AFTER_MS } from './harness.ts';

const TOTAL = Number(process.env.FUZZ_RUNS ?? 600);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const GiB = 1024 ** 3;

const runner = new CliRunner();
const figures = { inputs: 0, internalErrors: 0, hangs: 0, crashes: 0, stackTraces: 0, otherFailures: 0, slowestWallMs: 0, slowestCpuMs: 0, byCode: {} as Record<string, number> };

afterAll(() => {
  runner.stop();
  console.log(`fuzz figures (seed ${SEED}): ${JSON.stringify({ ...figures, peakRssMiB: Math.round(runner.peakRss / 2 ** 20) })}`);
});

/** Tokens of the field an error names ("--trace t.csv row 3" -> --trace, t.csv, row). */
function named(line: string, input: CliInput): boolean {
  const m = /^kvpool(?: [a-z]+)?: (.*?): got (.*?); expected /.exec(line);
  if (!m) return false;
  // A required field that is missing is named as the field the input lacks.
  if (m[2] === 'nothing') return true;
  const text = [...input.argv, ...Object.values(input.files ?? {})].join('\n');
  const tokens = m[1].split(/[^A-Za-z0-9_-]+/).filter((t) => t.length > 0);
  // One-letter fields ("q") must appear as a key; longer ones anywhere in what was typed.
  if (tokens.some((t) => (t.length > 1 ? text.includes(t) : text.includes(`"${t}"`)))) return true;
  // "command", "flag" and "argument" name what was typed by quoting it as the value.
  return ['command', 'flag', 'argument'].includes(m[1]) && text.includes(JSON.parse(m[2]));
}

/** Why an outcome breaks a property, or null. */
function violation(input: CliInput, res: CliResult): string | null {
  if (res.kind === 'hang') return 'hang';
  if (res.kind === 'crash') return `crash (${res.signal ?? res.exitCode})`;
  if (res.maxRss > GiB) return `peak RSS ${res.maxRss}`;
  if (res.cpuMs > CPU_LIMIT_MS) return `slow: ${Math.round(res.cpuMs)} ms of CPU`;
  if (/internal error/.test(res.err) || res.code === 'threw') return 'internal error';
  if (/\n\s+at /.test(res.err)) return 'stack trace';
  if (input.url !== undefined) {
    const lines = res.err.split('\n').filter(Boolean);
    const keys = new URLSearchParams(input.url.slice(1));
    const bad = lines.find((l) => !/^WARNING: URL parameter "([^"]*)": got /.test(l) || !(keys.has(/"([^"]*)"/.exec(l)?.[1] ?? '') || /"link"/.test(l)));
    return bad ? `link problem not naming a key: ${bad}` : null;
  }
  if (![0, 1, 2, 3, 4].includes(res.code)) return `exit ${res.code}`;
  if (res.code === 1 || res.code === 2) {
    const lines = errorLines(res.err);
    if (lines.length !== 1) return `${lines.length} error lines`;
    if (res.code === 2 && !named(lines[0], input)) return `does not name a flag or field the user wrote: ${lines[0]}`;
  }
  return null;
}

function tally(res: CliResult, why: string | null): void {
  figures.inputs++;
  figures.slowestWallMs = Math.max(figures.slowestWallMs, Math.round(res.ms));
  if (res.kind === 'done') figures.slowestCpuMs = Math.max(figures.slowestCpuMs, Math.round(res.cpuMs));
  if (res.kind === 'done') figures.byCode[String(res.code)] = (figures.byCode[String(res.code)] ?? 0) + 1;
  if (why === null) return;
  if (why === 'hang') figures.hangs++;
  else if (why.startsWith('crash')) figures.crashes++;
  else if (why === 'internal error') figures.internalErrors++;
  else if (why === 'stack trace') figures.stackTraces++;
  else figures.otherFailures++;
}

const SHARES: [string, fc.Arbitrary<CliInput>, number][] = [
  ['argv', argvInput, 0.3],
  ['scenario files', scenarioInput, 0.18],
  ['config.json files', configInput, 0.18],
  ['traces', traceInput, 0.12],
  ['attention inputs', attentionInput, 0.07],
  ['page links', urlInput, 0.15],
];

describe(`fuzz: ${TOTAL} generated inputs, each in a child process killed on a time-out`, () => {
  SHARES.forEach(([name, arb, share], i) => {
    const numRuns = Math.max(1, Math.round(TOTAL * share));
    it(`${name} (${numRuns})`, async () => {
      await fc.assert(
        fc.asyncProperty(arb, async (input) => {
          const res = await runner.run(input, KILL_AFTER_MS);
          const why = violation(input, res);
          tally(res, why);
          if (why !== null) throw new Error(`${why}\ninput: ${JSON.stringify(input).slice(0, 600)}\nstderr: ${res.kind === 'done' ? res.err.slice(0, 600) : ''}`);
        }),
        { numRuns, seed: SEED + i, endOnFailure: true },
      );
      expect(runner.peakRss).toBeLessThan(GiB);
    }, numRuns * 10_000 + 120_000);
  });
});
