// Read-only reduction over a storage buffer: the read limit of the buffer path. Each invocation
// sums UNROLL vec4s per step of a grid-stride loop (independent loads in flight) and writes one
// vec4, so the reads cannot be optimised away; traffic = bytes read. The f16 variant aliases KvVec
// (the same element type as the pool it stands for).

alias KvVec = vec4<f32>;

struct ReadParams {
  count: u32,
  stride: u32,
  width: u32,
  widthShift: u32,
}

@group(0) @binding(0) var<uniform> params: ReadParams;
@group(0) @binding(1) var<storage, read> src: array<KvVec>;
@group(0) @binding(2) var<storage, read_write> sums: array<vec4<f32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var a = vec4<f32>(0.0);
  var b = vec4<f32>(0.0);
  var c = vec4<f32>(0.0);
  var d = vec4<f32>(0.0);
  let s = params.stride;
  for (var i = gid.x; i < params.count; i += 4u * s) {
    a += vec4<f32>(src[i]);
    b += vec4<f32>(src[min(i + s, params.count - 1u)]);
    c += vec4<f32>(src[min(i + 2u * s, params.count - 1u)]);
    d += vec4<f32>(src[min(i + 3u * s, params.count - 1u)]);
  }
  sums[gid.x] = a + b + c + d;
}
