/**
 * The `sglang` engine: SGLang's full + SWA pool split (a port of the formulas at
 * sgl-project/sglang@003fca8, see configurator.ts) for one of our hybrid-SWA models, as a table,
 * SGLang-named JSON and a simulator layout of two pool groups, FULL and SWA, in pages.
 *
 * From our model: full layers give F = kv_heads x (head + v_head) x dtype bytes, sliding layers S
 * likewise (SGLang assumes one shape per kind and one window; we take the first layer of each and
 * refuse models that mix others in).
 */


export { chunkCapApplies, type SglangInput, type SglangPools, type SglangResult, sglangPoolSizes, swaChunkCap } from './configurator.ts';
export { SGLANG_KNOBS, sglangEngine } from './engine.ts';
export { type SglangModelKnobs, sglangInputFromModel } from './from-model.ts';
export { renderSglang, type SglangLayout, sglangJson, sglangLayout } from './output.ts';
