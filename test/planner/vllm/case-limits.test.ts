/**
 * A vLLM case file is bounded by the one limits table (src/limits.ts), refused in the same words
 * as the flag that carries the same quantity (`--max-seq-len`, `--quota`, ...).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../../src/cli/io.ts';
import { main } from '../../../src/cli/main.ts';
import { LIMITS } from '../../../src/limits.ts';
import { InputError } from '../../../src/model/errors.ts';
import { parseVllmCase } from '../../../src/planner/vllm/case.ts';

const base: Record<string, unknown> = JSON.parse(readFileSync('test/fixtures/cases/vllm/public-cases.json', 'utf8')).cases[0].input;
const layer0 = (base.layers as Record<string, unknown>[])[0];
const withLayer = (extra: Record<string, unknown>) => ({ ...base, layers: [{ ...layer0, ...extra }, ...(base.layers as unknown[]).slice(1)] });

function refusal(raw: unknown): InputError {
  try {
    parseVllmCase(raw);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('accepted');
}

/** What the flag of the same quantity says past its limit. */
async function flagExpected(flag: string, value: string): Promise<string> {
  const io = memoryIo();
  expect(await main(['plan', '--preset', 'gemma-3-27b', flag, value], io)).toBe(2);
  return io.stderr.replace(/^.*; expected /, '').trim();
}

describe('vLLM case limits come from LIMITS', () => {
  it('token counts stop at LIMITS.tokens (not 2^31), in the --max-seq-len words', async () => {
    const over = LIMITS.tokens.max + 1;
    const words = await flagExpected('--max-seq-len', String(over));
    for (const [field, raw] of [
      ['max_model_len', { ...base, max_model_len: over }],
      ['max_num_batched_tokens', { ...base, max_num_batched_tokens: over }],
      ['layers[0].block_size', withLayer({ block_size: over })],
    ] as const) {
      const e = refusal(raw);
      expect(e.field).toBe(field);
      expect(e.expected).toBe(words);
    }
    expect(parseVllmCase({ ...base, max_model_len: LIMITS.tokens.max }).maxModelLen).toBe(LIMITS.tokens.max);
  });

  it('bytes stop at LIMITS.bytes, layers at LIMITS.layers, head dims at LIMITS.dimension', () => {
    expect(refusal({ ...base, available_memory_bytes: LIMITS.bytes.max + 1 }).expected).toMatch(/at most 1,125,899,906,842,624 \(1 PiB/);
    expect(refusal({ ...base, layers: Array.from({ length: LIMITS.layers.max + 1 }, () => layer0) }).expected).toMatch(/at most 4,096 \(/);
    expect(refusal(withLayer({ head_size: LIMITS.dimension.max + 1 })).expected).toMatch(/at most 1,048,576 \(/);
  });

  it('through the CLI: one line naming the file field', async () => {
    const io = memoryIo({ 'case.json': JSON.stringify({ ...base, max_model_len: 2 ** 31 }) });
    expect(await main(['plan', '--scenario', 'case.json', '--engine', 'vllm-v1'], io)).toBe(2);
    expect(io.stderr.trim().split('\n')).toHaveLength(1);
    expect(io.stderr).toMatch(/max_model_len: got 2147483648; expected an integer >= 1 and at most 16,777,216/);
  });
});
