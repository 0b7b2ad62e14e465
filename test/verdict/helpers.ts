/** Subjects for verdict tests: the named scenarios and presets, as `kvpool check` builds them. */
import { getPreset } from '../../src/model/presets.ts';
import { modelToLayers } from '../../src/model/to-layers.ts';
import type { ConstraintMode, EngineKnobs } from '../../src/planner/build.ts';
import { scenarioConfig } from '../../src/sim/index.ts';
import type { Subject } from '../../src/verdict/subject.ts';

type Mode = Exclude<ConstraintMode, 'custom'>;
const RUN = { policy: 'trtllm-v2', maxUtilForResume: 0.95, recomputePause: false, stallLimit: 1000 };

export function scenarioSubject(name: string, mode: Mode, knobs: Partial<EngineKnobs> = {}): Subject {
  const b = scenarioConfig(name, { constraints: mode, knobs });
  const { kvDtype: _d, ...k } = b.knobs;
  return { source: { kind: 'scenario', name }, layers: b.plan.scenario.layers, knobs: k, mode, ...RUN };
}

export function presetSubject(id: string, knobs: Partial<EngineKnobs>, mode: Mode = 'as-shipped'): Subject {
  const m = getPreset(id);
  const k: EngineKnobs = { tokensPerBlock: m.defaults.tokensPerBlock, maxSeqLen: m.maxContext, maxBatchSize: 64, maxNumTokens: null, quotaBytes: 40 * 2 ** 30, draftTokens: 0, numExtraKvTokens: 0, avgSeqLen: null, poolRatio: null, ...knobs };
  const layers = modelToLayers(m, { tokensPerBlock: k.tokensPerBlock, kvDtype: m.defaults.kvDtype, draftTokens: k.draftTokens });
  return { source: { kind: 'preset', id, kvDtype: m.defaults.kvDtype }, layers, knobs: k, mode, ...RUN };
}
