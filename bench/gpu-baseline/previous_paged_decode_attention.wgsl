// THE PREVIOUS KERNEL, kept only as the benchmark baseline (speedupVsPrevious): this hand-written
// file was replaced by the generated buffer kernel (src/gpu/decode-buffer-wgsl.ts) and runs only
// in `npm run bench:gpu` and the Benchmark view (src/gpu/bench/baseline.ts).
//
// Paged decode attention, split-K (flash-decoding), one query token per sequence.
//
// One workgroup per (work item, KV head). A work item is a contiguous range of attended keys of one
// sequence (planned on the host, see src/attn/split.ts), so no key inside it is masked and no page
// outside the window is ever addressed. The workgroup serves all `group` query heads that share the
// KV head (GQA), so each K/V row is loaded once per group, not once per query head.
//
// WG = 32 threads; per tile of TILE = 128 keys:
//   A  thread t scores keys t, t+32, t+64, t+96 of the tile (KPT = 4; with KPT = 8 threads
//      t < 16 score t, t+16, ..., t+112) against every head of the group -> scores[g][k]; each
//      query vec4 is loaded once per head-dim step for all of the thread's keys
//   B  thread g < group folds the tile into the running (max, sum), turns scores into p = e^(s - max)
//   C  thread t owns 4 vec4 columns of the output (nc = ceil(headDim / 16) threads cover a row)
//      and one key phase kp = t / nc of the kps = 32 / nc phases: it adds p[g][key] * V[key][col]
//      to its accumulators for keys kp, kp + kps, ...
// Each key phase's unnormalised accumulator goes to `partials` as a sub-item of the work item
// (item * kps + kp), all with the item's (max, sum) -- the sum on the first sub-item only -- and
// merge_attention_states.wgsl combines a sequence's sub-items by log-sum-exp.
//
// Why this shape (measured on Mesa lavapipe, where invocations run 8 to a SIMD vector): every
// storage or workgroup load inside a loop becomes a per-lane scalar loop with a bounds check, even
// when all lanes read the same address. Cost follows the number of load components per lane, so
// broadcast reads (queries in A, row and probabilities in C) are amortised over several keys or
// columns per thread.
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
// Staging the group's queries in workgroup memory is ~20% faster on a software driver than
// reading the same query vec4 from the storage buffer. The host sets Q_STAGE to 512 (vec4s) when
// group x headDim / 4 fits and the device's workgroup storage allows; 1 = off, so a device with
// the default 16 KiB of workgroup storage still runs the kernel.
override Q_STAGE: u32 = 1u;
// Head block: group rounded up to 1, 2, 4, 8 or 16 (set by the host). The per-key loops branch on
// it, not on params.group: a uniform branch on a runtime value still runs both sides under a mask
// on a software driver, so unused head blocks would cost as much as used ones (~15% at group 4).
// Heads from group to HB compute values nobody reads.
override HB: u32 = 16u;

// Threads per workgroup (the host's keyPhases() in src/gpu/attention.ts assumes 32).
const WG: u32 = 32u;
// Keys per thread in phase A: 4, or 8 from head block 8 up, where the query loads (HB per
// head-dim step, shared by the thread's keys) outnumber the K loads. Threads k < KSTRIDE score
// keys k, k + KSTRIDE, ... of the tile; with KPT = 8 the other half skips phase A (a software
// driver skips a SIMD chunk whose lanes all left a loop).
override KPT: u32 = select(4u, 8u, HB >= 8u);
override KSTRIDE: u32 = TILE / KPT;
const MAX_GROUP: u32 = 16u;
const NEG_BIG: f32 = -3.0e38;

// Keys per tile: several per thread in phase A, so the three barriers per tile are amortised
// (with one key per thread, barriers cost a third of the time on a software driver).
// rowBase[k] = vec4 row of key k in its binding | binding << 31.
const TILE: u32 = 128u;

var<workgroup> scores: array<f32, MAX_GROUP * TILE>;
var<workgroup> rowBase: array<u32, TILE>;
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

