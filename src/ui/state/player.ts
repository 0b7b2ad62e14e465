/**
 * The player (TensorFlow Playground's): play / pause / step over an integer step in [0, total-1].
 * It knows nothing of the model and holds no step of its own: the step lives once, in the store
 * (params.step); these are pure functions from (state, op) to the next state. Time is injected
 * through tick(dtMs), so it is testable without a clock.
 */
import type { PlayerOp } from '../model.ts';
import type { AppState } from './types.ts';

export const SPEEDS: readonly number[] = [1, 2, 5, 10, 30, 60, 120, 300, 1000];

const clamp = (step: number, total: number) => Math.max(0, Math.min(Math.max(1, total) - 1, Math.floor(Number.isFinite(step) ? step : 0)));

/** Go to a step (clamped to the run). */
export function seek(s: AppState, step: number, total: number): AppState {
  const next = clamp(step, total);
  if (next === s.params.step && s.carry === 0) return s;
  return { ...s, carry: 0, params: { ...s.params, step: next } };
}

function setSpeed(s: AppState, speed: number): AppState {
  return { ...s, params: { ...s.params, speed: Math.max(0.25, Math.min(10_000, speed)) } };
}

function play(s: AppState, total: number): AppState {
  if (s.playing) return s;
  const atEnd = s.params.step >= total - 1;
  return { ...s, playing: true, carry: 0, params: atEnd ? { ...s.params, step: 0 } : s.params };
}

const pause = (s: AppState): AppState => (s.playing ? { ...s, playing: false } : s);
const stepBy = (s: AppState, d: number, total: number) => seek(pause(s), s.params.step + d, total);

export function playerOp(s: AppState, op: PlayerOp, total: number): AppState {
  switch (op) {
    case 'toggle':
      return s.playing ? pause(s) : play(s, total);
    case 'play':
      return play(s, total);
    case 'pause':
      return pause(s);
    case 'back':
      return stepBy(s, -1, total);
    case 'forward':
      return stepBy(s, 1, total);
    case 'back10':
      return stepBy(s, -10, total);
    case 'forward10':
      return stepBy(s, 10, total);
    case 'start':
      return stepBy(s, -total, total);
    case 'end':
      return stepBy(s, total, total);
    case 'faster':
      return setSpeed(s, SPEEDS.find((v) => v > s.params.speed) ?? SPEEDS[SPEEDS.length - 1]);
    case 'slower':
      return setSpeed(s, [...SPEEDS].reverse().find((v) => v < s.params.speed) ?? SPEEDS[0]);
  }
}

/** Advance by elapsed wall time (capped at 250 ms a frame); stops at the last step. */
export function tick(s: AppState, dtMs: number, total: number): AppState {
  if (!s.playing) return s;
  const carry = s.carry + (Math.max(0, Math.min(dtMs, 250)) * s.params.speed) / 1000;
  const whole = Math.floor(carry);
  if (whole === 0) return { ...s, carry };
  const target = Math.min(total - 1, s.params.step + whole);
  return { ...s, carry: carry - whole, playing: target < total - 1, params: { ...s.params, step: target } };
}

/** Keyboard shortcuts; null = not ours (let the browser handle it). */
export function keyAction(key: string, shift: boolean): PlayerOp | null {
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
