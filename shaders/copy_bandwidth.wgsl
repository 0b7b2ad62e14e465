// Plain read-write copy: the reference for "how close to the memory limit" an attention kernel
// gets on the same adapter. Grid-stride loop over vec4s; traffic = bytes read + bytes written.

struct CopyParams {
  count: u32,
  stride: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: CopyParams;
@group(0) @binding(1) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4<f32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  for (var i = gid.x; i < params.count; i += params.stride) {
    dst[i] = src[i];
  }
}
