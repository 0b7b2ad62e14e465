/**
 * What choosing a model brings, one rule for the preset picker, a pasted config.json and a link
 * that names a preset (state/codec.ts reads such a link through it).
 */
import { DEFAULT_WORKLOAD, engineDefaultsFor, getPreset, hasPreset, type UiState } from './params.ts';

/**
 * The model's own engine defaults, one source with the CLI (engineDefaultsFor), and, when it
 * leaves a named scenario, the generated workload with as many requests as maxBatchSize.
 */
export function followModel(model: Parameters<typeof engineDefaultsFor>[0], from: Pick<UiState, 'scenario' | 'maxBatchSize'>): Partial<UiState> {
  const d = engineDefaultsFor(model);
  const leaving = from.scenario !== 'custom';
  return { tokensPerBlock: d.tokensPerBlock, kvDtype: d.kvDtype, maxSeqLen: d.maxSeqLen, ...(leaving ? { requests: from.maxBatchSize, promptLen: DEFAULT_WORKLOAD.promptLen, outputLen: DEFAULT_WORKLOAD.outputLen } : {}) };
}

/** followModel for a preset id ({} for an id that is not a preset). */
export function followPreset(id: string, from: Pick<UiState, 'scenario' | 'maxBatchSize'>): Partial<UiState> {
  return hasPreset(id) ? followModel(getPreset(id), from) : {};
}
