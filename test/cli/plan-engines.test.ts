/** kvpool plan through the engine registry: every engine by the same path, and two families side by side. */
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { ENGINES } from '../../src/planner/engines/registry.ts';

const MODEL = ['--preset', 'gemma-3-27b', '--quota', '30GiB', '--max-seq-len', '8192'];

describe('kvpool plan --engine, generic', () => {
  it('every registry engine plans a preset and prints its own JSON, with no engine-specific CLI code', async () => {
    for (const e of ENGINES) {
      const io = memoryIo();
      expect(await main(['plan', ...MODEL, '--engine', e.id, '--json'], io), `${e.id}: ${io.stderr}`).toBe(0);
      const j = JSON.parse(io.stdout);
      expect(typeof j, e.id).toBe('object');
      expect(j.error ?? null, e.id).toBeNull();
    }
  });

  it('two engine families side by side: both outputs, their pools, and no invented rule', async () => {
    const io = memoryIo();
    expect(await main(['plan', ...MODEL, '--engine', 'trtllm-v2@main,vllm-v1', '--json'], io)).toBe(0);
    const j = JSON.parse(io.stdout);
    expect(j.engines).toHaveLength(2);
    expect(j.diff).toBeNull();
    expect(j.attribution).toMatch(/different engine families: .* no difference can be attributed to a rule/);
    // The pools beside it are the engines' own numbers.
    expect(j.pools[0].pool_groups.map((p: { slots: number }) => p.slots)).toEqual(j.engines[0].slot_counts);
    expect(j.pools[1].pool_groups[0].slots).toBe(j.engines[1].num_blocks);
    const table = memoryIo();
    expect(await main(['plan', ...MODEL, '--engine', 'sglang,trtllm-v2@15401', '--swa-full-tokens-ratio', '0.5'], table)).toBe(0);
    expect(table.stdout).toContain('== sglang ==');
    expect(table.stdout).toContain('pools side by side');
    expect(table.stdout).toContain('no difference can be attributed to a rule');
  });

  it('a knob of neither engine is still refused, naming the flag', async () => {
    const io = memoryIo();
    expect(await main(['plan', ...MODEL, '--engine', 'trtllm-v2@main,vllm-v1', '--swa-full-tokens-ratio', '0.5'], io)).toBe(2);
    expect(io.stderr).toMatch(/--swa-full-tokens-ratio.*only with --engine sglang/);
  });
});
