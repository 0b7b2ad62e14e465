import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { fround, mainCases } from '../planner/helpers.ts';

async function run(argv: string[], files: Record<string, string> = {}) {
  const io = memoryIo(files);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('kvpool plan --scenario FILE --json --engine trtllm-v2@main reproduces the main golden cases', () => {
  for (const c of mainCases) {
    it(c.name, async () => {
      const { code, out, err } = await run(['plan', '--scenario', 'case.json', '--json', '--engine', 'trtllm-v2@main'], { 'case.json': JSON.stringify(c.input) });
      const expected = c.expected as Record<string, unknown>;
      const got = JSON.parse(out);
      expect(got.engine).toBe('trtllm-v2@main');
      for (const [key, value] of Object.entries(expected)) {
        const mine = key === 'pool_groups' ? got.pool_groups.map(({ name: _n, ...rest }: Record<string, unknown>) => rest) : got[key];
        expect(fround(mine), key).toEqual(fround(value));
      }
      if (expected.error) {
        const e = expected.error as { type: string; message: string };
        expect(code).toBe(1);
        expect(err).toContain(`${e.type}: ${e.message}`);
      } else expect(code).toBe(0);
    });
  }
  it('a file with "engine": "trtllm-v2@main" needs no flag; without the field it is read as @15401', async () => {
    const input = mainCases[0].input as Record<string, unknown>;
    const withField = JSON.parse((await run(['plan', '--scenario', 's.json', '--json'], { 's.json': JSON.stringify({ ...input, engine: 'trtllm-v2@main' }) })).out);
    expect(withField.min_slots).toEqual([568, 2, 2]);
    const { max_util_for_resume: _mu, ...old } = input;
    const without = JSON.parse((await run(['plan', '--scenario', 's.json', '--json'], { 's.json': JSON.stringify(old) })).out);
    expect(without.engine).toBe('trtllm-v2@15401');
    expect(without.min_slots).toEqual([1, 539, 1]);
  });
  it('--engine overrides the file\'s version; an unknown id names the valid ones', async () => {
    const file = { 's.json': JSON.stringify({ ...(mainCases[0].input as object), engine: 'trtllm-v2@main' }) };
    expect(JSON.parse((await run(['plan', '--scenario', 's.json', '--json', '--engine', 'trtllm-v2@15401'], file)).out).min_slots).toEqual([1, 539, 1]);
    const bad = await run(['plan', '--scenario', 's.json', '--engine', 'trtllm-v3'], file);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--engine: got "trtllm-v3"; expected .*trtllm-v2@main.*trtllm-v2@15401/);
  });
  it('--help lists the engines, the modes each ships and the knobs with the engines that read them', async () => {
    const { code, out } = await run(['plan', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('trtllm-v2@main (ships --constraints main; default main)');
    expect(out).toContain('trtllm-v2@15401 (ships --constraints as-shipped, upstream; default as-shipped)');
    expect(out).toMatch(/--max-util-for-resume X .*read by trtllm-v2@main/);
    expect(out).toMatch(/--pool-ratio R,R,.. .*read by trtllm-v2@main, trtllm-v2@15401/);
  });
  it('a knob only @main reads is refused with @15401', async () => {
    const { code, err } = await run(['plan', '--engine', 'trtllm-v2@15401', '--max-cuda-graph-batch-size', '8']);
    expect(code).toBe(2);
    expect(err).toMatch(/--max-cuda-graph-batch-size: got "8"; expected only with --engine trtllm-v2@main/);
  });
  it('--engine A,B --json prints {engines: [plan, plan], diff: [{field, from, to, rule}]}', async () => {
    const flags = ['plan', '--preset', 'deepseek-v4-flash', '--tokens-per-block', '256', '--max-seq-len', '137984', '--max-batch-size', '64', '--quota', '40GiB', '--kv-dtype', 'fp8', '--pool-ratio', '0.01,0.98,0.01'];
    const { code, out } = await run([...flags, '--engine', 'trtllm-v2@15401,trtllm-v2@main', '--json']);
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.engines.map((e: { engine: string }) => e.engine)).toEqual(['trtllm-v2@15401', 'trtllm-v2@main']);
    expect(j.engines[0].min_slots).toEqual([1, 539, 1]);
    expect(j.engines[1].min_slots).toEqual([2, 2, 2]);
    expect(j.diff).toContainEqual(expect.objectContaining({ field: 'min_slots[STATE]', from: 1, to: 2, rule: 'structural-floor' }));
    const text = await run([...flags, '--engine', 'trtllm-v2@15401,trtllm-v2@main']);
    expect(text.out).toMatch(/min_slots\[STATE\]\s+1\s+2\s+structural-floor/);
    expect(text.out).toContain('min_slots[STATE] 1 -> 2: structural floor, window 8 at tpb 256 spans up to 2 blocks (PR #15588');
  });
  it('--max-util-for-resume feeds @main\'s headroom: C1\' COMPRESS 602 -> ceil(602 / 0.5) = 1204', async () => {
    const flags = ['plan', '--preset', 'deepseek-v4-flash', '--tokens-per-block', '256', '--max-seq-len', '137984', '--max-batch-size', '64', '--quota', '40GiB', '--kv-dtype', 'fp8', '--json'];
    expect(JSON.parse((await run(flags)).out).min_slots).toEqual([634, 68, 68]);
    const half = JSON.parse((await run([...flags, '--max-util-for-resume', '0.5'])).out);
    expect(half.min_slots).toEqual([1204, 128, 128]);
    expect(half.max_util_for_resume).toBe(0.5);
    const bad = await run([...flags, '--max-util-for-resume', '0']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--max-util-for-resume: got "0"; expected a number \[0 < x <= 1\]/);
  });
});
