// Paged decode attention, split-K (flash-decoding), one query token per sequence.
//
// One workgroup per (work item, KV head). A work item is a contiguous range of attended keys of one
// sequence (planned on the host, see src/attn/split.ts), so no key inside it is masked and no page
// outside the window is ever addressed. The workgroup serves all `group` query heads that share the
// KV head (GQA), so each K/V row is loaded once per group, not once per query head.
//
// WG threads (an override: headDim / 4 rounded up to 16..128); per tile of TILE = 128 keys:
//   A  thread t scores keys tile+t, tile+t+WG, ... against every head of the group -> scores[g][k]
//   B  thread g < group folds the tile into the running (max, sum), turns scores into p = e^(s - max)
//   C  thread t owns vec4 column t of the output for every head of the group: it loads V[key][t]
//      once per key and adds p[g][key] * V to each head's accumulator (p's index is the same
//      for every thread: a broadcast read)
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
// Threads per workgroup; the host picks the smallest of 16, 32, 64, 128 that covers
// headDim / 4, so in phase C every thread owns one vec4 column.
override WG: u32 = 64u;
// Staging the group's queries in workgroup memory is ~20% faster on a software driver than
// reading the same query vec4 from the storage buffer once per key. The host sets Q_STAGE to 512
// (vec4s) when group x headDim / 4 fits and the device's workgroup storage allows; 1 = off, so a
// device with the default 16 KiB of workgroup storage still runs the kernel.
override Q_STAGE: u32 = 1u;

const MAX_GROUP: u32 = 16u;
const NEG_BIG: f32 = -3.0e38;

// Keys per tile: several per thread in phase A, so the three barriers per tile are amortised
// (with one key per thread, barriers cost a third of the time on a software driver).
const TILE: u32 = 128u;

var<workgroup> scores: array<f32, MAX_GROUP * TILE>;
var<workgroup> rowBase: array<u32, TILE>;
var<workgroup> rowBind: array<u32, TILE>;
var<workgroup> runMax: array<f32, MAX_GROUP>;
var<workgroup> runSum: array<f32, MAX_GROUP>;
var<workgroup> rescale: array<f32, MAX_GROUP>;
var<workgroup> qs: array<vec4<f32>, Q_STAGE>;

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

// Query vec4 i of the group: from workgroup memory when staged (i relative to the group),
// else from the storage buffer (i absolute).
fn qAt(i: u32) -> vec4<f32> {
  if (Q_STAGE > 1u) {
    return qs[i];
  }
  return q[i];
}

// Phase A for one key: address its row through the page table, score it for every group head.
fn scoreKey(item: WorkItem, key: u32, kvHead: u32, k: u32) {
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
  rowBase[k] = row;
  rowBind[k] = bind;
  let qBase = (item.seq * params.numQoHeads + kvHead * params.group) * d4;
  let group = params.group;
  // Constant indices only, in blocks of 1, 1, 2, 4, 8 heads behind uniform branches: a private
  // array indexed by a loop variable becomes scratch memory on a software driver (2x slower),
  // constant indices stay in registers. Heads past `group` compute values nobody reads.
  var s: array<f32, MAX_GROUP>;
  for (var d = 0u; d < d4; d++) {
    let kv = loadK(bind, row + d);
    let qd = select(qBase + d, d, Q_STAGE > 1u);
    s[0] += dot(qAt(qd + 0u * d4), kv);
    if (group > 1u) {
      s[1] += dot(qAt(qd + 1u * d4), kv);
    }
    if (group > 2u) {
      s[2] += dot(qAt(qd + 2u * d4), kv);
      s[3] += dot(qAt(qd + 3u * d4), kv);
    }
    if (group > 4u) {
      s[4] += dot(qAt(qd + 4u * d4), kv);
      s[5] += dot(qAt(qd + 5u * d4), kv);
      s[6] += dot(qAt(qd + 6u * d4), kv);
      s[7] += dot(qAt(qd + 7u * d4), kv);
    }
    if (group > 8u) {
      s[8] += dot(qAt(qd + 8u * d4), kv);
      s[9] += dot(qAt(qd + 9u * d4), kv);
      s[10] += dot(qAt(qd + 10u * d4), kv);
      s[11] += dot(qAt(qd + 11u * d4), kv);
      s[12] += dot(qAt(qd + 12u * d4), kv);
      s[13] += dot(qAt(qd + 13u * d4), kv);
      s[14] += dot(qAt(qd + 14u * d4), kv);
      s[15] += dot(qAt(qd + 15u * d4), kv);
    }
  }
  scores[0u * TILE + k] = s[0] * params.smScale;
  if (group > 1u) {
    scores[1u * TILE + k] = s[1] * params.smScale;
  }
  if (group > 2u) {
    scores[2u * TILE + k] = s[2] * params.smScale;
    scores[3u * TILE + k] = s[3] * params.smScale;
  }
  if (group > 4u) {
    scores[4u * TILE + k] = s[4] * params.smScale;
    scores[5u * TILE + k] = s[5] * params.smScale;
    scores[6u * TILE + k] = s[6] * params.smScale;
    scores[7u * TILE + k] = s[7] * params.smScale;
  }
  if (group > 8u) {
    scores[8u * TILE + k] = s[8] * params.smScale;
    scores[9u * TILE + k] = s[9] * params.smScale;
    scores[10u * TILE + k] = s[10] * params.smScale;
    scores[11u * TILE + k] = s[11] * params.smScale;
    scores[12u * TILE + k] = s[12] * params.smScale;
    scores[13u * TILE + k] = s[13] * params.smScale;
    scores[14u * TILE + k] = s[14] * params.smScale;
    scores[15u * TILE + k] = s[15] * params.smScale;
  }
}

