/**
 * Generator of the subgroup decode-attention kernel (the "texture path"). The algorithm is the
 * template in `decodeKernelSource`; the generator only unrolls the small constant loops (columns
 * per lane, head vec4s, keys per block) so every register array is indexed by a constant: on a
 * software driver a dynamically indexed function array lives in memory and each access is a
 * per-lane gather.
 *
 * One workgroup = one subgroup-sized set of lanes serving one (work item, KV head). LANES lanes
 * split one key's head-dim vec4 columns (lane l owns columns l, l + LANES, ...); the workgroup's
 * TEAMS = WG / LANES teams take every TEAMS-th block of KB keys. Per block, a team:
 *   1  loads the block's K texels (KB x NJ per lane) and forms partial q.k for HB query heads
 *      (packed four heads to a vec4), summed across its lanes with subgroupShuffleXor;
 *   2  folds the block into its running max and sum (online softmax, one rescale per block);
 *   3  loads the block's V texels and accumulates p * v into registers.
 * No workgroup memory, no barriers. Each team writes its own partial state (a sub-item of the work
 * item) and merge_attention_states.wgsl combines them by log-sum-exp.
 *
 * K/V are read-only storage textures in the head-major layout of src/gpu/texture-pool.ts.
 */
import type { StructLayout } from './layout.ts';
import { TextureParams, WorkItemLayout } from './layout.ts';

