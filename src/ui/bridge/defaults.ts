/**
 * What follows a model choice: the model's own engine defaults (one source with the CLI:
 * engineDefaultsFor), and, when it leaves a named scenario, the generated workload's defaults
 * with as many requests as maxBatchSize. Also the words that say what is loaded.
 */
import { DEFAULT_WORKLOAD, engineDefaultsFor, maxSeqLenWarning } from '../../model/engine-defaults.ts';
import { getPreset, hasPreset } from '../../model/presets.ts';
import type { ModelSpec } from '../../model/spec.ts';
import type { UiState } from '../state/params.ts';

export function followModel(model: ModelSpec, s: UiState): Partial<UiState> {
  const d = engineDefaultsFor(model);
  const leaving = s.scenario !== 'custom';
  return {
    tokensPerBlock: d.tokensPerBlock,
    kvDtype: d.kvDtype,
    maxSeqLen: d.maxSeqLen,
    ...(leaving ? { requests: s.maxBatchSize, promptLen: DEFAULT_WORKLOAD.promptLen, outputLen: DEFAULT_WORKLOAD.outputLen } : {}),
  };
}

export function followPreset(id: string, s: UiState): Partial<UiState> {
  return hasPreset(id) ? followModel(getPreset(id), s) : {};
}

/** "Loaded: NAME: L layers, max context C tokens; ..." for the preset box. */
export function loadedNote(model: ModelSpec, s: UiState): string {
  return `Loaded: ${model.name} (${model.layers.length} layers, max context ${model.maxContext.toLocaleString('en-US')} tokens); engine settings from the model: ${s.tokensPerBlock} tokens per block, ${s.kvDtype}, maxSeqLen ${s.maxSeqLen}.`;
}

export function presetModel(id: string): ModelSpec | null {
  return hasPreset(id) ? getPreset(id) : null;
}

export { maxSeqLenWarning };
