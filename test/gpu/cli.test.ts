import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attentionInputFromJson } from '../../src/attn/json.ts';
import { maxScaledError, referencePagedDecode } from '../../src/attn/reference.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { failOnUncapturedErrors, requireGpu } from './gpu-context.ts';

failOnUncapturedErrors();

const example = readFileSync(new URL('../../public/examples/attention-input.json', import.meta.url), 'utf8');

describe('kvpool attention --backend gpu', () => {
  it('matches the CPU reference and names the adapter', async () => {
    await requireGpu();
    const io = memoryIo({ 'in.json': example });
    expect(await main(['attention', '--input', 'in.json', '--json', '--backend', 'gpu'], io)).toBe(0);
    const out = JSON.parse(io.stdout);
    expect(out.backend).toBe('gpu');
    expect(out.kernel_path).toBe('texture');
    expect(out.adapter).not.toBe('');
    const ref = referencePagedDecode(attentionInputFromJson(JSON.parse(example)));
    expect(maxScaledError(Float32Array.from(out.output.flat()), ref)).toBeLessThan(1e-5);
    expect(out.pages_read).toEqual([
      [0, 2, 3],
      [0, 1],
    ]);
  });

  it('--kernel buffer runs the fallback and says so', async () => {
    await requireGpu();
    const io = memoryIo({ 'in.json': example });
    expect(await main(['attention', '--input', 'in.json', '--backend', 'gpu', '--kernel', 'buffer'], io)).toBe(0);
    expect(io.stdout).toMatch(/kernel: buffer path/);
    const bad = memoryIo({ 'in.json': example });
    expect(await main(['attention', '--input', 'in.json', '--kernel', 'fast'], bad)).toBe(2);
    expect(bad.stderr).toMatch(/--kernel: got "fast"/);
  });

  it('the GPU shape limits are user errors (exit 2)', async () => {
    const bad = { ...JSON.parse(example), head_dim: 6, q: [], k_pool: [], v_pool: [] };
    const input = JSON.parse(example);
    bad.q = input.q.map((row: number[]) => row.slice(0, 24));
    bad.k_pool = input.k_pool.slice(0, (input.k_pool.length / 8) * 6);
    bad.v_pool = bad.k_pool;
    const io = memoryIo({ 'bad.json': JSON.stringify(bad) });
    expect(await main(['attention', '--input', 'bad.json', '--backend', 'gpu'], io)).toBe(2);
    expect(io.stderr).toMatch(/head_dim: got 6; expected a multiple of 4/);
  });
});
