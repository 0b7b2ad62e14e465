// Naive paged decode attention, the benchmark's baseline: one invocation per (sequence, query
// head), no split, no sharing of K/V loads between the heads of a group. It walks every key
// position, skips masked ones before touching memory, and keeps an online softmax in registers.
// Same inputs and semantics as paged_decode_attention.wgsl (f32 pools, one binding each).

struct NaiveParams {
  numQoHeads: u32,
  numKvHeads: u32,
  headDim: u32,
  tokensPerBlock: u32,
  windowLeft: i32,
  sinkTokens: u32,
  batch: u32,
  smScale: f32,
}

@group(0) @binding(0) var<uniform> params: NaiveParams;
@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> kvIndptr: array<u32>;
@group(0) @binding(3) var<storage, read> kvIndices: array<u32>;
@group(0) @binding(4) var<storage, read> kvLastPageLen: array<u32>;
@group(0) @binding(5) var<storage, read> kPool: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> vPool: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read_write> outputs: array<vec4<f32>>;

const MAX_D4: u32 = 128u;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let seq = gid.x / params.numQoHeads;
  let h = gid.x - seq * params.numQoHeads;
  if (seq >= params.batch) {
    return;
  }
  let d4 = params.headDim / 4u;
  let kvHead = h / (params.numQoHeads / params.numKvHeads);
  let pages = kvIndptr[seq + 1u] - kvIndptr[seq];
  let len = (pages - 1u) * params.tokensPerBlock + kvLastPageLen[seq];
  let pos = i32(len) - 1;
  let qBase = (seq * params.numQoHeads + h) * d4;
  var acc: array<vec4<f32>, MAX_D4>;
  var m = -3.0e38;
  var l = 0.0;
  for (var j = 0u; j < len; j++) {
    let inWindow = params.windowLeft < 0 || i32(j) >= pos - params.windowLeft;
    if (!inWindow && j >= params.sinkTokens) {
      continue;
    }
    let page = j / params.tokensPerBlock;
    let slot = kvIndices[kvIndptr[seq] + page];
    let row = ((slot * params.tokensPerBlock + j - page * params.tokensPerBlock) * params.numKvHeads + kvHead) * d4;
    var s = 0.0;
    for (var d = 0u; d < d4; d++) {
      s += dot(q[qBase + d], kPool[row + d]);
    }
    s *= params.smScale;
    let mNew = max(m, s);
    let alpha = exp(m - mNew);
    let p = exp(s - mNew);
    l = l * alpha + p;
    for (var d = 0u; d < d4; d++) {
      acc[d] = acc[d] * alpha + p * vPool[row + d];
    }
    m = mNew;
  }
  for (var d = 0u; d < d4; d++) {
    outputs[qBase + d] = acc[d] / l;
  }
}
