/**
 * CPU reference attention (f64 accumulation), contiguous and paged, with the kernel's window and
 * sink semantics. It reads only attended keys, so NaN in a free slot or an out-of-window page can
 * never reach its output: the GPU kernel must behave the same way.
 */
import { attendedRanges, batchSize, kvLen, type PagedDecodeInput, validatePagedDecodeInput } from './inputs.ts';

/** Where key j of a sequence lives: element offset of its [kvHead = 0][d = 0] in the K/V arrays. */
type KeyAddress = (j: number) => number;

interface HeadShape {
  readonly numQoHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly windowLeft: number;
  readonly sinkTokens: number;
  readonly smScale: number;
}

/** One query token (all heads) of one sequence of length `len`; writes into out[outBase..]. */
function decodeOne(
  s: HeadShape,
  q: Float32Array,
  qBase: number,
  k: Float32Array,
  v: Float32Array,
  addr: KeyAddress,
  len: number,
  out: Float32Array,
  outBase: number,
): void {
  const { numQoHeads, numKvHeads, headDim: d } = s;
  const group = numQoHeads / numKvHeads;
  const ranges = attendedRanges(len - 1, s.windowLeft, s.sinkTokens);
  const acc = new Float64Array(d);
  for (let h = 0; h < numQoHeads; h++) {
    const kvHead = Math.floor(h / group);
    const qh = qBase + h * d;
    let m = -Infinity;
    let l = 0;
    acc.fill(0);
    for (const r of ranges) {
      for (let j = r.start; j < r.end; j++) {
        const row = addr(j) + kvHead * d;
        let dot = 0;
        for (let i = 0; i < d; i++) dot += q[qh + i] * k[row + i];
        const score = dot * s.smScale;
        // Online softmax in f64: rescale when the running max grows.
        const mNew = Math.max(m, score);
        const alpha = Math.exp(m - mNew);
        const p = Math.exp(score - mNew);
        l = l * alpha + p;
        for (let i = 0; i < d; i++) acc[i] = acc[i] * alpha + p * v[row + i];
        m = mNew;
      }
    }
    for (let i = 0; i < d; i++) out[outBase + h * d + i] = acc[i] / l;
  }
}

/** Paged decode attention over FlashInfer-style page tables. Returns [batch][numQoHeads][headDim]. */
export function referencePagedDecode(input: PagedDecodeInput, validate = true): Float32Array {
  if (validate) validatePagedDecodeInput(input);
  const batch = batchSize(input);
  const { numQoHeads, numKvHeads, headDim, tokensPerBlock: tpb } = input;
  const out = new Float32Array(batch * numQoHeads * headDim);
  const rowStride = numKvHeads * headDim;
  for (let b = 0; b < batch; b++) {
    const pageBase = input.kvIndptr[b];
    const addr: KeyAddress = (j) => {
      const slot = input.kvIndices[pageBase + Math.floor(j / tpb)];
      return (slot * tpb + (j % tpb)) * rowStride;
    };
    const base = b * numQoHeads * headDim;
    decodeOne(input, input.q, base, input.kPool, input.vPool, addr, kvLen(input, b), out, base);
  }
  return out;
}

export interface ContiguousDecodeInput extends HeadShape {
  /** [batch][numQoHeads][headDim] */
  readonly q: Float32Array;
  /** Per sequence: [kvLen][numKvHeads][headDim] */
  readonly k: Float32Array[];
  readonly v: Float32Array[];
}

/** The same attention over contiguous per-sequence K/V (no paging): the paged path's twin. */
export function referenceContiguousDecode(input: ContiguousDecodeInput): Float32Array {
  const { numQoHeads, numKvHeads, headDim } = input;
  const batch = input.k.length;
  const out = new Float32Array(batch * numQoHeads * headDim);
  const rowStride = numKvHeads * headDim;
  for (let b = 0; b < batch; b++) {
    const len = input.k[b].length / rowStride;
    const base = b * numQoHeads * headDim;
    decodeOne(input, input.q, base, input.k[b], input.v[b], (j) => j * rowStride, len, out, base);
  }
  return out;
}

/** Largest |a - b| / max(|b|, floor) over two arrays; NaN anywhere gives Infinity. */
export function maxRelativeError(a: Float32Array, b: Float32Array, floor = 1e-3): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor);
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}

/**
 * Largest |a - b| relative to the reference's largest magnitude: the tolerance measure of the GPU
 * tests (an output near zero is a weighted average whose terms are not near zero).
 */
export function maxScaledError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let scale = 1e-30;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst / scale;
}