// Phase B for head g: fold n new scores into the running max and sum.
fn foldTile(g: u32, n: u32) {
  var mx = runMax[g];
  for (var i = 0u; i < n; i++) {
    mx = max(mx, scores[g * TILE + i]);
  }
  var sum = 0.0;
  for (var i = 0u; i < n; i++) {
    let p = exp(scores[g * TILE + i] - mx);
    scores[g * TILE + i] = p;
    sum += p;
  }
  let alpha = exp(runMax[g] - mx);
  rescale[g] = alpha;
  runSum[g] = runSum[g] * alpha + sum;
  runMax[g] = mx;
}

// Write head g's accumulator column (heads past `group` belong to the next KV head: skipped).
fn storeHead(head0: u32, g: u32, group: u32, d4: u32, t: u32, a: vec4<f32>) {
  if (g < group) {
    let base = ((head0 + g) * d4 + t) * 4u;
    partials[base] = a.x;
    partials[base + 1u] = a.y;
    partials[base + 2u] = a.z;
    partials[base + 3u] = a.w;
  }
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
  if (Q_STAGE > 1u) {
    let qBase = (item.seq * params.numQoHeads + kvHead * group) * d4;
    for (var j = t; j < group * d4; j += WG) {
      qs[j] = q[qBase + j];
    }
  }
  workgroupBarrier();
  var acc: array<vec4<f32>, MAX_GROUP>;
  for (var tile = item.keyStart; tile < item.keyEnd; tile += TILE) {
    let n = min(TILE, item.keyEnd - tile);
    for (var k = t; k < n; k += WG) {
      scoreKey(item, tile + k, kvHead, k);
    }
    workgroupBarrier();
    if (t < group) {
      foldTile(t, n);
    }
    workgroupBarrier();
    if (t < d4) {
      acc[0] *= rescale[0];
      if (group > 1u) {
        acc[1] *= rescale[1];
      }
      if (group > 2u) {
        acc[2] *= rescale[2];
        acc[3] *= rescale[3];
      }
      if (group > 4u) {
        acc[4] *= rescale[4];
        acc[5] *= rescale[5];
        acc[6] *= rescale[6];
        acc[7] *= rescale[7];
      }
      if (group > 8u) {
        acc[8] *= rescale[8];
        acc[9] *= rescale[9];
        acc[10] *= rescale[10];
        acc[11] *= rescale[11];
        acc[12] *= rescale[12];
        acc[13] *= rescale[13];
        acc[14] *= rescale[14];
        acc[15] *= rescale[15];
      }
      for (var i = 0u; i < n; i++) {
        let v = loadV(rowBind[i], rowBase[i] + t);
        acc[0] += scores[0u * TILE + i] * v;
        if (group > 1u) {
          acc[1] += scores[1u * TILE + i] * v;
        }
        if (group > 2u) {
          acc[2] += scores[2u * TILE + i] * v;
          acc[3] += scores[3u * TILE + i] * v;
        }
        if (group > 4u) {
          acc[4] += scores[4u * TILE + i] * v;
          acc[5] += scores[5u * TILE + i] * v;
          acc[6] += scores[6u * TILE + i] * v;
          acc[7] += scores[7u * TILE + i] * v;
        }
        if (group > 8u) {
          acc[8] += scores[8u * TILE + i] * v;
          acc[9] += scores[9u * TILE + i] * v;
          acc[10] += scores[10u * TILE + i] * v;
          acc[11] += scores[11u * TILE + i] * v;
          acc[12] += scores[12u * TILE + i] * v;
          acc[13] += scores[13u * TILE + i] * v;
          acc[14] += scores[14u * TILE + i] * v;
          acc[15] += scores[15u * TILE + i] * v;
        }
      }
    }
    workgroupBarrier();
  }
  let head0 = wg.x * params.numQoHeads + kvHead * group;
  if (t < d4) {
    storeHead(head0, 0u, group, d4, t, acc[0]);
    if (group > 1u) {
      storeHead(head0, 1u, group, d4, t, acc[1]);
    }
    if (group > 2u) {
      storeHead(head0, 2u, group, d4, t, acc[2]);
      storeHead(head0, 3u, group, d4, t, acc[3]);
    }
    if (group > 4u) {
      storeHead(head0, 4u, group, d4, t, acc[4]);
      storeHead(head0, 5u, group, d4, t, acc[5]);
      storeHead(head0, 6u, group, d4, t, acc[6]);
      storeHead(head0, 7u, group, d4, t, acc[7]);
    }
    if (group > 8u) {
      storeHead(head0, 8u, group, d4, t, acc[8]);
      storeHead(head0, 9u, group, d4, t, acc[9]);
      storeHead(head0, 10u, group, d4, t, acc[10]);
      storeHead(head0, 11u, group, d4, t, acc[11]);
      storeHead(head0, 12u, group, d4, t, acc[12]);
      storeHead(head0, 13u, group, d4, t, acc[13]);
      storeHead(head0, 14u, group, d4, t, acc[14]);
      storeHead(head0, 15u, group, d4, t, acc[15]);
    }
  }
  if (t < group) {
    partials[params.mlOffset + (head0 + t) * 2u] = runMax[t];
    partials[params.mlOffset + (head0 + t) * 2u + 1u] = runSum[t];
  }
}
