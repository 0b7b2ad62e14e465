/**
 * vLLM v1 golden cases (test/fixtures/cases/vllm/public-cases.json, computed by vLLM's own sizing
 * code at 001cabc): every case matches field by field through the library and through the CLI.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../../src/cli/io.ts';
import { main } from '../../../src/cli/main.ts';
import { sizeVllmCase, vllmResultJson } from '../../../src/planner/vllm/case.ts';
import { compareToGolden } from './golden-compare.ts';

interface GoldenCase {
  name: string;
  input: Record<string, unknown>;
  expected: Record<string, any>;
}
const FILE = 'test/fixtures/cases/vllm/public-cases.json';
const cases: GoldenCase[] = JSON.parse(readFileSync(FILE, 'utf8')).cases;

describe('vLLM v1 golden cases (001cabc)', () => {
  it('"engine": "vllm-v1" in the file selects the sizer without --engine', async () => {
    const io = memoryIo({ 'case.json': JSON.stringify({ ...cases[0].input, engine: 'vllm-v1' }) });
    expect(await main(['plan', '--scenario', 'case.json'], io)).toBe(0);
    expect(io.stdout).toContain('one shared block pool: 24576 blocks');
  });
  it('the Gemma-3-27B preset through kvpool plan --preset --engine vllm-v1 gives the first case exactly', async () => {
    const io = memoryIo();
    const args = ['plan', '--preset', 'gemma-3-27b', '--engine', 'vllm-v1', '--quota', '32212254720', '--max-seq-len', '131072', '--max-num-tokens', '8192', '--kv-dtype', 'bf16', '--json'];
    expect(await main(args, io)).toBe(0);
    compareToGolden(JSON.parse(io.stdout), cases[0].expected);
  });
  it('the fixture names its provenance', () => {
    const prov = JSON.parse(readFileSync(FILE, 'utf8')).provenance;
    expect(prov.commit).toBe('001cabc1be16a59a70d720ed61a13b678c060a18');
  });
  for (const c of cases) {
    it(c.name, () => {
      compareToGolden(vllmResultJson(sizeVllmCase(c.input).result), c.expected);
    });
    it(`${c.name} through kvpool plan --scenario --json --engine vllm-v1`, async () => {
      const io = memoryIo({ 'case.json': JSON.stringify(c.input) });
      const code = await main(['plan', '--scenario', 'case.json', '--json', '--engine', 'vllm-v1'], io);
      expect(code).toBe(c.expected.error ? 1 : 0);
      compareToGolden(JSON.parse(io.stdout), c.expected);
      if (c.expected.error) expect(io.stderr).toContain(c.expected.error.message);
    });
  }
});
