/** vLLM sizings as values: the result, its JSON, its pool layout and its table (a case file or one of our models). */
import type { ModelSpec } from '../../model/spec.ts';
import { sizeVllmCase, vllmResultJson } from './case.ts';
import type { VllmResult } from './config.ts';
import { getKvCacheConfig } from './config.ts';
import { type VllmModelKnobs, vllmInputFromModel } from './from-model.ts';
import { type VllmLayout, vllmLayout } from './layout.ts';
import { renderVllm, VLLM_VERSION_NOTES } from './render.ts';

export interface VllmSized {
  readonly result: VllmResult;
  readonly json: Record<string, unknown>;
  readonly layout: VllmLayout | null;
  readonly maxModelLen: number;
  readonly notes: readonly string[];
  readonly table: (title: string) => string;
}

function sized(result: VllmResult, maxModelLen: number, notes: readonly string[]): VllmSized {
  return {
    result,
    json: { ...vllmResultJson(result), version_notes: VLLM_VERSION_NOTES, ...(notes.length ? { notes } : {}) },
    layout: result.ok && result.config.groups.length > 0 ? vllmLayout(result.config) : null,
    maxModelLen,
    notes,
    table: (title) => renderVllm(title, result, maxModelLen, notes),
  };
}

/** Size a vLLM case input (parsed JSON). */
export function sizeVllmFile(raw: unknown): VllmSized {
  const { input, result } = sizeVllmCase(raw);
  return sized(result, input.maxModelLen, []);
}

/** Size one of our models as vLLM would. */
export function sizeVllmModel(model: ModelSpec, knobs: VllmModelKnobs): VllmSized {
  const { input, notes } = vllmInputFromModel(model, knobs);
  return sized(getKvCacheConfig(input), knobs.maxSeqLen, notes);
}
