/**
 * The only code of the page that touches `location` or `history`: it reads the query once at
 * start and rewrites the address bar (replaceState) whenever the state's link changes, so the
 * address bar is always the link to the exact run, step and view on screen. While playing, writes
 * are throttled (a link per 400 ms is plenty).
 */
import { serializeUrlState } from './codec.ts';
import type { Store } from './store.ts';

export function initialSearch(): string {
  return location.search;
}

/** The full link for a query string (what "Copy link" copies). */
export function hrefFor(query: string): string {
  return `${location.origin}${location.pathname}${query}`;
}

export function syncUrl(store: Store): { flush(): void } {
  let timer = 0;
  const write = () => {
    timer = 0;
    const q = serializeUrlState(store.get().params);
    if (q !== location.search) history.replaceState(null, '', q);
  };
  store.subscribe((s, prev) => {
    if (s.params === prev.params || timer) return;
    timer = window.setTimeout(write, s.playing ? 400 : 0);
  });
  return {
    flush() {
      clearTimeout(timer);
      write();
    },
  };
}
