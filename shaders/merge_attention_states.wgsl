// Merge pass of split-K decode attention: combines the partial states of a sequence's work items
// by log-sum-exp. One workgroup per (sequence, query head); threads stride over head-dim vec4s.
//
//   M = max_i m_i      L = sum_i e^(m_i - M) l_i      out = sum_i e^(m_i - M) o_i / L
//
// o_i is the unnormalised accumulator written by paged_decode_attention.wgsl.

struct MergeParams {
  numQoHeads: u32,
  headDim: u32,
  mlOffset: u32,
  batch: u32,
}

@group(0) @binding(0) var<uniform> params: MergeParams;
@group(0) @binding(1) var<storage, read> partials: array<f32>;
@group(0) @binding(2) var<storage, read> itemIndptr: array<u32>;
@group(0) @binding(3) var<storage, read_write> outputs: array<vec4<f32>>;

const NEG_BIG: f32 = -3.0e38;

fn partialMax(i: u32, h: u32) -> f32 {
  return partials[params.mlOffset + (i * params.numQoHeads + h) * 2u];
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let seq = wg.x;
  let h = wg.y;
  let d4 = params.headDim / 4u;
  let first = itemIndptr[seq];
  let last = itemIndptr[seq + 1u];
  var m = NEG_BIG;
  for (var i = first; i < last; i++) {
    m = max(m, partialMax(i, h));
  }
  var l = 0.0;
  for (var i = first; i < last; i++) {
    l += exp(partialMax(i, h) - m) * partials[params.mlOffset + (i * params.numQoHeads + h) * 2u + 1u];
  }
  for (var d = t; d < d4; d += 64u) {
    var o = vec4<f32>(0.0);
    for (var i = first; i < last; i++) {
      let base = ((i * params.numQoHeads + h) * d4 + d) * 4u;
      let o4 = vec4<f32>(partials[base], partials[base + 1u], partials[base + 2u], partials[base + 3u]);
      o += exp(partialMax(i, h) - m) * o4;
    }
    outputs[(seq * params.numQoHeads + h) * d4 + d] = o / l;
  }
}
