/**
 * WGSL sources. Under Vite (dev server, build, Vitest) `import.meta.glob` inlines shaders/*.wgsl;
 * under plain Node (the CLI and benchmarks run through tsx) it does not exist, and the files are
 * read from disk instead. The fs import is dynamic and only taken in Node, so this module stays
 * browser-safe.
 */

export const SHADER_NAMES = [
  'merge_attention_states',
  'naive_decode_attention',
  'kv_append',
  'kv_append_texture',
  'copy_bandwidth',
  'read_buffer',
  'read_texture',
  'fma_throughput',
  'exp_throughput',
] as const;
export type ShaderName = (typeof SHADER_NAMES)[number];

function viteSources(): Record<string, string> | null {
  try {
    const mods = import.meta.glob('../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
    const out: Record<string, string> = {};
    for (const [path, text] of Object.entries(mods)) out[path.replace(/^.*\//, '').replace(/\.wgsl$/, '')] = text;
    return out;
  } catch {
    return null;
  }
}

let sources: Record<string, string> | null = viteSources();

async function nodeSources(): Promise<Record<string, string>> {
  const fsName = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  const out: Record<string, string> = {};
  for (const name of SHADER_NAMES) {
    out[name] = await fs.readFile(new URL(`../../shaders/${name}.wgsl`, import.meta.url), 'utf8');
  }
  return out;
}

export async function shaderSource(name: ShaderName): Promise<string> {
  sources ??= await nodeSources();
  const text = sources[name];
  if (text === undefined) throw new Error(`shader ${name}.wgsl not found`);
  return text;
}

/** The f16 storage variant of a shader: same code, K/V pools typed vec4<f16>. */
export function f16Variant(source: string): string {
  const alias = 'alias KvVec = vec4<f32>;';
  if (!source.includes(alias)) throw new Error('shader has no KvVec alias to specialise');
  return `enable f16;\n${source.replace(alias, 'alias KvVec = vec4<f16>;')}`;
}
