/**
 * The transport: a small play/pause/step player that knows nothing of the model (TensorFlow
 * Playground's player). It only moves an integer step in [0, total-1]; the page looks the frame up
 * in the trace, so stepping back is a lookup, not a rerun. Time is injected through tick(dtMs), so
 * the logic is testable without a clock.
 */

export const SPEEDS: readonly number[] = [1, 2, 5, 10, 30, 60, 120, 300, 1000];

export class Player {
  step = 0;
  total = 1;
  playing = false;
  /** Steps per second. */
  speed = 30;
  private carry = 0;
  private readonly listeners: ((p: Player) => void)[] = [];

  onChange(fn: (p: Player) => void): void {
    this.listeners.push(fn);
  }

  private emit(): void {
    for (const fn of this.listeners) fn(this);
  }

  setTotal(total: number): void {
    this.total = Math.max(1, Math.floor(total));
    if (this.step > this.total - 1) this.step = this.total - 1;
    this.emit();
  }

  seek(step: number): void {
    const s = Math.max(0, Math.min(this.total - 1, Math.floor(Number.isFinite(step) ? step : 0)));
    this.carry = 0;
    if (s !== this.step) {
      this.step = s;
      this.emit();
    }
  }

  stepBy(delta: number): void {
    this.pause();
    this.seek(this.step + delta);
  }

  atEnd(): boolean {
    return this.step >= this.total - 1;
  }

  play(): void {
    if (this.playing) return;
    if (this.atEnd()) this.step = 0;
    this.playing = true;
    this.carry = 0;
    this.emit();
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.emit();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    this.speed = Math.max(0.25, Math.min(10_000, speed));
    this.emit();
  }

  faster(): void {
    const next = SPEEDS.find((s) => s > this.speed);
    this.setSpeed(next ?? SPEEDS[SPEEDS.length - 1]);
  }

  slower(): void {
    const prev = [...SPEEDS].reverse().find((s) => s < this.speed);
    this.setSpeed(prev ?? SPEEDS[0]);
  }

  /** Advance by elapsed wall time; returns true when the step changed. Stops at the last step. */
  tick(dtMs: number): boolean {
    if (!this.playing) return false;
    this.carry += (Math.max(0, Math.min(dtMs, 250)) * this.speed) / 1000;
    const whole = Math.floor(this.carry);
    if (whole === 0) return false;
    this.carry -= whole;
    const target = Math.min(this.total - 1, this.step + whole);
    const changed = target !== this.step;
    this.step = target;
    if (this.atEnd()) this.playing = false;
    this.emit();
    return changed;
  }
}

export type KeyAction = 'toggle' | 'back' | 'forward' | 'back10' | 'forward10' | 'start' | 'end' | 'faster' | 'slower';

/** Keyboard shortcuts; null = not ours (let the browser handle it). */
export function keyAction(key: string, shift: boolean): KeyAction | null {
  switch (key) {
    case ' ':
    case 'k':
      return 'toggle';
    case 'ArrowLeft':
    case 'j':
      return shift ? 'back10' : 'back';
    case 'ArrowRight':
    case 'l':
      return shift ? 'forward10' : 'forward';
    case 'Home':
      return 'start';
    case 'End':
      return 'end';
    case '+':
    case ']':
      return 'faster';
    case '-':
    case '[':
      return 'slower';
    default:
      return null;
  }
}

const ACTIONS: Record<KeyAction, (p: Player) => void> = {
  toggle: (p) => p.toggle(),
  back: (p) => p.stepBy(-1),
  forward: (p) => p.stepBy(1),
  back10: (p) => p.stepBy(-10),
  forward10: (p) => p.stepBy(10),
  start: (p) => p.stepBy(-p.total),
  end: (p) => p.stepBy(p.total),
  faster: (p) => p.faster(),
  slower: (p) => p.slower(),
};

export function applyKey(p: Player, action: KeyAction): void {
  ACTIONS[action](p);
}
