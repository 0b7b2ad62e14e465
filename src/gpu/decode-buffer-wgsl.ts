/**
 * Generator of the buffer path's kernel: the fallback where an adapter lacks subgroups or
 * read-only storage textures, or a pool passes one texture. K/V stay in storage buffers in the host
 * layout [slot][tokenInBlock][kvHead][headDim], split over two bindings at `slotsPerBinding` when a
 * pool passes maxStorageBufferBindingSize. No subgroup operations: workgroup memory and barriers.
 *
 * One workgroup of WG = 32 threads per (work item, KV head, head block); it serves HB query heads
 * of the group (the group rounded up to a power of two, up to 16), heads g0 .. g0 + HB - 1 with
 * g0 = HB * workgroup z, so each K/V row is loaded once per head block. Blocks of 8 and 16 heads
 * compile slower (about a minute cold on lavapipe) but a latent group of 16 heads read in blocks
 * of 4 read K/V four times: 0.4x the previous kernel, against 1.15x in one block. Per tile of TILE = 128 keys:
 *   A  thread t scores KPT keys of the tile (t, t + KSTRIDE, ...) against every head: each query
 *      vec4 is loaded once per head-dim step for all its keys -> scores[g][key] (scaled);
 *   B  thread g < group folds the tile into head g's running (max, sum) and turns its scores
 *      into p = e^(s - max), leaving the rescale factor for phase C;
 *   C  thread t owns 4 vec4 columns (cb, cb + nc, cb + 2nc, cb + 3nc; nc = ceil(d4 / 4)) and one
 *      key phase kp = t / nc of kps = WG / nc: it adds p[g][key] * V[key][col] for the keys
 *      kp, kp + kps, ... to its accumulators.
 * Each key phase's unnormalised accumulator goes to `partials` as a sub-item of the work item
 * (item * kps + kp), all with the item's (max, sum) -- the sum on the first sub-item only -- and
 * merge_attention_states.wgsl combines a sequence's sub-items by log-sum-exp.
 *
 * Why unrolled over heads and keys (measured on Mesa lavapipe): every storage or workgroup load in
 * a loop is a per-lane gather there, and a dynamically indexed function array lives in memory, so
 * the generator names each register (q<g>, s<key>_<h>, a<col>_<g>) and indexes them by constants.
 */
import { AttentionParams, WorkItemLayout } from './layout.ts';
import { lines, range, wgslStruct } from './wgsl-common.ts';

export interface BufferVariant {
  /** Query heads per workgroup: the group rounded up to 1, 2, 4, 8 or 16. */
  readonly hb: number;
  /** The pools are split over two bindings each. */
  readonly split: boolean;
  /** Stage the block's queries in workgroup memory (when they fit: faster on a software driver). */
  readonly qStage: boolean;
  /** K/V stored as f16 (needs shader-f16). */
  readonly f16: boolean;
}

export const BUFFER_WG = 32;
export const BUFFER_TILE = 128;
/** Query vec4s the staging area holds: 4 heads of head dim 512. */
export const Q_STAGE_VEC4 = 512;
/** Largest head block. */
export const BUFFER_MAX_HB = 16;

/** Keys per thread in phase A: 8 for big head blocks (each query vec4 load serves more keys). */
export const keysPerThread = (hb: number) => (hb >= 8 ? 8 : 4);

/** Workgroup memory of a variant (the host checks it against the device's limit). */
export function bufferWorkgroupBytes(v: BufferVariant): number {
  return (v.hb * BUFFER_TILE + BUFFER_TILE + 3 * v.hb) * 4 + (v.qStage ? Q_STAGE_VEC4 * 16 : 0);
}

export function bufferVariantKey(v: BufferVariant): string {
  return `decode_buf:hb${v.hb}${v.split ? ':split' : ''}${v.qStage ? ':qstage' : ''}${v.f16 ? ':f16' : ''}`;
}

const headVecs = (v: BufferVariant) => Math.ceil(v.hb / 4);
/** vec4 of heads 4h .. 4h + 3 (zero past the head block) as f(head). */
const vec4Of = (v: BufferVariant, h: number, f: (g: number) => string) => `vec4<f32>(${range(4).map((i) => (4 * h + i < v.hb ? f(4 * h + i) : '0.0')).join(', ')})`;

