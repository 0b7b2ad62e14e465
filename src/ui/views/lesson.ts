/**
 * The lesson panel: the lesson list when no lesson runs; otherwise the step (text with glossary
 * words, live facts, the question and its check against the live run), Back / Next, and the
 * step's link. Everything works by keyboard: Next moves focus to the new step's heading, Enter in
 * the answer box checks it. Glossary words explain themselves on hover, focus or tap.
 */
import type { LessonDispatch, LessonModel, LessonQuestionModel, LessonStepModel, TextPart } from '../lesson-model.ts';
import { h } from './dom.ts';
import { Glossary } from './glossary.ts';

export class LessonPanel {
  readonly root = h('section', { class: 'panel lesson', id: 'lesson', 'aria-label': 'Guided lesson', 'data-region': 'lesson' });
  private readonly dispatch: LessonDispatch;
  private readonly glossary: Glossary;
  private last: LessonModel | null = null;
  private shownStep = '';
  private shownHighlight: string | null = null;

  constructor(dispatch: LessonDispatch) {
    this.dispatch = dispatch;
    this.glossary = new Glossary(this.root);
  }

  render(m: LessonModel): void {
    this.point(m.highlight);
    if (m === this.last) return;
    this.last = m;
    const a = m.active;
    const stepKey = a ? `${a.lessonId}:${a.index}` : '';
    const moved = stepKey !== this.shownStep;
    const focusWasInside = this.root.contains(document.activeElement);
    // Redrawing replaces the panel's elements: keep the keyboard where it was (by id).
    const focusId = focusWasInside ? (document.activeElement?.id ?? '') : '';
    this.shownStep = stepKey;
    this.glossary.hide();
    this.root.replaceChildren(...(a ? this.step(a) : this.list(m)), this.glossaryList(m));
    if (moved && focusWasInside) (this.root.querySelector(a ? '#lesson-step-title' : '#lesson-pick') as HTMLElement | null)?.focus({ preventScroll: true });
    else if (focusId) (this.root.querySelector(`#${CSS.escape(focusId)}`) as HTMLElement | null)?.focus({ preventScroll: true });
    if (moved || m.highlight !== this.shownHighlight) this.reveal(m.highlight);
    this.shownHighlight = m.highlight;
  }

  /**
   * The pointed-at part may be drawn after the shell marked it (a view that rebuilds its element
   * on render): mark what is on the page now. The shell clears marks when the pointer moves.
   */
  private point(region: string | null): void {
    if (!region) return;
    for (const el of document.querySelectorAll(`[data-region="${CSS.escape(region)}"]:not([data-highlight])`)) el.setAttribute('data-highlight', 'true');
  }

  /**
   * Beside the run (wide screens) a pointed-at part below the fold is scrolled up to mid-screen,
   * no further, so the step's text and question stay in view. On a phone the lesson comes first
   * and the student scrolls to the part.
   */
  private reveal(region: string | null): void {
    if (!region || window.innerWidth <= 900) return;
    requestAnimationFrame(() => {
      const el = document.querySelector(`[data-region="${CSS.escape(region)}"]`);
      if (!el) return;
      const r = el.getBoundingClientRect();
      const lesson = this.root.getBoundingClientRect();
      if (r.top > window.innerHeight - 80) window.scrollBy({ top: Math.min(r.top - window.innerHeight * 0.45, Math.max(0, lesson.top + 0.3 * lesson.height)) });
    });
  }

  private text(parts: readonly TextPart[]): (Node | string)[] {
    return parts.map((p) => (p.term ? this.glossary.word(p.text, p.term, p.definition ?? '') : p.text));
  }

  private list(m: LessonModel): HTMLElement[] {
    const select = h('select', { id: 'lesson-pick', 'aria-label': 'Lesson' }, ...m.lessons.map((l, i) => h('option', { value: l.id, text: `${i + 1}. ${l.title}` })));
    const start = h('button', { type: 'button', class: 'primary', id: 'lesson-start', text: 'Start lesson' });
    start.addEventListener('click', () => this.dispatch({ type: 'open', id: select.value, step: 0 }));
    const summary = h('p', { class: 'notice', id: 'lesson-summary', text: m.lessons[0]?.summary ?? '' });
    select.addEventListener('change', () => (summary.textContent = m.lessons.find((l) => l.id === select.value)?.summary ?? ''));
    const out: HTMLElement[] = [h('h2', { text: 'Guided lessons' })];
    if (m.problem) out.push(h('p', { class: 'status warn', role: 'alert', text: m.problem }));
    out.push(h('div', { class: 'lesson-pick' }, select, start), summary);
    return out;
  }