// Row (vec4 index) of `key` in its pool binding, through the page table.
fn keyRow(item: WorkItem, key: u32, kvHead: u32) -> vec2<u32> {
  let page = key / params.tokensPerBlock;
  let offset = key - page * params.tokensPerBlock;
  var slot = kvIndices[item.pageBase + page];
  var bind = 0u;
  if (SPLIT_POOL && slot >= params.slotsPerBinding) {
    slot -= params.slotsPerBinding;
    bind = 1u;
  }
  return vec2<u32>(((slot * params.tokensPerBlock + offset) * params.numKvHeads + kvHead) * (params.headDim / 4u), bind);
}

// Scores of one key against four heads' query vec4s.
fn dot4(a: vec4<f32>, b: vec4<f32>, c: vec4<f32>, d: vec4<f32>, k: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(dot(a, k), dot(b, k), dot(c, k), dot(d, k));
}

// Phase A for the KPT keys k, k + KSTRIDE, ... of the tile: each query vec4 is loaded once per
// head-dim step and used for all KPT keys. On a software driver every load in a loop is a
// per-lane gather, and the query loads (group per step) outnumbered the K loads (one per step).
// Keys at or past n are clamped to n - 1 (scores never read). Heads past `group` score zero
// queries (their results are never read either).
fn scoreKeys(item: WorkItem, kvHead: u32, k: u32, n: u32, tile: u32) {
  let d4 = params.headDim / 4u;
  let group = params.group;
  var r: array<vec2<u32>, 8>;
  r[0] = keyRow(item, tile + min(k, n - 1u), kvHead);
  r[1] = keyRow(item, tile + min(k + 1u * KSTRIDE, n - 1u), kvHead);
  r[2] = keyRow(item, tile + min(k + 2u * KSTRIDE, n - 1u), kvHead);
  r[3] = keyRow(item, tile + min(k + 3u * KSTRIDE, n - 1u), kvHead);
  if (KPT > 4u) {
    r[4] = keyRow(item, tile + min(k + 4u * KSTRIDE, n - 1u), kvHead);
    r[5] = keyRow(item, tile + min(k + 5u * KSTRIDE, n - 1u), kvHead);
    r[6] = keyRow(item, tile + min(k + 6u * KSTRIDE, n - 1u), kvHead);
    r[7] = keyRow(item, tile + min(k + 7u * KSTRIDE, n - 1u), kvHead);
  }
  let qBase = select((item.seq * params.numQoHeads + kvHead * group) * d4, 0u, Q_STAGE > 1u);
  // s[4 * j + b]: key j, heads 4b .. 4b + 3.
  var s: array<vec4<f32>, 32>;
  let z = vec4<f32>(0.0);
  for (var d = 0u; d < d4; d++) {
    let qd = qBase + d;
    let q0 = qAt(qd);
    var q1 = z;
    var q2 = z;
    var q3 = z;
    if (HB > 1u) {
      q1 = qAt(qd + d4);
    }
    if (HB > 2u) {
      q2 = qAt(qd + 2u * d4);
      q3 = qAt(qd + 3u * d4);
    }
    var q4 = z;
    var q5 = z;
    var q6 = z;
    var q7 = z;
    if (HB > 4u) {
      q4 = qAt(qd + 4u * d4);
      q5 = qAt(qd + 5u * d4);
      q6 = qAt(qd + 6u * d4);
      q7 = qAt(qd + 7u * d4);
    }
    var q8 = z;
    var q9 = z;
    var q10 = z;
    var q11 = z;
    var q12 = z;
    var q13 = z;
    var q14 = z;
    var q15 = z;
    if (HB > 8u) {
      q8 = qAt(qd + 8u * d4);
      q9 = qAt(qd + 9u * d4);
      q10 = qAt(qd + 10u * d4);
      q11 = qAt(qd + 11u * d4);
      q12 = qAt(qd + 12u * d4);
      q13 = qAt(qd + 13u * d4);
      q14 = qAt(qd + 14u * d4);
      q15 = qAt(qd + 15u * d4);
    }
    let k0 = loadK(r[0].y, r[0].x + d);
    s[0] += dot4(q0, q1, q2, q3, k0);
    if (HB > 4u) {
      s[1] += dot4(q4, q5, q6, q7, k0);
    }
    if (HB > 8u) {
      s[2] += dot4(q8, q9, q10, q11, k0);
      s[3] += dot4(q12, q13, q14, q15, k0);
    }
    let k1 = loadK(r[1].y, r[1].x + d);
    s[4] += dot4(q0, q1, q2, q3, k1);
    if (HB > 4u) {
      s[5] += dot4(q4, q5, q6, q7, k1);
    }
    if (HB > 8u) {
      s[6] += dot4(q8, q9, q10, q11, k1);
      s[7] += dot4(q12, q13, q14, q15, k1);
    }
    let k2 = loadK(r[2].y, r[2].x + d);
    s[8] += dot4(q0, q1, q2, q3, k2);
    if (HB > 4u) {
      s[9] += dot4(q4, q5, q6, q7, k2);
    }
    if (HB > 8u) {
      s[10] += dot4(q8, q9, q10, q11, k2);
      s[11] += dot4(q12, q13, q14, q15, k2);
    }
    let k3 = loadK(r[3].y, r[3].x + d);
    s[12] += dot4(q0, q1, q2, q3, k3);
    if (HB > 4u) {
      s[13] += dot4(q4, q5, q6, q7, k3);
    }
    if (HB > 8u) {
      s[14] += dot4(q8, q9, q10, q11, k3);
      s[15] += dot4(q12, q13, q14, q15, k3);
    }
    if (KPT > 4u) {
      let k4 = loadK(r[4].y, r[4].x + d);
      s[16] += dot4(q0, q1, q2, q3, k4);
      if (HB > 4u) {
        s[17] += dot4(q4, q5, q6, q7, k4);
      }
      if (HB > 8u) {
        s[18] += dot4(q8, q9, q10, q11, k4);
        s[19] += dot4(q12, q13, q14, q15, k4);
      }
      let k5 = loadK(r[5].y, r[5].x + d);
      s[20] += dot4(q0, q1, q2, q3, k5);
      if (HB > 4u) {
        s[21] += dot4(q4, q5, q6, q7, k5);
      }
      if (HB > 8u) {
        s[22] += dot4(q8, q9, q10, q11, k5);
        s[23] += dot4(q12, q13, q14, q15, k5);
      }
      let k6 = loadK(r[6].y, r[6].x + d);
      s[24] += dot4(q0, q1, q2, q3, k6);
      if (HB > 4u) {
        s[25] += dot4(q4, q5, q6, q7, k6);
      }
      if (HB > 8u) {
        s[26] += dot4(q8, q9, q10, q11, k6);
        s[27] += dot4(q12, q13, q14, q15, k6);
      }
      let k7 = loadK(r[7].y, r[7].x + d);
      s[28] += dot4(q0, q1, q2, q3, k7);
      if (HB > 4u) {
        s[29] += dot4(q4, q5, q6, q7, k7);
      }
      if (HB > 8u) {
        s[30] += dot4(q8, q9, q10, q11, k7);
        s[31] += dot4(q12, q13, q14, q15, k7);
      }
    }
  }
  storeScores(k, r[0], s[0], s[1], s[2], s[3]);
  storeScores(k + 1u * KSTRIDE, r[1], s[4], s[5], s[6], s[7]);
  storeScores(k + 2u * KSTRIDE, r[2], s[8], s[9], s[10], s[11]);
  storeScores(k + 3u * KSTRIDE, r[3], s[12], s[13], s[14], s[15]);
  if (KPT > 4u) {
    storeScores(k + 4u * KSTRIDE, r[4], s[16], s[17], s[18], s[19]);
    storeScores(k + 5u * KSTRIDE, r[5], s[20], s[21], s[22], s[23]);
    storeScores(k + 6u * KSTRIDE, r[6], s[24], s[25], s[26], s[27]);
    storeScores(k + 7u * KSTRIDE, r[7], s[28], s[29], s[30], s[31]);
  }
}