function loaders(): string {
  const load = (pool: string) => `fn load${pool.toUpperCase()}(bind: u32, i: u32) -> vec4<f32> {
  if (SPLIT && bind == 1u) {
    return vec4<f32>(${pool}1[i]);
  }
  return vec4<f32>(${pool}0[i]);
}`;
  return `${load('k')}

${load('v')}

// Row (vec4 index) of \`key\` in its pool binding, through the page table; .y = the binding.
fn keyRow(item: WorkItem, key: u32, kvHead: u32) -> vec2<u32> {
  let page = key / params.tokensPerBlock;
  let offset = key - page * params.tokensPerBlock;
  var slot = kvIndices[item.pageBase + page];
  var bind = 0u;
  if (SPLIT && slot >= params.slotsPerBinding) {
    slot -= params.slotsPerBinding;
    bind = 1u;
  }
  return vec2<u32>(((slot * params.tokensPerBlock + offset) * params.numKvHeads + kvHead) * (params.headDim / 4u), bind);
}`;
}

/** Phase A: KPT keys k, k + KSTRIDE, ... (clamped to n - 1: scores past n are never read). */
function scoreKeys(v: BufferVariant): string {
  const kpt = keysPerThread(v.hb);
  const hv = headVecs(v);
  const qBase = v.qStage ? '0u' : '(item.seq * params.numQoHeads + kvHead * params.group + g0) * d4';
  return `fn scoreKeys(item: WorkItem, kvHead: u32, g0: u32, k: u32, n: u32, tile: u32) {
  let d4 = params.headDim / 4u;
  let qBase = ${qBase};
${lines(kpt, (j) => `let r${j} = keyRow(item, tile + min(k + ${j}u * KSTRIDE, n - 1u), kvHead);`)}
${lines(kpt, (j) => range(hv).map((h) => `var s${j}_${h} = vec4<f32>(0.0);`).join(' '))}
  for (var d = 0u; d < d4; d++) {
${lines(Math.ceil(v.hb / 4), (i) => range(Math.min(4, v.hb - 4 * i)).map((k) => `let q${4 * i + k} = qAt(qBase + d + ${4 * i + k}u * d4);`).join(' '), '    ')}
${lines(kpt, (j) => `let k${j} = loadK(r${j}.y, r${j}.x + d); ${range(hv).map((h) => `s${j}_${h} += ${vec4Of(v, h, (g) => `dot(q${g}, k${j})`)};`).join(' ')}`, '    ')}
  }
${lines(kpt, (j) => `storeScores(k + ${j}u * KSTRIDE, g0, r${j}${range(hv).map((h) => `, s${j}_${h}`).join('')});`)}
}

// Scaled scores of key slot k (if inside the tile) for the block's heads, and its row.
fn storeScores(k: u32, g0: u32, r: vec2<u32>${range(hv).map((h) => `, s${h}: vec4<f32>`).join('')}) {
  if (k >= TILE) {
    return;
  }
  rowBase[k] = r.x | (r.y << 31u);
${lines(hv, (h) => range(Math.min(4, v.hb - 4 * h)).map((i) => `if (g0 + ${4 * h + i}u < params.group) { scores[${4 * h + i}u * TILE + k] = s${h}.${'xyzw'[i]} * params.smScale; }`).join(' '))}
}`;
}

/** Phase C per tile: rescale, then p * v for the thread's keys and columns. */
function accumulate(v: BufferVariant, indent: string): string {
  const each = (f: (g: number) => string) => range(v.hb).map(f).join(' ');
  return `${indent}${each((g) => `let r${g} = rescale[${g}u];`)}
${lines(4, (c) => each((g) => `a${c}_${g} *= r${g};`), indent)}
${indent}for (var i = kp; i < n; i += kps) {
${indent}  let row = rowBase[i] & 0x7fffffffu;
${indent}  let bind = rowBase[i] >> 31u;
${indent}  ${each((g) => `let p${g} = scores[${g}u * TILE + i];`)}
${lines(4, (c) => `let v${c} = loadV(bind, row + c${c}); ${each((g) => `a${c}_${g} += p${g} * v${c};`)}`, `${indent}  `)}
${indent}}`;
}

