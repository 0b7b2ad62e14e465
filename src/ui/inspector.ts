/**
 * Attention inspector (placeholder until the simulator's frames and the GPU backend land).
 */
import type { App } from './app.ts';
import { h } from './dom.ts';
import type { FrameView } from './view-model.ts';

export class Inspector {
  readonly root = h('section', { class: 'panel inspector', id: 'inspector' }, h('h2', { text: 'Attention inspector' }));
  private readonly app: App;

  constructor(app: App) {
    this.app = app;
  }

  setRun(): void {}

  setFrame(_frame: FrameView): void {
    void this.app;
  }
}
