import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { simulateCommand } from '../../src/cli/simulate.ts';
import { generateWorkload, mulberry32, parseTrace } from '../../src/sim/workload.ts';

describe('mulberry32', () => {
  it('matches the canonical transcription (float accumulator) and pins its first outputs', () => {
    // The generator as usually published: `a` grows as a float; imul and ^ reduce it mod 2^32.
    function canonical(a: number) {
      return () => {
        a += 0x6d2b79f5;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }
    for (const seed of [0, 1, 12345, 0xffffffff]) {
      const a = mulberry32(seed);
      const b = canonical(seed);
      for (let i = 0; i < 1000; i++) expect(a()).toBe(b());
    }
    const r = mulberry32(1);
    expect([r(), r(), r()].map((x) => Math.round(x * 2 ** 32))).toEqual([2693262067, 11749833, 2265367787]);
    expect(mulberry32(2)()).not.toBe(mulberry32(1)());
  });
});

describe('generateWorkload', () => {
  it('fixed lengths, all arrivals at pass 0', () => {
    const w = generateWorkload({ requests: 3, prompt: { kind: 'fixed', value: 10 }, output: { kind: 'fixed', value: 5 }, arrivalRate: null, seed: 1 });
    expect(w).toEqual([0, 1, 2].map(() => ({ arrival: 0, prompt: 10, output: 5 })));
  });

  it('uniform and log-normal stay in their bounds; Poisson arrivals are ordered with the right mean rate', () => {
    const w = generateWorkload({
      requests: 2000,
      prompt: { kind: 'uniform', min: 5, max: 9 },
      output: { kind: 'lognormal', median: 100, sigma: 0.6, min: 1, max: 400 },
      arrivalRate: 0.5,
      seed: 42,
    });
    expect(w.every((r) => r.prompt >= 5 && r.prompt <= 9 && r.output >= 1 && r.output <= 400)).toBe(true);
    expect(new Set(w.map((r) => r.prompt))).toEqual(new Set([5, 6, 7, 8, 9]));
    const sorted = [...w.map((r) => r.output)].sort((a, b) => a - b);
    expect(sorted[1000]).toBeGreaterThan(90);
    expect(sorted[1000]).toBeLessThan(110);
    expect(w.every((r, i) => i === 0 || r.arrival >= w[i - 1].arrival)).toBe(true);
    // 2000 arrivals at 0.5 per pass span about 4000 passes.
    expect(w[1999].arrival).toBeGreaterThan(3700);
    expect(w[1999].arrival).toBeLessThan(4300);
  });

  it('the same seed gives the same requests; bad specs are InputErrors naming the field', () => {
    const spec = { requests: 50, prompt: { kind: 'uniform' as const, min: 1, max: 999 }, output: { kind: 'fixed' as const, value: 3 }, arrivalRate: 2, seed: 9 };
    expect(generateWorkload(spec)).toEqual(generateWorkload(spec));
    expect(() => generateWorkload({ ...spec, prompt: { kind: 'uniform', min: 10, max: 2 } })).toThrow(/workload\.prompt\.max: got 2/);
    expect(() => generateWorkload({ ...spec, arrivalRate: -1 })).toThrow(/workload\.arrivalRate/);
  });
});

describe('parseTrace', () => {
  it('reads the CSV fixture (comments, any column order) and the JSON forms', () => {
    const csv = parseTrace(readFileSync('test/fixtures/sim/trace-small.csv', 'utf8'));
    expect(csv).toEqual([
      { arrival: 0, prompt: 300, output: 40 },
      { arrival: 0, prompt: 120, output: 10 },
      { arrival: 2, prompt: 500, output: 64 },
      { arrival: 5, prompt: 64, output: 200 },
    ]);
    expect(parseTrace('output,arrival,prompt\n3,1,2\n')).toEqual([{ arrival: 1, prompt: 2, output: 3 }]);
    expect(parseTrace('[[0, 5, 6], {"arrival": 1, "prompt": 2, "output": 3}]')).toEqual([
      { arrival: 0, prompt: 5, output: 6 },
      { arrival: 1, prompt: 2, output: 3 },
    ]);
    expect(parseTrace('{"requests": [[4, 4, 4]]}')).toEqual([{ arrival: 4, prompt: 4, output: 4 }]);
  });

  it('bad rows name the row and the column', () => {
    expect(() => parseTrace('arrival,prompt,output\n0,10,5\n1,ten,5\n')).toThrow(/trace row 2 column prompt: got "ten"/);
    expect(() => parseTrace('arrival,prompt,output\n0,0,5\n')).toThrow(/trace row 1 column prompt: got 0; expected an integer in \[1, /);
    expect(() => parseTrace('arrival,prompt\n0,1\n')).toThrow(/trace header.*missing output/);
    expect(() => parseTrace('[[0, 1]]')).toThrow(/trace row 1: got \[0,1\]/);
    expect(() => parseTrace('[{"arrival": -1, "prompt": 1, "output": 1}]')).toThrow(/trace row 1 column arrival: got -1/);
  });

  it('kvpool simulate --trace runs the fixture on a preset', async () => {
    const io = memoryIo({ 'w.csv': readFileSync('test/fixtures/sim/trace-small.csv', 'utf8') });
    const code = await simulateCommand(['--preset', 'deepseek-v4-flash', '--constraints', 'issue-fix', '--max-seq-len', '8192', '--quota', '8GiB', '--trace', 'w.csv', '--json'], io);
    expect(code).toBe(0);
    const j = JSON.parse(io.stdout);
    expect(j).toMatchObject({ outcome: 'completed', requests: 4, completedRequests: 4 });
    expect(j.trace.requests).toEqual(parseTrace(readFileSync('test/fixtures/sim/trace-small.csv', 'utf8')));
  });
});
