/**
 * One source of engine defaults for the page and the CLI: they follow the model (tokens per block,
 * KV dtype, maxSeqLen within the model's maximum), and sizes read the same way everywhere (1TiB).
 */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.ts';
import { knobsFromArgs } from '../../src/cli/plan.ts';
import { DEFAULT_WORKLOAD, engineDefaultsFor, maxSeqLenWarning, parseSize } from '../../src/model/engine-defaults.ts';
import { listPresets } from '../../src/model/presets.ts';

describe('engineDefaultsFor(model)', () => {
  it('every preset gets its own tokens per block, dtype and a maxSeqLen within its maximum', () => {
    for (const m of listPresets()) {
      const d = engineDefaultsFor(m);
      expect(d.tokensPerBlock, m.id).toBe(m.defaults.tokensPerBlock);
      expect(d.kvDtype, m.id).toBe(m.defaults.kvDtype);
      expect(d.maxSeqLen, m.id).toBeLessThanOrEqual(m.maxContext);
      expect(maxSeqLenWarning(m, d.maxSeqLen), m.id).toBeNull();
      expect(maxSeqLenWarning(m, m.maxContext + 1), m.id).toMatch(/above/);
    }
  });

  it('the CLI reads the same defaults', () => {
    for (const m of listPresets().slice(0, 6)) {
      const k = knobsFromArgs(parseArgs([], []), m);
      const d = engineDefaultsFor(m);
      expect([k.tokensPerBlock, k.kvDtype, k.maxSeqLen, k.maxBatchSize, k.quotaBytes]).toEqual([d.tokensPerBlock, d.kvDtype, d.maxSeqLen, d.maxBatchSize, d.quotaBytes]);
    }
    expect(DEFAULT_WORKLOAD).toEqual({ requests: 64, promptLen: 1024, outputLen: 256 });
  });

  it('sizes take binary units up to TiB; anything else is null', () => {
    expect(parseSize('1TiB')).toBe(2 ** 40);
    expect(parseSize('40GiB')).toBe(40 * 2 ** 30);
    expect(parseSize('512 MiB')).toBe(512 * 2 ** 20);
    expect(parseSize('40')).toBeNull();
    expect(parseSize('1XB')).toBeNull();
  });
});
