import { describe, expect, it } from 'vitest';
import { parseUrlState } from '../../src/ui/state/codec.ts';

describe('the page reads numbers in a link with the core strict parser (as the CLI does)', () => {
  it('hex, binary and exponent spellings are problems, never values', () => {
    for (const q of ['ratio=0x10', 'ratio=0.5,0x1,0.5', 'util=0x1', 'tpb=0x10', 'tpb=1e2', 'rate=0b1', 'spread=Infinity']) {
      const { problems } = parseUrlState(q);
      expect(problems.length, q).toBe(1);
      expect(problems[0].param, q).toBe(q.split('=')[0]);
    }
    expect(parseUrlState('ratio=0.25,0.5,0.25').state.poolRatio).toEqual([0.25, 0.5, 0.25]);
  });
  it('util is (0, 1] as the CLI\'s --max-util-for-resume: 0 is a problem at util, not an engine refusal named quota', () => {
    const { state, problems } = parseUrlState('?preset=gemma-3-27b&util=0');
    expect(problems.map((p) => [p.param, p.expected])).toEqual([['util', 'a number in (0, 1]']]);
    expect(state.maxUtilForResume).toBe(0.95);
    expect(parseUrlState('util=1').state.maxUtilForResume).toBe(1);
  });
  it('a key given twice is a problem naming it', () => {
    const { problems } = parseUrlState('tpb=32&tpb=64');
    expect(problems.map((p) => p.param)).toEqual(['tpb']);
    expect(problems[0].expected).toMatch(/given 2 times/);
  });
});
