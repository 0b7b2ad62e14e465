/**
 * The previous kernel, kept only as the benchmark's `speedupVsPrevious` baseline: the hand-written
 * storage-buffer kernel bench/gpu-baseline/previous_paged_decode_attention.wgsl, which the
 * generated buffer kernel (src/gpu/decode-buffer-wgsl.ts) replaced. It runs through the buffer
 * path's host code with its own override constants. Nothing outside the benchmark uses it.
 */
import type { BufferSource } from '../attention-buffer.ts';
import { headBlock } from '../attention-texture.ts';
import type { GpuContext } from '../device.ts';
import { f16Variant } from '../shaders.ts';

const FILE = 'previous_paged_decode_attention.wgsl';
/** Workgroup memory the previous kernel needs with its queries staged. */
const STAGED_BYTES = 16 * 128 * 4 + 128 * 4 + 3 * 16 * 4 + 512 * 16;

function viteSource(): string | null {
  try {
    const mods = import.meta.glob('../../../bench/gpu-baseline/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
    return Object.entries(mods).find(([path]) => path.endsWith(FILE))?.[1] ?? null;
  } catch {
    return null;
  }
}

let text: string | null = viteSource();

async function source(): Promise<string> {
  if (text === null) {
    const fsName = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
    text = await fs.readFile(new URL(`../../../bench/gpu-baseline/${FILE}`, import.meta.url), 'utf8');
  }
  return text;
}

/** The previous kernel for a buffer variant: the split and f16 choice, its own head block (the whole group). */
export function previousKernel(ctx: GpuContext): BufferSource {
  return async (v, { group, headDim }) => {
    const base = await source();
    const hb = headBlock(group);
    const constants: Record<string, number> = { HB: hb };
    if (v.split) constants.SPLIT_POOL = 1;
    if (group * (headDim / 4) <= 512 && ctx.limits.maxComputeWorkgroupStorageSize >= STAGED_BYTES) constants.Q_STAGE = 512;
    const key = `previous:hb${hb}:${Object.keys(constants).join(',')}${v.f16 ? ':f16' : ''}`;
    return { key, code: v.f16 ? f16Variant(base) : base, constants, headBlocks: 1 };
  };
}
