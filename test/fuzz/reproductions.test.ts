import { afterAll, describe, expect, it } from 'vitest';
import { CliRunner, errorLines } from './harness.ts';
import { REPRODUCTIONS } from './reproductions.ts';

const TIME_OUT_MS = 10_000;
const GiB = 1024 ** 3;
const runner = new CliRunner();
afterAll(() => runner.stop());

describe('issue 12: every reproduction exits with its documented code, within 10 s and 1 GiB, naming the flag or field', () => {
  for (const r of REPRODUCTIONS) {
    it(r.id, async () => {
      const res = await runner.run(r, TIME_OUT_MS);
      expect(res.kind, JSON.stringify(res)).toBe('done');
      if (res.kind !== 'done') return;
      const lines = errorLines(res.err);
      expect(res.code, res.err).toBe(r.code);
      expect(res.err).not.toMatch(/internal error|\n\s+at /);
      expect(res.maxRss).toBeLessThan(GiB);
      if (r.code === 0) {
        expect(lines, res.err).toEqual([]);
        if (r.names) expect(res.err.split('\n').filter((l) => l.startsWith('WARNING:')).join('\n')).toMatch(r.names);
      } else {
        expect(lines.length, res.err).toBe(1);
        if (r.names) expect(lines[0]).toMatch(r.names);
      }
    }, TIME_OUT_MS + 20_000);
  }
});
