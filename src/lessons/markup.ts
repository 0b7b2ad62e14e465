/**
 * Glossary marks in lesson text: `[[stale blocks]]` shows "stale blocks" and explains the entry
 * "stale block"; `[[slots they hold|slot]]` shows other words for an entry. A mark that names no
 * entry stays plain text (the unit tests reject it in every lesson).
 */
import { type GlossaryEntry, glossaryEntry } from './glossary.ts';

export interface Segment {
  readonly text: string;
  readonly entry?: GlossaryEntry;
}

const MARK = /\[\[([^\]|]+)(?:\|([^\]]+))?\]\]/g;

export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const m of text.matchAll(MARK)) {
    if (m.index > at) out.push({ text: text.slice(at, m.index) });
    const entry = glossaryEntry(m[2] ?? m[1]);
    out.push(entry ? { text: m[1], entry } : { text: m[1] });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

/** The text without marks (for the CLI, titles, aria labels). */
export function plain(text: string): string {
  return segments(text)
    .map((s) => s.text)
    .join('');
}

/** Marked words that name no glossary entry (a lesson's text must have none). */
export function unknownMarks(text: string): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(MARK)) if (!glossaryEntry(m[2] ?? m[1])) bad.push(m[2] ?? m[1]);
  return bad;
}
