import { afterAll, describe, expect, it } from 'vitest';
import { CliRunner, CPU_LIMIT_MS, errorLines, KILL_AFTER_MS } from './harness.ts';
import { REPRODUCTIONS } from './reproductions.ts';

const GiB = 1024 ** 3;
const runner = new CliRunner();
afterAll(() => runner.stop());

describe('issue 12: every reproduction exits with its documented code, within 10 s of CPU and 1 GiB, naming the flag or field', () => {
  for (const r of REPRODUCTIONS) {
    it(r.id, async () => {
      const res = await runner.run(r, KILL_AFTER_MS);
      expect(res.kind, JSON.stringify(res)).toBe('done');
      if (res.kind !== 'done') return;
      const lines = errorLines(res.err);
      expect(res.code, res.err).toBe(r.code);
      expect(res.err).not.toMatch(/internal error|\n\s+at /);
      expect(res.maxRss).toBeLessThan(GiB);
      expect(res.cpuMs).toBeLessThan(CPU_LIMIT_MS);
      if (r.code === 0) {
        expect(lines, res.err).toEqual([]);
        if (r.names) expect(res.err.split('\n').filter((l) => l.startsWith('WARNING:')).join('\n')).toMatch(r.names);
      } else {
        expect(lines.length, res.err).toBe(1);
        if (r.names) expect(lines[0]).toMatch(r.names);
      }
    }, KILL_AFTER_MS + 20_000);
  }
});
