import { describe, expect, it } from 'vitest';
import { GLOSSARY, glossaryEntry } from '../../src/lessons/glossary.ts';
import { plain, segments, unknownMarks } from '../../src/lessons/markup.ts';
import { LESSON_IDS } from '../../src/lessons/registry.ts';

describe('glossary', () => {
  it('has the words the lessons teach, each once, every alias pointing at one entry', () => {
    const words = GLOSSARY.flatMap((g) => [g.term, ...g.aliases].map((w) => w.toLowerCase()));
    expect(new Set(words).size).toBe(words.length);
    for (const t of ['block', 'slot', 'page', 'block table', 'paged', 'life cycle', 'pool group', 'min_slots', 'stale block', 'straddle', 'window', 'sink', 'peel loop', 'grain', 'ratio', 'suspend', 'resume gate', 'deadlock']) {
      expect(glossaryEntry(t)?.term).toBe(t);
    }
    for (const g of GLOSSARY) {
      expect(g.text.length).toBeGreaterThan(20);
      if (g.lesson) expect(LESSON_IDS).toContain(g.lesson);
    }
  });

  it('marks: [[word]] and [[shown|entry]], unknown marks stay text and are reported', () => {
    const s = segments('A [[stale blocks]] and [[the slots|slot]] and [[nonsense]].');
    expect(s.map((x) => [x.text, x.entry?.term])).toEqual([
      ['A ', undefined],
      ['stale blocks', 'stale block'],
      [' and ', undefined],
      ['the slots', 'slot'],
      [' and ', undefined],
      ['nonsense', undefined],
      ['.', undefined],
    ]);
    expect(plain('[[Blocks|block]] of [[tokens per block]]')).toBe('Blocks of tokens per block');
    expect(unknownMarks('[[block]] [[frobnicate]]')).toEqual(['frobnicate']);
  });
});
