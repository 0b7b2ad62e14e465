/**
 * The transport: first / back / play / forward / last, the scrubber, the step label and the speed.
 * It sends player intents; the step it shows comes from the page model (stored once, in the store).
 */
import type { Dispatch, PlayerOp, TransportModel } from '../model.ts';
import { h } from './dom.ts';

export const SPEEDS: readonly number[] = [1, 2, 5, 10, 30, 60, 120, 300, 1000];

function button(id: string, text: string, label: string): HTMLButtonElement {
  return h('button', { type: 'button', id, 'aria-label': label, title: label, text });
}

export class Transport {
  readonly root: HTMLElement;
  private readonly play = button('t-play', '▶ Play', 'Play or pause (Space)');
  private readonly scrub = h('input', { type: 'range', id: 't-scrub', min: 0, max: 0, value: 0, step: 1, 'aria-label': 'Scrub through steps' });
  private readonly label = h('output', { class: 'steplabel', id: 't-step', 'aria-live': 'off', text: 'step 0 / 0' });
  private readonly speed = h('select', { id: 't-speed', 'aria-label': 'Playback speed (steps per second)' });
  private last: TransportModel | null = null;

  constructor(dispatch: Dispatch) {
    const op = (o: PlayerOp) => () => dispatch({ type: 'player', op: o });
    const start = button('t-start', '|◀◀', 'First step (Home)');
    const back = button('t-back', '◀|', 'Step back (Left arrow)');
    const forward = button('t-forward', '▶|', 'Step forward (Right arrow)');
    const end = button('t-end', '▶▶|', 'Last step (End)');
    for (const s of SPEEDS) this.speed.appendChild(h('option', { value: s, text: `${s} steps/s` }));
    start.addEventListener('click', op('start'));
    back.addEventListener('click', op('back'));
    this.play.addEventListener('click', op('toggle'));
    forward.addEventListener('click', op('forward'));
    end.addEventListener('click', op('end'));
    this.scrub.addEventListener('input', () => dispatch({ type: 'seek', step: Number(this.scrub.value) }));
    this.speed.addEventListener('change', () => dispatch({ type: 'set', key: 'speed', raw: this.speed.value }));
    this.root = h(
      'div',
      { class: 'panel transport', role: 'toolbar', 'aria-label': 'Transport', 'data-region': 'transport' },
      start,
      back,
      this.play,
      forward,
      end,
      this.scrub,
      this.label,
      this.speed,
      h('span', { class: 'kbd', text: 'Space play · ←/→ step · Shift ×10 · +/- speed' }),
    );
  }

  render(m: TransportModel): void {
    const l = this.last;
    if (l && l.step === m.step && l.total === m.total && l.playing === m.playing && l.speed === m.speed) return;
    this.last = m;
    this.play.textContent = m.playing ? '⏸ Pause' : '▶ Play';
    this.scrub.max = String(Math.max(0, m.total - 1));
    this.scrub.value = String(m.step);
    this.label.textContent = `step ${m.step} / ${Math.max(0, m.total - 1)}`;
    const speed = String(m.speed);
    if (![...this.speed.options].some((o) => o.value === speed)) this.speed.appendChild(h('option', { value: speed, text: `${speed} steps/s` }));
    this.speed.value = speed;
  }
}
