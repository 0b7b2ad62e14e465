/** Test inputs for the GPU tests: shuffled slots, NaN in free slots and stale pages. */
import { frameToKernelInput, seededRandom } from '../../src/attn/frame.ts';
import type { PagedDecodeInput } from '../../src/attn/inputs.ts';

export interface CaseSpec {
  readonly headDim: number;
  readonly group: number;
  readonly numKvHeads: number;
  readonly tokensPerBlock: number;
  readonly windowTokens: number | null;
  readonly sinkTokens: number;
  readonly lens: readonly number[];
  readonly seed: number;
  /** Free slots beyond the ones the tables use. */
  readonly freeSlots?: number;
}

/**
 * Block tables over a shuffled slot permutation; every page (also those outside the window) keeps
 * a real slot, and all slots not live are NaN, so reading any page it should skip poisons the
 * output.
 */
export function buildCase(c: CaseSpec): PagedDecodeInput {
  const rand = seededRandom(c.seed ^ 0x5bd1e995);
  const pages = c.lens.map((len) => Math.ceil(len / c.tokensPerBlock));
  const total = pages.reduce((a, b) => a + b, 0);
  const numSlots = total + (c.freeSlots ?? 3);
  const perm = Array.from({ length: numSlots }, (_, i) => i);
  for (let i = numSlots - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  let next = 0;
  const blockTables = pages.map((n) => Array.from({ length: n }, () => perm[next++]));
  return frameToKernelInput({
    blockTables,
    contextLens: [...c.lens],
    windowTokens: c.windowTokens,
    sinkTokens: c.sinkTokens,
    tokensPerBlock: c.tokensPerBlock,
    numQoHeads: c.group * c.numKvHeads,
    numKvHeads: c.numKvHeads,
    headDim: c.headDim,
    seed: c.seed,
    numSlots,
    poison: true,
    keepStalePages: true,
  });
}

export function describeCase(c: CaseSpec, chunk: number | undefined): string {
  return `d${c.headDim} g${c.group} kv${c.numKvHeads} tpb${c.tokensPerBlock} win${c.windowTokens ?? '-'} sink${c.sinkTokens} lens[${c.lens}] chunk${chunk ?? 'auto'}`;
}
