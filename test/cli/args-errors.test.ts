/**
 * Bad input to `kvpool sweep`, `check`, `simulate` and `plan` gets one line naming the flag the user
 * typed (never a knob or core field name), the value and what is valid, and exit status 2.
 */
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../../src/cli/args.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

async function refused(argv: string[]): Promise<string> {
  const io = memoryIo();
  expect(await main(argv, io)).toBe(2);
  expect(io.stdout).toBe('');
  const lines = io.stderr.trim().split('\n');
  expect(lines.length).toBe(1);
  return lines[0];
}

const sweep = (x: string, y = 'max-batch-size=4,8') => refused(['sweep', '--scenario', 'trtllm-15401', '--workers', '0', '--x', x, '--y', y]);

describe('kvpool sweep axes', () => {
  it('name --x / --y and the whole value typed, never the knob as a flag', async () => {
    expect(await sweep('quota=1:2:0')).toBe('kvpool sweep: --x: got "quota=1:2:0"; expected quota=A,B,.. or quota=A:B:N with 1 to 64 positive values');
    expect(await sweep('max-batch-size=4:8:100', 'quota=1GiB')).toMatch(/^kvpool sweep: --x: got "max-batch-size=4:8:100"; expected max-batch-size=A,B,\.\. or max-batch-size=A:B:N with 1 to 64/);
    expect(await sweep('quota=1GiB', 'max-batch-size=0,4')).toMatch(/^kvpool sweep: --y: got "max-batch-size=0,4"; expected .*each an integer >= 1 and at most 65,536 .*\("0" is not\)$/);
    expect(await sweep('quota=abc')).toMatch(/^kvpool sweep: --x: got "quota=abc"; expected .*a byte size such as 40GiB/);
    expect(await sweep('foo=1,2')).toMatch(/^kvpool sweep: --x: got "foo=1,2"; expected KNOB=A,B,.. or KNOB=A:B:N .*max-batch-size, quota/);
    expect(await sweep('quota')).toMatch(/^kvpool sweep: --x: got "quota"; expected KNOB=/);
  });

  it('read each value as strictly as the knob\'s own flag: no hex, exponent, fraction or value past the limit', async () => {
    for (const v of ['0x10', '1e3', '1.5', '99999999', '']) expect(await sweep(`max-batch-size=4,${v}`, 'quota=1GiB')).toContain(`--x: got "max-batch-size=4,${v}"`);
    expect(await sweep('max-seq-len=1e9')).toMatch(/--x: got "max-seq-len=1e9"; expected .*at most 16,777,216/);
    expect(await sweep('max-util-for-resume=0')).toMatch(/--x: got "max-util-for-resume=0"; expected .*a number in \(0, 1\]/);
    expect(await sweep('pool-ratio-0=1.5')).toMatch(/--x: got "pool-ratio-0=1.5"; expected .*a share in \(0, 1\)/);
  });

  it('what the subject refuses is named at the flag too, before any cell runs', async () => {
    expect(await sweep('pool-ratio-5=0.5')).toBe('kvpool sweep: --x: got "pool-ratio-5=0.5"; expected pool-ratio-0 .. pool-ratio-2');
    expect(await sweep('tokens-per-block=16,32')).toMatch(/^kvpool sweep: --x: got "tokens-per-block=16,32"; expected a preset subject/);
    expect(await sweep('quota=1GiB', 'quota=2GiB')).toBe('kvpool sweep: --y: got "quota=2GiB"; expected a knob other than --x\'s quota');
  });
});

describe('check, simulate and plan flags', () => {
  it('--max-util-for-resume is (0, 1] on every path, as its help says', async () => {
    expect(await refused(['check', '--scenario', 'straddle', '--max-util-for-resume', '0'])).toBe('kvpool check: --max-util-for-resume: got "0"; expected a number in (0, 1]');
    expect(await refused(['simulate', '--scenario', 'straddle', '--max-util-for-resume', '0x1'])).toBe('kvpool simulate: --max-util-for-resume: got "0x1"; expected a number in (0, 1]');
  });

  it('an unknown preset is named as --preset', async () => {
    for (const cmd of ['plan', 'simulate', 'check']) expect(await refused([cmd, '--preset', 'nope'])).toMatch(new RegExp(`^kvpool ${cmd}: --preset: got "nope"; expected one of deepseek-v4-flash`));
  });

  it('check and sweep offer --scenario NAME only (a verdict re-plans its subject)', async () => {
    for (const cmd of ['check', 'sweep']) {
      const io = memoryIo();
      expect(await main([cmd, '--help'], io)).toBe(0);
      expect(io.stdout).toMatch(/--scenario NAME +named scenario: trtllm-15401, /);
      expect(io.stdout).not.toContain('engine scenario JSON');
    }
    expect(await refused(['check', '--scenario', 'file.json'])).toMatch(/^kvpool check: --scenario: got "file.json"; expected a named scenario: trtllm-15401/);
  });

  it('kvpool presets answers --help (with the aliases) and refuses a positional argument', async () => {
    const io = memoryIo();
    expect(await main(['presets', '--help'], io)).toBe(0);
    expect(io.stdout).toMatch(/^usage: kvpool presets \[--json\]/);
    expect(io.stdout).toContain('mistral-7b = mistral-7b-v0.1');
    expect(await refused(['presets', 'extra'])).toBe('kvpool presets: argument: got "extra"; expected flags only (see kvpool presets --help)');
  });
});

describe('byte sizes', () => {
  it('a fraction of a byte is refused, not rounded; a fraction of a unit is rounded to the byte', async () => {
    expect(await refused(['plan', '--preset', 'gemma-3-27b', '--quota', '1.5'])).toBe('kvpool plan: --quota: got "1.5"; expected a whole number of bytes, or a size with a unit such as 1.5KiB');
    expect(await refused(['plan', '--preset', 'gemma-3-27b', '--quota', '2.5B'])).toMatch(/--quota: got "2.5B"; expected a whole number of bytes/);
    expect(parseBytes('--quota', '0.1GiB')).toBe(Math.round(0.1 * 2 ** 30));
    expect(parseBytes('--quota', '1.5KiB')).toBe(1536);
  });
});