// Scaled scores of key slot k (if inside the tile) for the group's heads, and its row.
fn storeScores(k: u32, r: vec2<u32>, a: vec4<f32>, b: vec4<f32>, c: vec4<f32>, d: vec4<f32>) {
  if (k >= TILE) {
    return;
  }
  rowBase[k] = r.x | (r.y << 31u);
  let group = params.group;
  let sc = params.smScale;
  for (var g = 0u; g < 4u; g++) {
    if (g < group) {
      scores[g * TILE + k] = a[g] * sc;
    }
    if (g + 4u < group) {
      scores[(g + 4u) * TILE + k] = b[g] * sc;
    }
    if (g + 8u < group) {
      scores[(g + 8u) * TILE + k] = c[g] * sc;
      scores[(g + 12u) * TILE + k] = d[g] * sc;
    }
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
  // Phase C layout: thread t owns the 4 columns cb, cb + nc, cb + 2nc, cb + 3nc (nc = d4 / 4
  // rounded up) for the keys i = kp, kp + kps, ... of each tile (kp = t / nc). Each key
  // phase keeps its own accumulator and writes it as a sub-item of the work item (same max and
  // sum) for the merge pass, so no cross-thread reduction is needed here. Four columns per
  // thread load each key's row and probabilities once for four V loads instead of once per
  // V load (every load in a loop is a per-lane gather on a software driver).
  let nc = (d4 + 3u) / 4u;
  let kps = WG / nc;
  let kp = t / nc;
  let cb = t % nc;
  let c0 = min(cb, d4 - 1u);
  let c1 = min(cb + nc, d4 - 1u);
  let c2 = min(cb + 2u * nc, d4 - 1u);
  let c3 = min(cb + 3u * nc, d4 - 1u);
  var a0: array<vec4<f32>, MAX_GROUP>;
  var a1: array<vec4<f32>, MAX_GROUP>;
  var a2: array<vec4<f32>, MAX_GROUP>;
  var a3: array<vec4<f32>, MAX_GROUP>;
  for (var tile = item.keyStart; tile < item.keyEnd; tile += TILE) {
    let n = min(TILE, item.keyEnd - tile);
    for (var k = t; k < KSTRIDE; k += WG) {
      scoreKeys(item, kvHead, k, n, tile);
    }
    workgroupBarrier();
    if (t < group) {
      foldTile(t, n);
    }
    workgroupBarrier();
    if (kp < kps) {
      rescaleAcc(&a0, group);
      rescaleAcc(&a1, group);
      rescaleAcc(&a2, group);
      rescaleAcc(&a3, group);
      for (var i = kp; i < n; i += kps) {
        let packed = rowBase[i];
        let row = packed & 0x7fffffffu;
        let bind = packed >> 31u;
        let p = keyProbs(i, group);
        accumulate(&a0, p, loadV(bind, row + c0), group);
        accumulate(&a1, p, loadV(bind, row + c1), group);
        accumulate(&a2, p, loadV(bind, row + c2), group);
        accumulate(&a3, p, loadV(bind, row + c3), group);
      }
    }
    workgroupBarrier();
  }
  if (kp < kps) {
    let sub = wg.x * kps + kp;
    let head0 = sub * params.numQoHeads + kvHead * group;
    storeAcc(&a0, head0, group, d4, cb);
    storeAcc(&a1, head0, group, d4, cb + nc);
    storeAcc(&a2, head0, group, d4, cb + 2u * nc);
    storeAcc(&a3, head0, group, d4, cb + 3u * nc);
  }
  // Every sub-item carries the running max; only the first carries the sum, so the merge's
  // sum of e^(m - M) l over sub-items counts it once.
  if (t < group) {
    for (var s = 0u; s < kps; s++) {
      let h = (wg.x * kps + s) * params.numQoHeads + kvHead * group + t;
      partials[params.mlOffset + h * 2u] = runMax[t];
      partials[params.mlOffset + h * 2u + 1u] = select(0.0, runSum[t], s == 0u);
    }
  }
}

// Probabilities of key slot i for the group's heads (heads past `group` read as 0).
fn keyProbs(i: u32, group: u32) -> array<f32, MAX_GROUP> {
  var p: array<f32, MAX_GROUP>;
  p[0] = scores[i];
  if (HB > 1u) {
    p[1] = scores[TILE + i];
  }
  if (HB > 2u) {
    p[2] = scores[2u * TILE + i];
    p[3] = scores[3u * TILE + i];
  }
  if (HB > 4u) {
    p[4] = scores[4u * TILE + i];
    p[5] = scores[5u * TILE + i];
    p[6] = scores[6u * TILE + i];
    p[7] = scores[7u * TILE + i];
  }
  if (HB > 8u) {
    p[8] = scores[8u * TILE + i];
    p[9] = scores[9u * TILE + i];
    p[10] = scores[10u * TILE + i];
    p[11] = scores[11u * TILE + i];
    p[12] = scores[12u * TILE + i];
    p[13] = scores[13u * TILE + i];
    p[14] = scores[14u * TILE + i];
    p[15] = scores[15u * TILE + i];
  }
  return p;
}

// acc[g] += p[g] * v for the group's heads. Constant indices only (see scoreKeys).
fn accumulate(acc: ptr<function, array<vec4<f32>, MAX_GROUP>>, p: array<f32, MAX_GROUP>, v: vec4<f32>, group: u32) {
  (*acc)[0] += p[0] * v;
  if (HB > 1u) {
    (*acc)[1] += p[1] * v;
  }
  if (HB > 2u) {
    (*acc)[2] += p[2] * v;
    (*acc)[3] += p[3] * v;
  }
  if (HB > 4u) {
    (*acc)[4] += p[4] * v;
    (*acc)[5] += p[5] * v;
    (*acc)[6] += p[6] * v;
    (*acc)[7] += p[7] * v;
  }
  if (HB > 8u) {
    (*acc)[8] += p[8] * v;
    (*acc)[9] += p[9] * v;
    (*acc)[10] += p[10] * v;
    (*acc)[11] += p[11] * v;
    (*acc)[12] += p[12] * v;
    (*acc)[13] += p[13] * v;
    (*acc)[14] += p[14] * v;
    (*acc)[15] += p[15] * v;
  }
}

fn rescaleAcc(acc: ptr<function, array<vec4<f32>, MAX_GROUP>>, group: u32) {
  (*acc)[0] *= rescale[0];
  if (HB > 1u) {
    (*acc)[1] *= rescale[1];
  }
  if (HB > 2u) {
    (*acc)[2] *= rescale[2];
    (*acc)[3] *= rescale[3];
  }
  if (HB > 4u) {
    (*acc)[4] *= rescale[4];
    (*acc)[5] *= rescale[5];
    (*acc)[6] *= rescale[6];
    (*acc)[7] *= rescale[7];
  }
  if (HB > 8u) {
    (*acc)[8] *= rescale[8];
    (*acc)[9] *= rescale[9];
    (*acc)[10] *= rescale[10];
    (*acc)[11] *= rescale[11];
    (*acc)[12] *= rescale[12];
    (*acc)[13] *= rescale[13];
    (*acc)[14] *= rescale[14];
    (*acc)[15] *= rescale[15];
  }
}

// Write column `col` of each group head's accumulator (columns past d4 belong to nobody).
fn storeAcc(acc: ptr<function, array<vec4<f32>, MAX_GROUP>>, head0: u32, group: u32, d4: u32, col: u32) {
  if (col >= d4) {
    return;
  }
  storeHead(head0, 0u, group, d4, col, (*acc)[0]);
  if (group > 1u) {
    storeHead(head0, 1u, group, d4, col, (*acc)[1]);
  }
  if (group > 2u) {
    storeHead(head0, 2u, group, d4, col, (*acc)[2]);
    storeHead(head0, 3u, group, d4, col, (*acc)[3]);
  }
  if (group > 4u) {
    storeHead(head0, 4u, group, d4, col, (*acc)[4]);
    storeHead(head0, 5u, group, d4, col, (*acc)[5]);
    storeHead(head0, 6u, group, d4, col, (*acc)[6]);
    storeHead(head0, 7u, group, d4, col, (*acc)[7]);
  }
  if (group > 8u) {
    storeHead(head0, 8u, group, d4, col, (*acc)[8]);
    storeHead(head0, 9u, group, d4, col, (*acc)[9]);
    storeHead(head0, 10u, group, d4, col, (*acc)[10]);
    storeHead(head0, 11u, group, d4, col, (*acc)[11]);
    storeHead(head0, 12u, group, d4, col, (*acc)[12]);
    storeHead(head0, 13u, group, d4, col, (*acc)[13]);
    storeHead(head0, 14u, group, d4, col, (*acc)[14]);
    storeHead(head0, 15u, group, d4, col, (*acc)[15]);
  }
}
