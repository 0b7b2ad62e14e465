import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attentionInputFromJson } from '../../src/attn/json.ts';
import { referencePagedDecode } from '../../src/attn/reference.ts';
import { attentionCommand } from '../../src/cli/attention.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

const example = readFileSync(new URL('../../public/examples/attention-input.json', import.meta.url), 'utf8');

describe('kvpool attention (cpu backend)', () => {
  it('--json prints the reference output, backend and the pages read', async () => {
    const io = memoryIo({ 'in.json': example });
    expect(await attentionCommand(['--input', 'in.json', '--json', '--backend', 'cpu'], io)).toBe(0);
    const out = JSON.parse(io.stdout);
    expect(out.backend).toBe('cpu');
    expect(typeof out.adapter).toBe('string');
    const ref = referencePagedDecode(attentionInputFromJson(JSON.parse(example)));
    expect(out.output.flat()).toEqual(Array.from(ref));
    expect(out.output).toHaveLength(2);
    expect(out.output[0]).toHaveLength(4 * 8);
    // seq 0: 14 tokens, window 6 + 1 sink -> pages 0 (sink), 2, 3; page 1 is the null page
    expect(out.pages_read).toEqual([
      [0, 2, 3],
      [0, 1],
    ]);
  });

  it('without --json prints a short summary', async () => {
    const io = memoryIo({ 'in.json': example });
    expect(await attentionCommand(['--input', 'in.json', '--backend', 'cpu'], io)).toBe(0);
    expect(io.stdout).toMatch(/seq 0: kv_len 14, read 3 of 4 pages \(slots 5 7 0\)/);
    expect(io.stdout).toMatch(/backend: cpu/);
  });

  it('inconsistent inputs are one-line errors with exit 2', async () => {
    const bad = JSON.parse(example);
    bad.kv_indices[2] = 99;
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify(bad), /kv_indices\[2\]: got 99; expected a slot in \[0, 8\)/],
      [JSON.stringify({ ...JSON.parse(example), kv_last_page_len: [2] }), /kv_last_page_len: got "length 1"; expected length 2/],
      [JSON.stringify({ ...JSON.parse(example), kv_indptr: [0, 4, 7] }), /kv_indices: got "length 6"; expected length 7/],
      ['{"head_dim": 8', /--input: .*expected valid JSON/],
    ];
    for (const [text, msg] of cases) {
      const io = memoryIo({ 'in.json': text });
      expect(await main(['attention', '--input', 'in.json', '--backend', 'cpu'], io)).toBe(2);
      expect(io.stderr).toMatch(msg);
      expect(io.stderr.trim().split('\n')).toHaveLength(1);
    }
    const io = memoryIo();
    expect(await main(['attention', '--backend', 'cpu'], io)).toBe(2);
    expect(io.stderr).toMatch(/--input: got nothing/);
    expect(await main(['attention', '--input', 'x', '--backend', 'npu'], io)).toBe(2);
    expect(io.stderr).toMatch(/--backend: got "npu"; expected one of gpu, cpu, auto/);
  });
});

describe('padded block_table input', () => {
  it('gives the same output as the CSR form', async () => {
    const csr = JSON.parse(example);
    // seq 0: pages [5, -1, 7, 0], 14 tokens; seq 1: pages [3, 6], 6 tokens; rows padded with -1
    const padded = { ...csr, block_table: [[5, -1, 7, 0], [3, 6, -1, -1]], kv_lens: [14, 6] };
    delete padded.kv_indptr;
    delete padded.kv_indices;
    delete padded.kv_last_page_len;
    const a = referencePagedDecode(attentionInputFromJson(csr));
    const b = referencePagedDecode(attentionInputFromJson(padded));
    expect(b).toEqual(a);
    expect(() => attentionInputFromJson({ ...padded, kv_lens: [14] })).toThrow(/kv_lens: got "length 1"/);
    expect(() => attentionInputFromJson({ ...padded, kv_lens: [20, 6] })).toThrow(/block_table\[0\]: got "length 4"; expected >= 5 blocks/);
    expect(() => attentionInputFromJson({ ...padded, kv_indptr: [0, 4, 6] })).toThrow(/either block_table/);
  });
});
