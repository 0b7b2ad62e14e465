// exp throughput: four independent vec4 chains a = exp(-a) per invocation (bounded in (0, 1]),
// `iters` steps each. exps = invocations x iters x 4 x 4.

struct ThroughputParams {
  iters: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: ThroughputParams;
@group(0) @binding(1) var<storage, read_write> sums: array<vec4<f32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let y = f32(gid.x) * 1e-9;
  var a0 = vec4<f32>(0.1, 0.2, 0.3, 0.4) + y;
  var a1 = vec4<f32>(0.5, 0.6, 0.7, 0.8) + y;
  var a2 = vec4<f32>(0.15, 0.25, 0.35, 0.45) + y;
  var a3 = vec4<f32>(0.55, 0.65, 0.75, 0.85) + y;
  for (var i = 0u; i < params.iters; i++) {
    a0 = exp(-a0);
    a1 = exp(-a1);
    a2 = exp(-a2);
    a3 = exp(-a3);
  }
  sums[gid.x] = a0 + a1 + a2 + a3;
}
