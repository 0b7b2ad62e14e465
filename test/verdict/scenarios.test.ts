/**
 * The scenario table, through the library and through `kvpool check` / `kvpool simulate
 * --trace`: the verdicts, the counterexamples replayed by the simulate command, and every listed
 * fix applied (re-checked safe by the CLI, counterexample completed by the CLI).
 */
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { checkSubject, type Verdict } from '../../src/verdict/check.ts';
import { listFixes } from '../../src/verdict/fixes.ts';
import { subjectFlags } from '../../src/verdict/subject.ts';
import { presetSubject, scenarioSubject } from './helpers.ts';

async function cli(argv: string[], files: Record<string, string> = {}) {
  const io = memoryIo(files);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

async function replayDeadlocks(v: Verdict, poolName: string) {
  const cx = v.counterexample!;
  const r = await cli(['simulate', ...subjectFlags(v.subject), '--trace', 'cx.json'], { 'cx.json': JSON.stringify(cx.requests) });
  expect(r.code, r.err).toBe(3);
  expect(r.out).toContain(`DEADLOCK in pool group ${cx.deadlock.poolGroup} (${poolName})`);
}

describe('verdict: the #15401 and straddle scenarios', () => {
  it('#15401 as-shipped (skewed ratio): unsafe, <= 8 requests, simulate --trace deadlocks on STATE', async () => {
    const v = checkSubject(scenarioSubject('trtllm-15401', 'as-shipped'));
    expect(v.verdict).toBe('unsafe');
    const cx = v.counterexample!;
    expect(cx.requests.length).toBeLessThanOrEqual(8);
    expect(cx.deadlock.poolName).toBe('STATE');
    await replayDeadlocks(v, 'STATE');
  }, 60_000);

  it('#15401 issue-fix (64 SWA slots): unsafe through decodes that cross a block boundary together', async () => {
    const v = checkSubject(scenarioSubject('trtllm-15401', 'issue-fix'));
    expect(v.verdict).toBe('unsafe');
    expect(v.plan.slotCounts[0]).toBe(64);
    const cx = v.counterexample!;
    const tpb = v.plan.tokensPerBlock;
    // Every request decodes across the next block boundary: prompt + output - 1 > the boundary above the prompt.
    for (const r of cx.requests) expect(r.prompt + r.output - 1).toBeGreaterThan(Math.ceil(r.prompt / tpb) * tpb);
    // With straddles each holder needs 2 SWA blocks: 2 x holders > 64 slots.
    expect(2 * cx.requests.length).toBeGreaterThan(64);
    expect(['SWA', 'STATE']).toContain(cx.deadlock.poolName);
    await replayDeadlocks(v, cx.deadlock.poolName);
    // The report's argument: the full batch crossing a boundary together needs 64 x 2 = 128 slots,
    // and that full batch, replayed, deadlocks too (the minimal list is smaller: said, not hidden).
    const c = v.crossing!;
    expect(c.slots).toBe(64);
    expect(c.blocksWhileCrossing).toBe(2);
    expect(c.fullBatchNeeds).toBe(128);
    expect(c.text).toContain('64 decodes that cross a block boundary together need 64 x 2 = 128');
    if (cx.requests.length < 64) {
      expect(c.fullBatch).toEqual({ requests: 64, outcome: 'deadlock', firstStalledStep: expect.any(Number) });
      const full = Array.from({ length: 64 }, () => cx.requests[0]);
      const r = await cli(['simulate', ...subjectFlags(v.subject), '--trace', 'full.json'], { 'full.json': JSON.stringify(full) });
      expect(r.code, r.err).toBe(3);
    }
    // The straddle range is real: a decode there holds 2 SWA blocks, one block later only 1.
    const [from, to] = c.straddle!;
    expect(from % tpb).toBe(0);
    expect(v.bounds.poolGroups[0].decodeBlocksWorst).toBe(2);
    expect(to - from).toBe(126); // window 128: [h - 127, h] reaches back into the previous block for h <= from + 126
  }, 60_000);

  it('straddle issue-fix: unsafe; straddle safe: safe with a certificate per pool group', async () => {
    const bad = checkSubject(scenarioSubject('straddle', 'issue-fix'));
    expect(bad.verdict).toBe('unsafe');
    await replayDeadlocks(bad, 'SWA-128');
    const good = checkSubject(scenarioSubject('straddle', 'safe'));
    expect(good.verdict).toBe('safe');
    const g = good.certificate!.poolGroups[0];
    expect(g.holds).toBe(true);
    expect(g.needed).toBeLessThanOrEqual(g.slots);
    expect(good.bounds.poolGroups[0].decodeBlocksWorst).toBe(2); // window 128 in 256-token blocks straddles
  }, 60_000);
});

describe('kvpool check (CLI)', () => {
  it('--json carries verdict, bounds by index and name, counterexample in trace format, fixes; exit 3 for unsafe', async () => {
    const r = await cli(['check', '--scenario', 'trtllm-15401', '--json']);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.out);
    expect(j.verdict).toBe('unsafe');
    expect(j.bounds.map((b: { name: string }) => b.name)).toEqual(['SWA', 'COMPRESS', 'STATE']);
    expect(j.boundsByName.STATE.slots).toBe(7);
    expect(j.counterexample.replay).toContain('kvpool simulate --scenario trtllm-15401');
    for (const q of j.counterexample.requests) expect(Object.keys(q).sort()).toEqual(['arrival', 'output', 'prompt']);
    expect(j.fixes.length).toBeGreaterThan(0);
    for (const f of j.fixes) {
      expect(f.verified).toBe(true);
      expect(typeof f.extraBytes).toBe('number');
      expect(typeof f.concurrency).toBe('number');
      expect(Array.isArray(f.flags)).toBe(true);
    }
  }, 60_000);

  it('exit 0 for safe, 4 for unknown (a budget too small to search), 2 for a bad flag', async () => {
    expect((await cli(['check', '--scenario', 'straddle', '--constraints', 'safe'])).code).toBe(0);
    const u = await cli(['check', '--scenario', 'straddle', '--constraints', 'issue-fix', '--time-budget', '0.001', '--json']);
    expect(u.code).toBe(4);
    expect(JSON.parse(u.out).reason).toContain('searched');
    const bad = await cli(['check', '--time-budget', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--time-budget');
  }, 60_000);
});

describe('Gemma 3 27B, maxBatchSize 128, 24 GiB', () => {
  it('is answered, and every listed fix re-checks safe and completes the counterexample through the CLI', async () => {
    const s = presetSubject('gemma-3-27b', { maxBatchSize: 128, quotaBytes: 24 * 2 ** 30 });
    const v = checkSubject(s);
    expect(v.verdict).not.toBe('unknown');
    expect(v.findings.some((f) => f.kind === 'throughput-collapse')).toBe(true);
    expect(v.findings.some((f) => f.kind === 'safe-mode-quota' && /safe mode needs \d+ GiB; you gave 24/.test(f.text))).toBe(true);
    const fixes = listFixes(s, v.counterexample);
    expect(fixes.length).toBeGreaterThan(0);
    for (const f of fixes) {
      const flags = subjectFlags(f.subject);
      expect((await cli(['check', ...flags, '--no-fixes'])).code, f.label).toBe(0);
      if (v.counterexample) expect((await cli(['simulate', ...flags, '--trace', 'cx.json'], { 'cx.json': JSON.stringify(v.counterexample.requests) })).code, f.label).toBe(0);
    }
  }, 60_000);
});