export function bufferKernelSource(v: BufferVariant): string {
  const kv = v.f16 ? 'vec4<f16>' : 'vec4<f32>';
  const each = (f: (g: number) => string) => range(v.hb).map(f).join(' ');
  return `// GENERATED by src/gpu/decode-buffer-wgsl.ts (read that file for the design); variant:
// head block ${v.hb}, ${keysPerThread(v.hb)} keys per thread in phase A${v.split ? ', pools over two bindings' : ''}${v.qStage ? ', queries staged' : ''}, ${v.f16 ? 'f16' : 'f32'} K/V.
${v.f16 ? 'enable f16;\n' : ''}
${wgslStruct(AttentionParams)}

${wgslStruct(WorkItemLayout)}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> items: array<WorkItem>;
@group(0) @binding(3) var<storage, read> kvIndices: array<u32>;
@group(0) @binding(4) var<storage, read> k0: array<${kv}>;
@group(0) @binding(5) var<storage, read> k1: array<${kv}>;
@group(0) @binding(6) var<storage, read> v0: array<${kv}>;
@group(0) @binding(7) var<storage, read> v1: array<${kv}>;
@group(0) @binding(8) var<storage, read_write> partials: array<f32>;

const WG: u32 = ${BUFFER_WG}u;
const TILE: u32 = ${BUFFER_TILE}u;
const HB: u32 = ${v.hb}u;
const KSTRIDE: u32 = ${BUFFER_TILE / keysPerThread(v.hb)}u;
const NEG_BIG: f32 = -3.0e38;
// A constant, so an unsplit pool's branches fold away; k1 and v1 stay bound either way.
const SPLIT: bool = ${v.split};

var<workgroup> scores: array<f32, ${v.hb * BUFFER_TILE}>;
// rowBase[k] = vec4 row of key k in its binding | binding << 31.
var<workgroup> rowBase: array<u32, TILE>;
var<workgroup> runMax: array<f32, HB>;
var<workgroup> runSum: array<f32, HB>;
var<workgroup> rescale: array<f32, HB>;
${v.qStage ? `var<workgroup> qs: array<vec4<f32>, ${Q_STAGE_VEC4}>;` : ''}

// Query vec4 i: of the group (staged in workgroup memory) or of the whole q buffer.
fn qAt(i: u32) -> vec4<f32> {
  return ${v.qStage ? 'qs[i]' : 'q[i]'};
}

${loaders()}

${scoreKeys(v)}

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

// Accumulator vec4 col of group head g of the partial state (heads past the group, columns past d4: none).
fn storeHead(head0: u32, g: u32, col: u32, a: vec4<f32>) {
  let d4 = params.headDim / 4u;
  if (g < params.group && col < d4) {
    let base = ((head0 + g) * d4 + col) * 4u;
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
  let g0 = wg.z * HB;
  // Heads of this block inside the group.
  let nh = min(HB, group - g0);
  if (t < nh) {
    runMax[t] = NEG_BIG;
    runSum[t] = 0.0;
  }
${v.qStage ? '  let qBase = (item.seq * params.numQoHeads + kvHead * group + g0) * d4;\n  for (var j = t; j < nh * d4; j += WG) {\n    qs[j] = q[qBase + j];\n  }\n' : ''}  workgroupBarrier();
  let nc = (d4 + 3u) / 4u;
  let kps = WG / nc;
  let kp = t / nc;
  let cb = t % nc;
${lines(4, (c) => `let c${c} = min(cb + ${c}u * nc, d4 - 1u);`)}
${lines(4, (c) => each((g) => `var a${c}_${g} = vec4<f32>(0.0);`))}
  for (var tile = item.keyStart; tile < item.keyEnd; tile += TILE) {
    let n = min(TILE, item.keyEnd - tile);
    for (var k = t; k < KSTRIDE; k += WG) {
      scoreKeys(item, kvHead, g0, k, n, tile);
    }
    workgroupBarrier();
    if (t < nh) {
      foldTile(t, n);
    }
    workgroupBarrier();
    if (kp < kps) {
${accumulate(v, '      ')}
    }
    workgroupBarrier();
  }
  if (kp < kps) {
    let head0 = (wg.x * kps + kp) * params.numQoHeads + kvHead * group;
${lines(4, (c) => each((g) => `storeHead(head0, g0 + ${g}u, cb + ${c}u * nc, a${c}_${g});`), '    ')}
  }
  // Every sub-item carries the running max; only the first carries the sum, so the merge's
  // sum of e^(m - M) l over sub-items counts it once.
  if (t < nh) {
    for (var s = 0u; s < kps; s++) {
      let h = (wg.x * kps + s) * params.numQoHeads + kvHead * group + g0 + t;
      partials[params.mlOffset + h * 2u] = runMax[t];
      partials[params.mlOffset + h * 2u + 1u] = select(0.0, runSum[t], s == 0u);
    }
  }
}
`;
}
