/**
 * The `vllm-v1` engine: vLLM v1's KV-cache sizing at vllm-project/vllm@001cabc, from a vLLM case
 * file or from our model description, as its own JSON, a table and a simulator pool layout.
 */
export { looksLikeVllmCase, parseVllmCase, sizeVllmCase, vllmResultJson } from './case.ts';
export { getKvCacheConfig, type VllmKvCacheConfig, type VllmResult } from './config.ts';
export { VLLM_KNOBS, vllmV1Engine } from './engine.ts';
export type { VllmModelKnobs } from './from-model.ts';
export { type VllmLayout, vllmLayout } from './layout.ts';
export { renderVllm, VLLM_VERSION_NOTES } from './render.ts';

export { sizeVllmFile, sizeVllmModel, type VllmSized } from './sized.ts';
