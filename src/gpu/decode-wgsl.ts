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
 * With `prefetch`, step 1's loads of block n + 1 (its page-table walk and K texels) are issued at
 * the top of block n, so their latency hides behind block n's math; the last block's prefetch
 * repeats the item's last key (never a key outside the item). On lavapipe it does not pay (paired
 * medians of 30 side-by-side reps: 1.01x full-4k, 0.90x win128-16k, 0.91x single-16k; shorter
 * runs ranged 0.87-1.15x), so chooseVariant leaves it off; `bench:gpu -- --prefetch` re-measures.
 * No workgroup memory, no barriers. Each team writes its own partial state (a sub-item of the work
 * item) and merge_attention_states.wgsl combines them by log-sum-exp.
 *
 * K/V are read-only storage textures in the head-major layout of src/gpu/texture-pool.ts.
 */
import { lines, range, type TexelFormat, texturePrelude } from './wgsl-common.ts';

export interface DecodeVariant {
  readonly kind: 'narrow';
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
  readonly format: TexelFormat;
  /** Load block n + 1's texel coordinates and K rows while block n is computed. */
  readonly prefetch: boolean;
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
    for (const b of range(v.kb)) out.push(indent + range(headVecs(v)).map((h) => `s${b}_${h} += subgroupShuffleXor(s${b}_${h}, ${m}u);`).join(' '));
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
    const terms = (j: number) => range(v.kb).map((b) => `p${b}_${h}.${c} * v${b}_${j}`);
    out.push(indent + range(v.nj).map((j) => `a${g}_${j} = a${g}_${j} * alpha${h}.${c} + ${terms(j).join(' + ')};`).join(' '));
  }
  return out.join('\n');
}

/** Texel coordinates `name`b of the block's keys from `first` (past the item's end: its last key). */
function coordLines(v: DecodeVariant, decl: string, name: string, first: string, indent: string): string {
  return lines(v.kb, (b) => `${decl}${name}${b} = keyTexel(item.pageBase, min(${first} + ${b}u, item.keyEnd - 1u), kvHead);`, indent);
}

/** Rows `rows`b_j: column c_j of each key of the block, at coordinates `at`b of `pool`. */
function rowLines(v: DecodeVariant, decl: string, rows: string, pool: string, at: string, indent: string): string {
  return lines(v.kb, (b) => range(v.nj).map((j) => `${decl}${rows}${b}_${j} = textureLoad(${pool}, vec2<u32>(${at}${b}.x + c${j}, ${at}${b}.y));`).join(' '), indent);
}

/** K of the block: loaded here, or (prefetch) carried from the last iteration, loading the next block's. */
function keyLoadLines(v: DecodeVariant, indent: string): string {
  if (!v.prefetch) return `${coordLines(v, 'let ', 'x', 'key0', indent)}\n${rowLines(v, 'let ', 'k', 'kPool', 'x', indent)}`;
  return `${coordLines(v, 'let ', 'nx', 'key0 + TEAMS * KB', indent)}\n${rowLines(v, 'let ', 'nk', 'kPool', 'nx', indent)}`;
}

function storeLines(v: DecodeVariant, indent: string): string {
  const out: string[] = [];
  for (const g of range(v.hb)) {
    out.push(`${indent}if (g0 + ${g}u < group) { ${range(v.nj).map((j) => `storeVec(head0 + g0 + ${g}u, c${j}, a${g}_${j});`).join(' ')} }`);
  }
  return out.join('\n');
}

export function decodeKernelSource(v: DecodeVariant): string {
  const hv = headVecs(v);
  const ind = '    ';
  return `// GENERATED by src/gpu/decode-wgsl.ts (read that file for the design); variant:
// narrow; lanes ${v.lanes}, workgroup ${v.wg}, ${v.nj} columns per lane, head block ${v.hb}, ${v.kb} keys per block, ${v.format}${v.prefetch ? ', prefetch' : ''}.
${texturePrelude(v.format)}

const LANES: u32 = ${v.lanes}u;
const TEAMS: u32 = ${v.wg / v.lanes}u;
const KB: u32 = ${v.kb}u;

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
${lines(v.hb, (g) => range(v.nj).map((j) => `let q${g}_${j} = select(vec4<f32>(0.0), q[qBase + min(g0 + ${g}u, group - 1u) * d4 + c${j}], in${j} && g0 + ${g}u < group);`).join(' '))}
${lines(hv, (h) => `var m${h} = vec4<f32>(NEG_BIG);`)}
${lines(hv, (h) => `var l${h} = vec4<f32>(0.0);`)}
${lines(v.hb, (g) => range(v.nj).map((j) => `var a${g}_${j} = vec4<f32>(0.0);`).join(' '))}
  // The loop bound is the same for every team, so the shuffles run in subgroup-uniform control
  // flow; keys past the item's end repeat its last key (addressed, never weighted).
${v.prefetch ? `  // Prefetch: the first block's K here, each next block's during this one (nx, nk).\n${coordLines(v, 'var ', 'x', 'item.keyStart + team * KB', '  ')}\n${rowLines(v, 'var ', 'k', 'kPool', 'x', '  ')}\n` : ''}  for (var base = item.keyStart; base < item.keyEnd; base += TEAMS * KB) {
    let key0 = base + team * KB;
${keyLoadLines(v, ind)}
${range(v.kb)
  .map((b) => scoreLines(v, b, ind))
  .join('\n')}
${reduceLines(v, ind)}
${softmaxLines(v, ind)}
${rowLines(v, 'let ', 'v', 'vPool', 'x', ind)}
${accumulateLines(v, ind)}${v.prefetch ? `\n${lines(v.kb, (b) => `x${b} = nx${b}; ${range(v.nj).map((j) => `k${b}_${j} = nk${b}_${j};`).join(' ')}`, ind)}` : ''}
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