  private step(a: LessonStepModel): HTMLElement[] {
    const title = h('h2', { id: 'lesson-step-title', tabindex: -1, text: `Step ${a.index + 1} of ${a.count}: ${a.title}` });
    const out: HTMLElement[] = [h('p', { class: 'lesson-name', text: a.lessonTitle }), title, h('p', { class: 'lesson-text', id: 'lesson-text' }, ...this.text(a.text))];
    if (a.facts.length > 0) out.push(h('ul', { class: 'lesson-facts', id: 'lesson-facts' }, ...a.facts.map((f) => h('li', {}, ...this.text(f)))));
    if (a.question) out.push(this.question(a.question));
    out.push(this.nav(a));
    return out;
  }

  private question(q: LessonQuestionModel): HTMLElement {
    const box = h('form', { class: 'lesson-q', id: 'lesson-question', 'data-kind': q.kind });
    if (q.waiting) {
      box.append(h('p', { class: 'notice', text: 'The run for this step is being made…' }));
      return box;
    }
    if (q.error !== null || q.prompt === null) {
      box.append(h('p', { class: 'status warn', text: q.error ?? '' }));
      return box;
    }
    const prompt = h('p', { class: 'lesson-prompt', id: 'lesson-prompt' }, ...this.text(q.prompt));
    const input =
      q.kind === 'choice' && q.options
        ? h('select', { id: 'lesson-answer', 'aria-labelledby': 'lesson-prompt' }, h('option', { value: '', text: 'Choose…' }), ...q.options.map((o) => h('option', { value: o, text: o })))
        : h('input', { id: 'lesson-answer', type: 'text', inputmode: 'numeric', autocomplete: 'off', 'aria-labelledby': 'lesson-prompt', size: 8 });
    if (q.given !== null) input.value = q.given;
    const check = h('button', { type: 'submit', class: 'primary', id: 'lesson-check', text: q.given === null ? 'Check' : 'Check again' });
    box.addEventListener('submit', (e) => {
      e.preventDefault();
      if (input.value.trim() !== '') this.dispatch({ type: 'answer', text: input.value });
    });
    const result = h('div', { id: 'lesson-result', role: 'status', 'aria-live': 'polite' });
    if (q.check) {
      result.className = `status ${q.check.correct ? 'ok' : 'bad'}`;
      result.dataset.correct = String(q.check.correct);
      result.dataset.given = q.given ?? '';
      result.append(...this.text(q.check.explanation));
    }
    box.append(prompt, h('div', { class: 'lesson-answer-row' }, input, check), result);
    return box;
  }

  private nav(a: LessonStepModel): HTMLElement {
    const back = h('button', { type: 'button', id: 'lesson-back', text: '← Back', disabled: a.index === 0 });
    const next = h('button', { type: 'button', class: 'primary', id: 'lesson-next', text: a.index + 1 < a.count ? 'Next →' : 'Finish', 'data-last': a.index + 1 >= a.count });
    const leave = h('button', { type: 'button', id: 'lesson-leave', text: 'Leave lesson' });
    back.addEventListener('click', () => this.dispatch({ type: 'open', id: a.lessonId, step: a.index - 1 }));
    next.addEventListener('click', () => this.dispatch(a.index + 1 < a.count ? { type: 'open', id: a.lessonId, step: a.index + 1 } : { type: 'close' }));
    leave.addEventListener('click', () => this.dispatch({ type: 'close' }));
    // On a phone the part the step is about sits below the lesson: one button scrolls to it.
    const show = h('button', { type: 'button', id: 'lesson-show', text: 'Show it ↓' });
    show.addEventListener('click', () => document.querySelector(`[data-region="${CSS.escape(this.last?.highlight ?? a.highlight)}"]`)?.scrollIntoView({ block: 'start', behavior: 'smooth' }));
    const link = h('a', { href: a.link, id: 'lesson-link', class: 'notice', text: 'Link to this step' });
    return h('div', { class: 'lesson-nav' }, back, next, show, leave, link);
  }

  private glossaryList(m: LessonModel): HTMLElement {
    return h(
      'details',
      { class: 'lesson-glossary', id: 'glossary' },
      h('summary', { text: 'Glossary' }),
      h('dl', {}, ...m.glossary.flatMap((g) => [h('dt', { text: g.term }), h('dd', { text: g.definition })])),
    );
  }
}
