/**
 * Byte counts past limits.bytes (1 PiB) are refused with one line naming the field, never sized
 * with numbers past 2^53 (where a JS number is no longer the exact byte count): inputs that are
 * each within the limits table can still multiply past it (slots x slot bytes).
 */
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { LIMITS } from '../../src/limits.ts';
import { InputError } from '../../src/model/errors.ts';
import { RULES_15401, RULES_MAIN } from '../../src/planner/trtllm-rules.ts';
import { planScenario } from '../../src/planner/trtllm-v2.ts';
import { layer, scenario } from './helpers.ts';

const PiB = LIMITS.bytes.max;
const TOKENS = LIMITS.tokens.max;
const BATCH = LIMITS.batchSize.max;

function refusal(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no InputError');
}

describe('min_quota and slot bytes within limits.bytes', () => {
  // One full-attention layer, tpb 1: one constraint of 65,536 requests of 2^24 tokens = 2^40 slots.
  const big = (bytesPerBlock: number) =>
    scenario([layer(0, null, [bytesPerBlock])], { tokens_per_block: 1, constraints: [{ kv_caches: [[TOKENS, TOKENS - 1, BATCH]], system_prompt_length: 0 }] });

  it('a min_quota of exactly 1 PiB is sized, exactly', () => {
    const plan = planScenario(big(1024));
    expect(plan.minSlots).toEqual([2 ** 40]);
    expect(plan.minQuotaBytes).toBe(PiB);
    expect(plan.effectiveQuotaBytes).toBe(PiB);
    expect(plan.slotCounts).toEqual([2 ** 40]);
  });

  it('one byte per block more is refused, naming constraints and the limit', () => {
    const e = refusal(() => planScenario(big(1025)));
    expect(e.field).toBe('constraints');
    expect(e.message).toMatch(/^constraints: got "min_quota of 1\.13e\+15 bytes"; expected .*min_slots \[1099511627776\].* at most 1,125,899,906,842,624 \(1 PiB/);
    expect(e.message).not.toContain('\n');
  });

  it('a slot larger than 1 PiB (bytes_per_block x buffers coalesced into it) names layers', () => {
    const e = refusal(() => planScenario(scenario([layer(0, null, [PiB]), layer(1, null, [PiB])])));
    expect([e.field, e.value]).toEqual(['layers', 'one slot of 2.25e+15 bytes in pool group 0']);
  });

  it('structural floors alone past the limit (a 2^24-token window at tpb 1) name layers, under main only', () => {
    const s = scenario([layer(0, TOKENS, [2 ** 27])], { tokens_per_block: 1 });
    expect(refusal(() => planScenario(s, RULES_MAIN)).field).toBe('layers');
    expect(planScenario(s, RULES_15401).minSlots).toEqual([1]); // the #15401 era floors at 1 slot
  });

  it('the resume gate is still refused first, in the engine words', () => {
    const plan = planScenario({ ...big(1025), max_util_for_resume: 0 }, RULES_MAIN);
    expect(plan.error?.message).toBe('max_util_for_resume must be in (0, 1]');
  });

  it('kvpool plan from flags: exit 2 and one line (it printed a 9.49e16-byte min_quota in 17 digits)', async () => {
    const io = memoryIo({});
    const argv = ['plan', '--constraints', 'safe', '--preset', 'gemma-3-27b', '--max-batch-size', String(BATCH), '--max-seq-len', String(TOKENS), '--tokens-per-block', '1'];
    expect(await main(argv, io)).toBe(2);
    expect(io.stdout).toBe('');
    expect(io.stderr.trim().split('\n')).toHaveLength(1);
    expect(io.stderr).toContain('constraints: got "min_quota of 9.49e+16 bytes"');
  });
});