export interface DecodeVariant {
  /** Lanes per key (a power of two dividing the subgroup size). */
  readonly lanes: number;
  /** Workgroup size: a multiple of `lanes`, at most the smallest subgroup size. */
  readonly wg: number;
  /** Head-dim vec4 columns per lane: ceil(d4 / lanes). */
  readonly nj: number;
  /**
   * Query heads per workgroup (1, 2, 4, 8 or 16): the group rounded up, or a part of it when the
   * registers (hb x nj query and accumulator vec4s) would not fit; workgroup z = head block.
   */
  readonly hb: number;
  /** Keys per block. */
  readonly kb: number;
  /** Texel format of the pools. */
  readonly format: 'rgba32float' | 'rgba16float';
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** `lines(n, f)`: f(0) .. f(n-1), one per line, indented. */
function lines(n: number, f: (i: number) => string, indent = '  '): string {
  return range(n)
    .map((i) => indent + f(i))
    .join('\n');
}

function wgslStruct(s: StructLayout): string {
  return `struct ${s.name} {\n${s.fields.map((f) => `  ${f.name}: ${f.type},`).join('\n')}\n}`;
}

/** Head vec4s: heads 4h .. 4h + 3 of the block. */
const headVecs = (v: DecodeVariant) => Math.ceil(v.hb / 4);

/** s_b_h = vec4 over four heads of sum_j dot(q_(4h+i)_j, k_b_j). */
function scoreLines(v: DecodeVariant, b: number, indent: string): string {
  return lines(
    headVecs(v),
    (h) => {
      const heads = range(4).map((i) => (4 * h + i < v.hb ? range(v.nj).map((j) => `dot(q${4 * h + i}_${j}, k${b}_${j})`).join(' + ') : '0.0'));
      return `var s${b}_${h} = vec4<f32>(${heads.join(', ')});`;
    },
    indent,
  );
}

/** Butterfly sum over the team's lanes: every lane ends with the full dot products. */
function reduceLines(v: DecodeVariant, indent: string): string {
  const out: string[] = [];
  for (let m = 1; m < v.lanes; m *= 2) {
    for (const b of range(v.kb)) for (const h of range(headVecs(v))) out.push(`${indent}s${b}_${h} += subgroupShuffleXor(s${b}_${h}, ${m}u);`);
  }
  return out.join('\n');
}

function softmaxLines(v: DecodeVariant, indent: string): string {
  const out: string[] = [];
  for (const h of range(headVecs(v))) {
    const masked = range(v.kb).map((b) => `${indent}s${b}_${h} = select(s${b}_${h} * params.smScale, vec4<f32>(NEG_BIG), key0 + ${b}u >= item.keyEnd);`);
    const mx = range(v.kb).reduce((acc, b) => (acc ? `max(${acc}, s${b}_${h})` : `s${b}_${h}`), '');
    out.push(...masked, `${indent}let mNew${h} = max(m${h}, ${mx});`, `${indent}let alpha${h} = exp(m${h} - mNew${h});`);
    out.push(...range(v.kb).map((b) => `${indent}let p${b}_${h} = exp(s${b}_${h} - mNew${h});`));
    out.push(`${indent}l${h} = l${h} * alpha${h} + ${range(v.kb).map((b) => `p${b}_${h}`).join(' + ')};`, `${indent}m${h} = mNew${h};`);
  }
  return out.join('\n');
}

function accumulateLines(v: DecodeVariant, indent: string): string {
  const out: string[] = [];
  for (const g of range(v.hb)) {
    const h = Math.floor(g / 4);
    const c = 'xyzw'[g % 4];
    for (const j of range(v.nj)) {
      const terms = range(v.kb).map((b) => `p${b}_${h}.${c} * v${b}_${j}`);
      out.push(`${indent}a${g}_${j} = a${g}_${j} * alpha${h}.${c} + ${terms.join(' + ')};`);
    }
  }
  return out.join('\n');
}

function storeLines(v: DecodeVariant, indent: string): string {
  const out: string[] = [];
  for (const g of range(v.hb)) {
    out.push(`${indent}if (g0 + ${g}u < group) {`);
    for (const j of range(v.nj)) out.push(`${indent}  storeVec(head0 + g0 + ${g}u, c${j}, a${g}_${j});`);
    out.push(`${indent}}`);
  }
  return out.join('\n');
}

export function decodeKernelSource(v: DecodeVariant): string {
  const hv = headVecs(v);
  const ind = '    ';
  return `// GENERATED by src/gpu/decode-wgsl.ts (read that file for the design); variant:
// lanes ${v.lanes}, workgroup ${v.wg}, ${v.nj} columns per lane, head block ${v.hb}, ${v.kb} keys per block, ${v.format}.
enable subgroups;

${wgslStruct(TextureParams)}

${wgslStruct(WorkItemLayout)}

@group(0) @binding(0) var<uniform> params: ${TextureParams.name};
@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> items: array<WorkItem>;
@group(0) @binding(3) var<storage, read> kvIndices: array<u32>;
@group(0) @binding(4) var kPool: texture_storage_2d<${v.format}, read>;
@group(0) @binding(5) var vPool: texture_storage_2d<${v.format}, read>;
@group(0) @binding(6) var<storage, read_write> partials: array<f32>;

const LANES: u32 = ${v.lanes}u;
const TEAMS: u32 = ${v.wg / v.lanes}u;
const KB: u32 = ${v.kb}u;
const NEG_BIG: f32 = -3.0e38;

// Page of a key without an integer divide (a per-lane scalar loop on a CPU): a float estimate,
// corrected by one either way (keys < 2^24, so the estimate is off by at most one).
fn pageOf(key: u32) -> u32 {
  let tpb = params.tokensPerBlock;
  var p = u32(f32(key) * params.invTokensPerBlock);
  p = select(p, p - 1u, p * tpb > key);
  return select(p, p + 1u, (p + 1u) * tpb <= key);
}

// Texel of column 0 of (key, kvHead): row r = (slot * numKvHeads + kvHead) * tokensPerBlock +
// token of the head-major pool, 2^rowShift rows side by side per texture line.
fn keyTexel(pageBase: u32, key: u32, kvHead: u32) -> vec2<u32> {
  let page = pageOf(key);
  let slot = kvIndices[pageBase + page];
  let r = (slot * params.numKvHeads + kvHead) * params.tokensPerBlock + key - page * params.tokensPerBlock;
  let mask = (1u << params.rowShift) - 1u;
  return vec2<u32>((r & mask) * params.d4, r >> params.rowShift);
}

fn storeVec(head: u32, col: u32, a: vec4<f32>) {
  if (col < params.d4) {
    let base = (head * params.d4 + col) * 4u;
    partials[base] = a.x;
    partials[base + 1u] = a.y;
    partials[base + 2u] = a.z;
    partials[base + 3u] = a.w;
  }
}

@compute @workgroup_size(${v.wg})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) t: u32,
        @builtin(subgroup_invocation_id) sgLane: u32, @builtin(subgroup_size) sgSize: u32) {
  let item = items[wg.x];
  let kvHead = wg.y;
  let group = params.group;
  let d4 = params.d4;
  let lane = t % LANES;
  let team = t / LANES;
  // The lane split assumes lanes of a team are consecutive lanes of one subgroup; if the
  // driver disagrees the output is NaN (tests catch it) instead of silently wrong.
  let broken = sgSize < LANES || sgLane % LANES != lane;
${lines(v.nj, (j) => `let c${j} = min(lane + ${j * v.lanes}u, d4 - 1u);`)}
${lines(v.nj, (j) => `let in${j} = lane + ${j * v.lanes}u < d4;`)}
  // This workgroup's heads: g0 + g of the KV head's group (heads at or past group are unused).
  let g0 = wg.z * ${v.hb}u;
  let qBase = (item.seq * params.numQoHeads + kvHead * group) * d4;
${range(v.hb)
  .map((g) => lines(v.nj, (j) => `let q${g}_${j} = select(vec4<f32>(0.0), q[qBase + min(g0 + ${g}u, group - 1u) * d4 + c${j}], in${j} && g0 + ${g}u < group);`))
  .join('\n')}
${lines(hv, (h) => `var m${h} = vec4<f32>(NEG_BIG);`)}
${lines(hv, (h) => `var l${h} = vec4<f32>(0.0);`)}
${range(v.hb)
  .map((g) => lines(v.nj, (j) => `var a${g}_${j} = vec4<f32>(0.0);`))
  .join('\n')}
  // The loop bound is the same for every team, so the shuffles run in subgroup-uniform control
  // flow; keys past the item's end repeat its last key (addressed, never weighted).
  for (var base = item.keyStart; base < item.keyEnd; base += TEAMS * KB) {
    let key0 = base + team * KB;
${lines(v.kb, (b) => `let x${b} = keyTexel(item.pageBase, min(key0 + ${b}u, item.keyEnd - 1u), kvHead);`, ind)}
${range(v.kb)
  .map((b) => lines(v.nj, (j) => `let k${b}_${j} = textureLoad(kPool, vec2<u32>(x${b}.x + c${j}, x${b}.y));`, ind))
  .join('\n')}
${range(v.kb)
  .map((b) => scoreLines(v, b, ind))
  .join('\n')}
${reduceLines(v, ind)}
${softmaxLines(v, ind)}
${range(v.kb)
  .map((b) => lines(v.nj, (j) => `let v${b}_${j} = textureLoad(vPool, vec2<u32>(x${b}.x + c${j}, x${b}.y));`, ind))
  .join('\n')}
${accumulateLines(v, ind)}
  }
  let sub = wg.x * TEAMS + team;
  let head0 = sub * params.numQoHeads + kvHead * group;
  if (broken) {
${lines(hv, (h) => `l${h} = vec4<f32>(bitcast<f32>(0x7fc00000u + sgLane * 0u));`, ind)}
  }
${storeLines(v, '  ')}
  if (lane == 0u) {
    for (var g = 0u; g < min(${v.hb}u, group - min(g0, group)); g++) {
      let ml = params.mlOffset + (head0 + g0 + g) * 2u;
      var m = vec4<f32>(0.0);
      var l = vec4<f32>(0.0);
${lines(hv, (h) => `if (g / 4u == ${h}u) { m = m${h}; l = l${h}; }`, '      ')}
      partials[ml] = m[g % 4u];
      partials[ml + 1u] = l[g % 4u];
    }
  }
}
`;
}
