// The decode step's write into a texture pool (the layout of src/gpu/texture-pool.ts): new K/V
// rows go to their token slots through a slot mapping (vLLM's `slot_mapping`: flat token slot =
// slot * tokensPerBlock + tokenInBlock, -1 = padding, skipped), each head's part of a row to its
// head-major texel row. One invocation per vec4 of a new row. The host replaces the texel format.

struct AppendTexParams {
  numTokens: u32,
  d4: u32,
  tokensPerBlock: u32,
  numKvHeads: u32,
  rowShift: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: AppendTexParams;
@group(0) @binding(1) var<storage, read> newK: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> newV: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> slotMapping: array<i32>;
@group(0) @binding(4) var kPool: texture_storage_2d<rgba32float, write>;
@group(0) @binding(5) var vPool: texture_storage_2d<rgba32float, write>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  let rowVec4 = params.numKvHeads * params.d4;
  let token = i / rowVec4;
  if (token >= params.numTokens) {
    return;
  }
  let flat = slotMapping[token];
  if (flat < 0) {
    return;
  }
  let slot = u32(flat) / params.tokensPerBlock;
  let inBlock = u32(flat) - slot * params.tokensPerBlock;
  let e = i - token * rowVec4;
  let head = e / params.d4;
  let c = e - head * params.d4;
  let r = (slot * params.numKvHeads + head) * params.tokensPerBlock + inBlock;
  let texel = vec2<u32>((r & ((1u << params.rowShift) - 1u)) * params.d4 + c, r >> params.rowShift);
  textureStore(kPool, texel, newK[i]);
  textureStore(vPool, texel, newV[i]);
}
