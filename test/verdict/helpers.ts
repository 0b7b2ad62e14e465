/** Subjects for verdict tests: the named scenarios and presets, as `kvpool check` builds them. */
import type { ConstraintMode, EngineKnobs } from '../../src/planner/build.ts';
import { presetSubject as preset, type Subject, scenarioSubject as scenario } from '../../src/verdict/subject.ts';

type Mode = Exclude<ConstraintMode, 'custom'>;

export function scenarioSubject(name: string, mode: Mode, knobs: Partial<EngineKnobs> = {}): Subject {
  return scenario(name, { mode, knobs });
}

export function presetSubject(id: string, knobs: Partial<EngineKnobs>, mode?: Mode): Subject {
  return preset(id, { knobs, mode });
}
