import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

const root = resolve(__dirname, '../..');
const casesPath = resolve(root, 'test/fixtures/cases/trtllm-15401/dsv4-flash-fp8-40g.json');
const cases = JSON.parse(readFileSync(casesPath, 'utf8')).cases as { name: string; input: unknown; expected: Record<string, unknown> }[];

async function run(argv: string[], files: Record<string, string> = {}) {
  const io = memoryIo(files);
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

// The #15401-era numbers: pin the version (presets and flags default to trtllm-v2@main).
const issueFlags = ['--engine', 'trtllm-v2@15401', '--preset', 'deepseek-v4-flash', '--tokens-per-block', '256', '--max-seq-len', '137984', '--max-batch-size', '64', '--quota', '40GiB', '--kv-dtype', 'fp8'];

describe('kvpool plan --scenario FILE --json reproduces the golden cases', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { code, out } = await run(['plan', '--scenario', 'case.json', '--json'], { 'case.json': JSON.stringify(c.input) });
      expect(code).toBe(0);
      const got = JSON.parse(out);
      for (const key of ['min_slots', 'slot_counts', 'granularity', 'initial_ratio', 'bytes_per_pool_group', 'constraint_slots', 'total_grains', 'ratio_source', 'min_quota_bytes', 'effective_quota_bytes', 'quota_raised_to_min', 'life_cycles', 'realized_slots_per_pool', 'grains_per_pool_group', 'error']) {
        expect(got[key], key).toEqual(c.expected[key]);
      }
      expect(got.pool_groups.map(({ name: _n, ...rest }: Record<string, unknown>) => rest)).toEqual(c.expected.pool_groups);
    });
  }
});

describe('kvpool plan from a preset and flags', () => {
  const slots = async (extra: string[]) => JSON.parse((await run(['plan', ...issueFlags, ...extra, '--json'])).out);
  it('#15401 floors and skewed-ratio slot counts', async () => {
    expect((await slots(['--constraints', 'as-shipped'])).min_slots).toEqual([1, 539, 1]);
    expect((await slots(['--constraints', 'issue-fix'])).min_slots).toEqual([64, 539, 64]);
    expect((await slots(['--constraints', 'upstream'])).min_slots).toEqual([64, 602, 64]);
    expect((await slots(['--constraints', 'as-shipped', '--pool-ratio', '0.01,0.98,0.01'])).slot_counts).toEqual([16, 47473, 7]);
    expect((await slots(['--constraints', 'issue-fix', '--pool-ratio', '0.01,0.98,0.01'])).slot_counts).toEqual([64, 42555, 64]);
  });
  it('prints a readable table with the findings', async () => {
    const { code, out } = await run(['plan', ...issueFlags, '--pool-ratio', '0.01,0.98,0.01']);
    expect(code).toBe(0);
    expect(out).toMatch(/2 STATE\s+8\s+55050240/);
    expect(out).toContain('it gets 7 slots, so at most 7 requests can decode at once');
  });
  it('presets lists the presets', async () => {
    const { code, out } = await run(['presets']);
    expect(code).toBe(0);
    for (const id of ['deepseek-v4-flash', 'deepseek-v4-pro', 'deepseek-v3', 'gpt-oss-20b', 'gpt-oss-120b', 'gemma-2-9b', 'gemma-3-27b', 'llama-4-scout', 'command-a', 'qwen3-next-80b-a3b', 'jamba-v0.1', 'llama-3.1-8b']) expect(out).toContain(id);
    expect(out).toMatch(/mistral-7b/);
  });
  it('a quota below min_quota is raised with a loud warning', async () => {
    const { code, out, err } = await run(['plan', ...issueFlags.filter((f, i, a) => f !== '40GiB' && a[i] !== '--quota'), '--quota', '1GiB', '--constraints', 'issue-fix', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).quota_raised_to_min).toBe(true);
    expect(err).toMatch(/^WARNING: quota raised/);
  });
});

