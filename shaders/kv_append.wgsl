// The decode step's write: new K/V rows go to their slots through a slot mapping (vLLM's
// `slot_mapping`: flat token slot = slot * tokensPerBlock + tokenInBlock, -1 = padding, skipped).
// One invocation per vec4 of a row; a pool split over two bindings is written one binding per
// dispatch (slotBase/slotCount select the binding's slots). The f16 variant aliases KvVec.

alias KvVec = vec4<f32>;

struct AppendParams {
  numTokens: u32,
  rowVec4: u32,
  tokensPerBlock: u32,
  slotBase: u32,
  slotCount: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: AppendParams;
@group(0) @binding(1) var<storage, read> newK: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> newV: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> slotMapping: array<i32>;
@group(0) @binding(4) var<storage, read_write> kPool: array<KvVec>;
@group(0) @binding(5) var<storage, read_write> vPool: array<KvVec>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * 64u;
  let token = i / params.rowVec4;
  if (token >= params.numTokens) {
    return;
  }
  let flat = slotMapping[token];
  if (flat < 0) {
    return;
  }
  let slot = u32(flat) / params.tokensPerBlock;
  if (slot < params.slotBase || slot >= params.slotBase + params.slotCount) {
    return;
  }
  let local = u32(flat) - params.slotBase * params.tokensPerBlock;
  let e = i - token * params.rowVec4;
  kPool[local * params.rowVec4 + e] = KvVec(newK[i]);
  vPool[local * params.rowVec4 + e] = KvVec(newV[i]);
}
