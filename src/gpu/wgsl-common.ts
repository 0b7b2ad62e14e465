/**
 * WGSL pieces both texture-path kernel generators share (src/gpu/decode-wgsl.ts and
 * src/gpu/decode-wide-wgsl.ts): the uniform and work-item structs, the bindings, the page-table
 * walk to a K/V texel of the head-major texture pool (src/gpu/texture-pool.ts) and the store of an
 * unnormalised accumulator into the partial states the merge pass reads.
 */
import type { StructLayout } from './layout.ts';
import { TextureParams, WorkItemLayout } from './layout.ts';

export type TexelFormat = 'rgba32float' | 'rgba16float';

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** `lines(n, f)`: f(0) .. f(n-1), one per line, indented. */
export function lines(n: number, f: (i: number) => string, indent = '  '): string {
  return range(n)
    .map((i) => indent + f(i))
    .join('\n');
}

export function wgslStruct(s: StructLayout): string {
  return `struct ${s.name} {\n${s.fields.map((f) => `  ${f.name}: ${f.type},`).join('\n')}\n}`;
}

/** Structs, bindings and helper functions of a texture-path kernel over `format` texels. */
export function texturePrelude(format: TexelFormat): string {
  return `enable subgroups;

${wgslStruct(TextureParams)}

${wgslStruct(WorkItemLayout)}

@group(0) @binding(0) var<uniform> params: ${TextureParams.name};
@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> items: array<WorkItem>;
@group(0) @binding(3) var<storage, read> kvIndices: array<u32>;
@group(0) @binding(4) var kPool: texture_storage_2d<${format}, read>;
@group(0) @binding(5) var vPool: texture_storage_2d<${format}, read>;
@group(0) @binding(6) var<storage, read_write> partials: array<f32>;

const NEG_BIG: f32 = -3.0e38;

// Page of a key without an integer divide (a per-lane scalar loop on a CPU): a float estimate,
// corrected by one either way (keys < 2^24, so the estimate is off by at most one).
fn pageOf(key: u32) -> u32 {
  let tpb = params.tokensPerBlock;
  var p = u32(f32(key) * params.invTokensPerBlock);
  p = select(p, p - 1u, p * tpb > key);
  return select(p, p + 1u, (p + 1u) * tpb <= key);
}

// Texel of column 0 of (key, kvHead): row r = (slot * numKvHeads + kvHead) * tokensPerBlock +
// token of the head-major pool, 2^rowShift rows side by side per texture line.
fn keyTexel(pageBase: u32, key: u32, kvHead: u32) -> vec2<u32> {
  let page = pageOf(key);
  let slot = kvIndices[pageBase + page];
  let r = (slot * params.numKvHeads + kvHead) * params.tokensPerBlock + key - page * params.tokensPerBlock;
  let mask = (1u << params.rowShift) - 1u;
  return vec2<u32>((r & mask) * params.d4, r >> params.rowShift);
}

// Unnormalised accumulator vec4 \`col\` of partial-state head \`head\` (columns past d4 are dropped).
fn storeVec(head: u32, col: u32, a: vec4<f32>) {
  if (col < params.d4) {
    let base = (head * params.d4 + col) * 4u;
    partials[base] = a.x;
    partials[base + 1u] = a.y;
    partials[base + 2u] = a.z;
    partials[base + 3u] = a.w;
  }
}`;
}
