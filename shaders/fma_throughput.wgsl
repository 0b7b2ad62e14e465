// FMA throughput: eight independent vec4 multiply-add chains per invocation, `iters` steps each.
// flops = invocations x iters x 8 x 4 x 2. The result is written so nothing is optimised away.

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
  let x = vec4<f32>(0.999, 0.998, 0.997, 0.996);
  let y = vec4<f32>(f32(gid.x) * 1e-9);
  var a0 = y + 0.1;
  var a1 = y + 0.2;
  var a2 = y + 0.3;
  var a3 = y + 0.4;
  var a4 = y + 0.5;
  var a5 = y + 0.6;
  var a6 = y + 0.7;
  var a7 = y + 0.8;
  for (var i = 0u; i < params.iters; i++) {
    a0 = fma(a0, x, y);
    a1 = fma(a1, x, y);
    a2 = fma(a2, x, y);
    a3 = fma(a3, x, y);
    a4 = fma(a4, x, y);
    a5 = fma(a5, x, y);
    a6 = fma(a6, x, y);
    a7 = fma(a7, x, y);
  }
  sums[gid.x] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}
