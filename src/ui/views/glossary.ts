/**
 * Glossary words in text: a word is a button (so it is reachable by keyboard and by a tap) that
 * shows its definition in one shared tooltip on hover, focus or tap, and hides it on leave, blur
 * or Escape. The definition also goes into the word's accessible description.
 */
import { h } from './dom.ts';

let counter = 0;

export class Glossary {
  private readonly tip: HTMLElement;
  private owner: HTMLElement | null = null;
  /** When the tip was last opened: a tap focuses (opens) then clicks, which must not close it again. */
  private openedAt = 0;

  constructor(host: HTMLElement) {
    this.tip = h('div', { class: 'glossary-tip', role: 'tooltip', id: `glossary-tip-${++counter}`, hidden: true });
    host.ownerDocument.body.appendChild(this.tip);
    host.ownerDocument.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.hide();
    });
  }

  word(text: string, term: string, definition: string): HTMLElement {
    // The tooltip describes the word while it is shown (on focus, too).
    const b = h('button', { type: 'button', class: 'term', 'data-term': term, 'aria-expanded': 'false', 'aria-describedby': this.tip.id, text });
    const show = () => this.show(b, term, definition);
    b.addEventListener('mouseenter', show);
    b.addEventListener('focus', show);
    b.addEventListener('mouseleave', () => this.hide(b));
    b.addEventListener('blur', () => this.hide(b));
    b.addEventListener('click', (e) => {
      e.preventDefault();
      if (this.owner === b && !this.tip.hidden && performance.now() - this.openedAt > 400) this.hide();
      else show();
    });
    return b;
  }

  private show(b: HTMLElement, term: string, definition: string): void {
    if (this.owner && this.owner !== b) this.owner.setAttribute('aria-expanded', 'false');
    if (this.owner !== b || this.tip.hidden) this.openedAt = performance.now();
    this.owner = b;
    b.setAttribute('aria-expanded', 'true');
    this.tip.replaceChildren(h('strong', { text: term }), ` ${definition}`);
    this.tip.hidden = false;
    const r = b.getBoundingClientRect();
    const vw = document.documentElement.clientWidth;
    const w = Math.min(320, vw - 16);
    this.tip.style.width = `${w}px`;
    this.tip.style.left = `${Math.max(8, Math.min(vw - w - 8, r.left))}px`;
    this.tip.style.top = `${r.bottom + 6}px`;
  }

  /** Hide the tooltip (only if `from` owns it, when given). */
  hide(from?: HTMLElement): void {
    if (from && from !== this.owner) return;
    this.owner?.setAttribute('aria-expanded', 'false');
    this.owner = null;
    this.tip.hidden = true;
  }
}
