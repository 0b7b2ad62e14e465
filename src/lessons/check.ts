/**
 * Checking a student's answer against the live run: the question computes the answer from the
 * planner's and the simulator's outputs, and the explanation from the same numbers, so a wrong
 * answer is told what the run on screen actually does.
 */
import type { LiveRun } from './live.ts';
import type { Question } from './types.ts';

export interface CheckResult {
  readonly correct: boolean;
  /** The answer as the live run gives it. */
  readonly expected: string;
  /** A line for the student, from the live numbers (and their answer, when wrong). */
  readonly explanation: string;
}

/** How an answer is compared: numbers as integers (1,234 and " 7 " accepted), choices by text. */
export function normalizeAnswer(kind: Question['kind'], raw: string): string | null {
  const t = raw.trim();
  if (t === '') return null;
  if (kind === 'number') {
    // "1,234", " 7 " and "7 slots" all read as the number.
    const m = /^(-?\d[\d,_]*)\s*[a-z ]*$/i.exec(t);
    return m ? String(Number(m[1].replace(/[,_]/g, ''))) : null;
  }
  return t.toLowerCase();
}

/** What the page shows of a question on the run at hand, or why this run cannot answer it. */
export type Asked = { readonly prompt: string; readonly options: readonly string[] | null; readonly error: null } | { readonly prompt: null; readonly options: null; readonly error: string };

/**
 * A question on a run it may not fit (the student changed the model, the run has no such
 * request): the question's own words for what is missing instead of a throw.
 */
export function ask(q: Question, live: LiveRun): Asked {
  try {
    const prompt = q.prompt(live);
    const a = q.answer(live);
    if (typeof a === 'number' && !Number.isFinite(a)) throw new Error('the run gives no number for it');
    return { prompt, options: q.options?.(live) ?? null, error: null };
  } catch (e) {
    return { prompt: null, options: null, error: `This question does not fit the run on screen: ${e instanceof Error ? e.message : String(e)}.` };
  }
}

export function checkAnswer(q: Question, live: LiveRun, given: string): CheckResult {
  let expected: string;
  let why: string;
  try {
    expected = String(q.answer(live));
    why = q.explain(live);
  } catch (e) {
    return { correct: false, expected: '', explanation: `This question does not fit the run on screen: ${e instanceof Error ? e.message : String(e)}.` };
  }
  const mine = normalizeAnswer(q.kind, given);
  if (mine === null) {
    const what = q.kind === 'number' ? 'a whole number' : `one of: ${(q.options?.(live) ?? []).join(', ')}`;
    return { correct: false, expected, explanation: `"${given.trim().slice(0, 40)}" is not ${what}. The run says ${expected}: ${why}` };
  }
  const correct = mine === normalizeAnswer(q.kind, expected);
  return correct
    ? { correct, expected, explanation: `Right: ${expected}. ${why}` }
    : { correct, expected, explanation: `Not ${given.trim().slice(0, 40)}: the run says ${expected}. ${why}` };
}

/** 1234567 -> "1,234,567" (explanations read better; answers accept either form). */
export const fmt = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US') : String(n));

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;
export const fmtBytes = (b: number): string => (b >= GiB ? `${(b / GiB).toFixed(2)} GiB` : b >= MiB ? `${(b / MiB).toFixed(1)} MiB` : `${fmt(b)} B`);