describe('kvpool plan: bad input gets one clear line and a non-zero exit', () => {
  const bad: [string, string[], RegExp, Record<string, string>?][] = [
    ['unknown preset', ['plan', '--preset', 'gpt-5'], /preset.*"gpt-5".*deepseek-v4-flash/],
    ['unknown flag', ['plan', '--tokens', '3'], /flag: got "--tokens"; expected one of .*--tokens-per-block/],
    ['non-numeric', ['plan', '--max-batch-size', 'lots'], /--max-batch-size: got "lots"; expected an integer >= 1/],
    ['negative', ['plan', '--max-seq-len', '-5'], /--max-seq-len: got "-5"/],
    ['zero quota', ['plan', '--quota', '0'], /--quota: got "0"; expected a size > 0/],
    ['bad dtype', ['plan', '--kv-dtype', 'int3'], /--kv-dtype: got "int3"; expected fp32, bf16/],
    ['bad mode', ['plan', '--constraints', 'yolo'], /--constraints: got "yolo"; expected main, as-shipped, issue-fix/],
    ['bad tpb for DeepSeek-V4', ['plan', '--tokens-per-block', '64'], /tokens-per-block.*64.*128.*256/],
    ['malformed JSON', ['plan', '--scenario', 's.json'], /--scenario s.json: got .*expected valid JSON/, { 's.json': '{"tokens_per_block": 4,' }],
    ['history > capacity', ['plan', '--scenario', 's.json'], /constraints\[0\]\.kv_caches\[0\]\[1\] \(history\): got 11; expected an integer in \[0, capacity = 10\]/, { 's.json': JSON.stringify({ tokens_per_block: 4, layers: [{ layer_id: 0, kind: 'attn', window: null, sink_tokens: null, buffers: [{ role: 'k', bytes_per_block: 64 }] }], gpu_quota_bytes: 1e9, typical_step: null, constraints: [{ kv_caches: [[10, 11]], system_prompt_length: 0 }], initial_pool_ratio: null }) }],
    ['missing file', ['plan', '--scenario', '/nonexistent.json'], /--scenario: got "\/nonexistent.json"; expected a readable file \(ENOENT\)/],
  ];
  for (const [name, argv, pattern, files] of bad) {
    it(name, async () => {
      const { code, err } = await run(argv, files);
      expect(code).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(pattern);
      expect(err).not.toMatch(/\n\s+at /); // no stack trace
    });
  }
  it('a --pool-ratio of the wrong length is bad input (exit 2) under each version\'s own length rule; in a scenario file it is the engine\'s refusal (exit 1)', async () => {
    const main = await run(['plan', '--pool-ratio', '0.5,0.5']);
    expect(main.code).toBe(2);
    expect(main.err.trim()).toMatch(/^kvpool plan: --pool-ratio: got "0.5,0.5"; expected 3 numbers, one per life cycle$/);
    const old = await run(['plan', '--engine', 'trtllm-v2@15401', '--pool-ratio', '0.5,0.5']);
    expect(old.code).toBe(2);
    expect(old.err.trim()).toMatch(/^kvpool plan: --pool-ratio: got "0.5,0.5"; expected 3 numbers, one per pool group$/);
    const s = { ...(cases[0].input as Record<string, unknown>), typical_step: null, initial_pool_ratio: [0.5, 0.5] };
    const file = await run(['plan', '--scenario', 's.json'], { 's.json': JSON.stringify(s) });
    expect(file.code).toBe(1);
    expect(file.err).toContain('AssertionError: Wrong ratio_list length. Expected 3, got 2');
  });
  it('a scenario with quota 0 reports the engine refusal as JSON and exits 1', async () => {
    const s = { ...(cases[0].input as Record<string, unknown>), gpu_quota_bytes: 0 };
    const { code, out } = await run(['plan', '--scenario', 's.json', '--json'], { 's.json': JSON.stringify(s) });
    expect(code).toBe(1);
    expect(JSON.parse(out).error).toEqual({ type: 'AssertionError', message: 'Quota must be positive' });
  });
});

describe('the installed command', () => {
  it('runs through bin/kvpool.mjs', () => {
    const out = execFileSync(process.execPath, [resolve(root, 'bin/kvpool.mjs'), 'plan', ...issueFlags, '--constraints', 'issue-fix', '--pool-ratio', '0.01,0.98,0.01', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out).slot_counts).toEqual([64, 42555, 64]);
  });
  it('exits 2 with one line on bad input', () => {
    const r = spawnSync(process.execPath, [resolve(root, 'bin/kvpool.mjs'), 'plan', '--quota', 'lots'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('kvpool plan: --quota: got "lots"; expected a byte size such as 40GiB, 512MiB or 1073741824');
  });
});

describe('kvpool plan --peers', () => {
  it('adds the other engines side by side (table and JSON)', async () => {
    const table = await run(['plan', '--preset', 'gemma-3-27b', '--max-seq-len', '32768', '--max-num-tokens', '8192', '--peers']);
    expect(table.code).toBe(0);
    for (const engine of ['trtllm-v2 (this plan)', 'vllm', 'sglang', 'trtllm-v1', 'llama.cpp']) expect(table.out).toContain(engine);
    const json = JSON.parse((await run(['plan', '--preset', 'gemma-3-27b', '--max-seq-len', '32768', '--peers', '--json'])).out);
    expect(json.peers.map((p: { engine: string }) => p.engine)).toEqual(['vllm', 'sglang', 'trtllm-v1', 'llama.cpp']);
  });
});

describe('kvpool plan --constraints custom and --swa-scratch-reuse', () => {
  it('custom batches from a file apply to the model', async () => {
    const batches = { typical_step: null, constraints: [{ kv_caches: [[256, 255, 100]], system_prompt_length: 0 }] };
    const { code, out } = await run(['plan', ...issueFlags, '--constraints', 'custom', '--batches', 'b.json', '--json'], { 'b.json': JSON.stringify(batches) });
    expect(code).toBe(0);
    const got = JSON.parse(out);
    expect(got.min_slots).toEqual([100, 100, 100]);
    expect(got.ratio_source).toBe('constraints');
  });
  it('custom without --batches, and --batches without custom, are errors', async () => {
    expect((await run(['plan', '--constraints', 'custom'])).err).toMatch(/--constraints: got "custom"; expected with --batches FILE/);
    expect((await run(['plan', '--batches', 'b.json'], { 'b.json': '{}' })).err).toMatch(/--batches: got "b.json"; expected only with --constraints custom/);
  });
  it('SWA scratch reuse lowers the prefill floor of windowed pools', async () => {
    const chunkFloor = async (extra: string[]) => JSON.parse((await run(['plan', ...issueFlags, '--constraints', 'upstream', '--max-num-tokens', '8192', ...extra, '--json'])).out).constraint_slots;
    const plain = await chunkFloor([]);
    const reuse = await chunkFloor(['--swa-scratch-reuse', '0']);
    // the context chunk (8192, 0): 32 blocks in every windowed pool without reuse, far fewer with it
    expect(plain[1]).toEqual([32, 32, 32]);
    expect(reuse[1][0]).toBeLessThan(32);
    expect(reuse[1][1]).toBe(32); // COMPRESS has no window: no scratch
  });
});
