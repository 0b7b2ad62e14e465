/**
 * The one store: holds the one UI state; only actions (pure functions of the state) change it.
 * Listeners run after every change that produced a new state object.
 */
import type { AppState } from './types.ts';

export type Action = (s: AppState) => AppState;

export class Store {
  private state: AppState;
  private readonly listeners: ((s: AppState, prev: AppState) => void)[] = [];

  constructor(initial: AppState) {
    this.state = initial;
  }

  get(): AppState {
    return this.state;
  }

  apply(action: Action): void {
    const prev = this.state;
    const next = action(prev);
    if (next === prev) return;
    this.state = next;
    for (const fn of this.listeners) fn(next, prev);
  }

  subscribe(fn: (s: AppState, prev: AppState) => void): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }
}
