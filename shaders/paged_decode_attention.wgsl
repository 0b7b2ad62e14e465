// Paged decode attention, split-K (flash-decoding), one query token per sequence.
//
// One workgroup per (work item, KV head). A work item is a contiguous range of attended keys of one
// sequence (planned on the host, see src/attn/split.ts), so no key inside it is masked and no page
// outside the window is ever addressed. The workgroup serves all `group` query heads that share the
// KV head (GQA), so each K/V row is loaded once per group, not once per query head.
//
// WG (an override, = headDim / 4 rounded up to 16..128) threads; per tile of WG keys:
//   A  thread t scores key tile+t against every query head of the group  -> scores[g][t]
//   B  thread g < group folds the tile into the running (max, sum), turns scores into p = e^(s - max)
//   C  thread t owns vec4 column t of the output for every head of the group: it loads V[key][t]
//      once per key and adds p[g][key] * V to each head's accumulator (the indices of p are
//      uniform across the workgroup, so a software driver reads them as scalars)
// The unnormalised accumulator and (max, sum) go to `partials`; merge_attention_states.wgsl
// combines a sequence's items by log-sum-exp.
//
// K/V pool layout: [slot][tokenInBlock][kvHead][headDim], read as vec4. A pool larger than one
// storage binding is split in two at slot `slotsPerBinding` (k0/k1, v0/v1); SPLIT_POOL turns the
// branch on. The f16 storage variant is this file with `KvVec` aliased to vec4<f16>.

alias KvVec = vec4<f32>;

struct Params {
  numQoHeads: u32,
  numKvHeads: u32,
  headDim: u32,
  tokensPerBlock: u32,
  group: u32,
  _pad3: u32,
  slotsPerBinding: u32,
  mlOffset: u32,
  smScale: f32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

struct WorkItem {
  seq: u32,
  keyStart: u32,
  keyEnd: u32,
  pageBase: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> items: array<WorkItem>;
@group(0) @binding(3) var<storage, read> kvIndices: array<u32>;
@group(0) @binding(4) var<storage, read> k0: array<KvVec>;
@group(0) @binding(5) var<storage, read> k1: array<KvVec>;
@group(0) @binding(6) var<storage, read> v0: array<KvVec>;
@group(0) @binding(7) var<storage, read> v1: array<KvVec>;
@group(0) @binding(8) var<storage, read_write> partials: array<f32>;

override SPLIT_POOL: bool = false;
// Threads per workgroup and keys per tile; the host picks the smallest of 16, 32, 64, 128 that
// covers headDim / 4, so in phase C every thread owns one vec4 column.
override WG: u32 = 64u;

const MAX_GROUP: u32 = 16u;
const NEG_BIG: f32 = -3.0e38;

var<workgroup> scores: array<f32, MAX_GROUP * WG>;
var<workgroup> rowBase: array<u32, WG>;
var<workgroup> rowBind: array<u32, WG>;
var<workgroup> runMax: array<f32, MAX_GROUP>;
var<workgroup> runSum: array<f32, MAX_GROUP>;
var<workgroup> rescale: array<f32, MAX_GROUP>;

fn loadK(bind: u32, i: u32) -> vec4<f32> {
  if (SPLIT_POOL && bind == 1u) {
    return vec4<f32>(k1[i]);
  }
  return vec4<f32>(k0[i]);
}

fn loadV(bind: u32, i: u32) -> vec4<f32> {
  if (SPLIT_POOL && bind == 1u) {
    return vec4<f32>(v1[i]);
  }
  return vec4<f32>(v0[i]);
}

// Phase A for one key: address its row through the page table, score it for every group head.
fn scoreKey(item: WorkItem, key: u32, kvHead: u32, t: u32) {
  let d4 = params.headDim / 4u;
  let page = key / params.tokensPerBlock;
  let offset = key - page * params.tokensPerBlock;
  var slot = kvIndices[item.pageBase + page];
  var bind = 0u;
  if (SPLIT_POOL && slot >= params.slotsPerBinding) {
    slot -= params.slotsPerBinding;
    bind = 1u;
  }
  let row = ((slot * params.tokensPerBlock + offset) * params.numKvHeads + kvHead) * d4;
  rowBase[t] = row;
  rowBind[t] = bind;
  let qBase = (item.seq * params.numQoHeads + kvHead * params.group) * d4;
  var s: array<f32, MAX_GROUP>;
  for (var d = 0u; d < d4; d++) {
    let kv = loadK(bind, row + d);
    for (var g = 0u; g < params.group; g++) {
      s[g] += dot(q[qBase + g * d4 + d], kv);
    }
  }
  for (var g = 0u; g < params.group; g++) {
    scores[g * WG + t] = s[g] * params.smScale;
  }
}

// Phase B for head g: fold n new scores into the running max and sum.
fn foldTile(g: u32, n: u32) {
  var mx = runMax[g];
  for (var i = 0u; i < n; i++) {
    mx = max(mx, scores[g * WG + i]);
  }
  var sum = 0.0;
  for (var i = 0u; i < n; i++) {
    let p = exp(scores[g * WG + i] - mx);
    scores[g * WG + i] = p;
    sum += p;
  }
  let alpha = exp(runMax[g] - mx);
  rescale[g] = alpha;
  runSum[g] = runSum[g] * alpha + sum;
  runMax[g] = mx;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let item = items[wg.x];
  let kvHead = wg.y;
  let d4 = params.headDim / 4u;
  let group = params.group;
  if (t < group) {
    runMax[t] = NEG_BIG;
    runSum[t] = 0.0;
  }
  var acc: array<vec4<f32>, MAX_GROUP>;
  for (var tile = item.keyStart; tile < item.keyEnd; tile += WG) {
    let n = min(WG, item.keyEnd - tile);
    if (t < n) {
      scoreKey(item, tile + t, kvHead, t);
    }
    workgroupBarrier();
    if (t < group) {
      foldTile(t, n);
    }
    workgroupBarrier();
    if (t < d4) {
      for (var g = 0u; g < group; g++) {
        acc[g] *= rescale[g];
      }
      for (var i = 0u; i < n; i++) {
        let v = loadV(rowBind[i], rowBase[i] + t);
        for (var g = 0u; g < group; g++) {
          acc[g] += scores[g * WG + i] * v;
        }
      }
    }
    workgroupBarrier();
  }
  let head0 = wg.x * params.numQoHeads + kvHead * group;
  if (t < d4) {
    for (var g = 0u; g < group; g++) {
      let base = ((head0 + g) * d4 + t) * 4u;
      partials[base] = acc[g].x;
      partials[base + 1u] = acc[g].y;
      partials[base + 2u] = acc[g].z;
      partials[base + 3u] = acc[g].w;
    }
  }
  if (t < group) {
    partials[params.mlOffset + (head0 + t) * 2u] = runMax[t];
    partials[params.mlOffset + (head0 + t) * 2u + 1u] = runSum[t];
  }
}
