/**
 * What follows a model choice (the rule lives in the state's table, state/follow.ts, so
 * a link naming a preset reads the same way), and the words that say what is loaded.
 */
import { maxSeqLenWarning } from '../../model/engine-defaults.ts';
import { getPreset, hasPreset } from '../../model/presets.ts';
import type { ModelSpec } from '../../model/spec.ts';
import { NAMED_SCENARIOS } from '../../sim/scenarios.ts';
import type { UiState } from '../state/params.ts';

// The state's rule (a link naming a preset reads through the same one), used here by the picker and the config paste.
export { followModel, followPreset } from '../state/follow.ts';

/** "Loaded: NAME: L layers, max context C tokens; ..." for the preset box. */
export function loadedNote(model: ModelSpec, s: UiState): string {
  return `Loaded: ${model.name} (${model.layers.length} layers, max context ${model.maxContext.toLocaleString('en-US')} tokens); engine settings from the model: ${s.tokensPerBlock} tokens per block, ${s.kvDtype}, maxSeqLen ${s.maxSeqLen}.`;
}

export function presetModel(id: string): ModelSpec | null {
  return hasPreset(id) ? getPreset(id) : null;
}

export { maxSeqLenWarning };

const listNotes = new Map<string, string>();

/** A named scenario's own request list in words: "64 requests: 32 × prompt 200 + output 200, ...". */
export function scenarioRequestsNote(name: string): string {
  const hit = listNotes.get(name);
  if (hit !== undefined) return hit;
  const s = NAMED_SCENARIOS.find((n) => n.name === name);
  const w = s?.build().config.workload;
  let note = '';
  if (Array.isArray(w) && w.length > 0) {
    const groups = new Map<string, number>();
    for (const r of w as readonly { arrival: number; prompt: number; output: number }[]) {
      const k = `prompt ${r.prompt} + output ${r.output}${r.arrival ? ` from step ${r.arrival}` : ''}`;
      groups.set(k, (groups.get(k) ?? 0) + 1);
    }
    note = `${w.length} requests: ${[...groups].map(([k, n]) => `${n} × ${k}`).join(', ')}`;
  }
  listNotes.set(name, note);
  return note;
}
