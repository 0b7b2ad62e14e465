/** Sweeps: knob application, axis parsing, cells equal to checking each configuration alone, and the CLI in-thread and on worker threads. */
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { checkSubject } from '../../src/verdict/check.ts';
import { scenarioSubject } from '../../src/verdict/subject.ts';
import { applyKnob, axisValues, evaluateCell, sweepCells } from '../../src/verdict/sweep.ts';

describe('sweep core', () => {
  it('pool-ratio-N sets one group\'s share and keeps the others in proportion; axes parse lists and ranges', () => {
    const s = applyKnob(scenarioSubject('trtllm-15401', { mode: 'as-shipped' }), 'pool-ratio-2', 0.05);
    const r = s.knobs.poolRatio!;
    expect(r[2]).toBe(0.05);
    expect(r[0] / r[1]).toBeCloseTo(0.01 / 0.98, 12);
    expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(axisValues('max-batch-size', '4:64:5', Number)).toEqual([4, 19, 34, 49, 64]);
    expect(axisValues('max-batch-size', '8,16', Number)).toEqual([8, 16]);
    expect(() => axisValues('max-batch-size', '0,4', Number)).toThrow(/max-batch-size/);
    expect(() => applyKnob(s, 'window', 4)).toThrow(/sweep knob/);
  }, 60_000);

  it('a cell\'s verdict is the verdict of its configuration checked alone', () => {
    const base = scenarioSubject('straddle', { mode: 'issue-fix' });
    const cells = sweepCells(base, { knob: 'max-batch-size', values: [4, 16] }, { knob: 'quota', values: [1, 200 * 2 ** 20] });
    expect(cells.length).toBe(4);
    const workload = Array.from({ length: 16 }, () => ({ arrival: 0, prompt: 200, output: 100 }));
    for (const c of cells) expect(evaluateCell(c.subject, workload, 2_000_000).verdict).toBe(checkSubject(c.subject, { workUnits: 2_000_000 }).verdict);
  }, 60_000);
});

describe('kvpool sweep (CLI)', () => {
  it('gives the same grid in this thread and on two worker threads; --csv has one row per cell', async () => {
    const argv = ['sweep', '--scenario', 'straddle', '--x', 'max-batch-size=4,8,16', '--y', 'quota=1,100MiB', '--requests', '16', '--prompt-len', '200', '--output-len', '100', '--csv'];
    const a = memoryIo();
    expect(await main([...argv, '--workers', '0'], a)).toBe(0);
    const b = memoryIo();
    expect(await main([...argv, '--workers', '2'], b)).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const rows = a.stdout.trim().split('\n');
    expect(rows[0]).toBe('max-batch-size,quota,verdict,max_concurrent_decodes,tokens_per_step,outcome,slot_counts');
    expect(rows.length).toBe(7);
    expect(b.stderr).toContain('sweep: 6/6 cells (100%)');
  }, 60_000);
});
