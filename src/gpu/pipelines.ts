/**
 * Compute pipelines, created once per device and cached. Variants are few on purpose (a cold
 * compile costs seconds on a software driver): the f16 storage variant of a shader, and override
 * constants (SPLIT_POOL) rather than separate files.
 */
import { type GpuContext, withErrorScopes } from './device.ts';
import { f16Variant, type ShaderName, shaderSource } from './shaders.ts';

export interface PipelineVariant {
  readonly f16?: boolean;
  readonly constants?: Record<string, number>;
}

const cache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

export function pipelineKey(name: ShaderName, v: PipelineVariant): string {
  const consts = Object.entries(v.constants ?? {})
    .sort()
    .map(([k, x]) => `${k}=${x}`)
    .join(',');
  return `${name}${v.f16 ? ':f16' : ''}${consts ? `:${consts}` : ''}`;
}

export function getPipeline(ctx: GpuContext, name: ShaderName, v: PipelineVariant = {}): Promise<GPUComputePipeline> {
  let perDevice = cache.get(ctx.device);
  if (!perDevice) cache.set(ctx.device, (perDevice = new Map()));
  const key = pipelineKey(name, v);
  let p = perDevice.get(key);
  if (!p) {
    p = build(ctx, name, v, key);
    perDevice.set(key, p);
    // A failed build must not poison the cache for the next caller.
    p.catch(() => perDevice.delete(key));
  }
  return p;
}

/** The WGSL of a file-based shader variant. */
export async function variantSource(name: ShaderName, v: PipelineVariant): Promise<string> {
  const base = await shaderSource(name);
  return v.f16 ? f16Variant(base) : base;
}

async function build(ctx: GpuContext, name: ShaderName, v: PipelineVariant, label: string): Promise<GPUComputePipeline> {
  const code = await variantSource(name, v);
  return withErrorScopes(ctx, `pipeline ${label}`, async () => {
    const module = ctx.device.createShaderModule({ label: `${label} module`, code });
    return ctx.device.createComputePipelineAsync({
      label,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants: v.constants ?? {} },
    });
  });
}

/** Number of pipelines built so far on a device (tests keep this small). */
export function pipelineCount(ctx: GpuContext): number {
  return cache.get(ctx.device)?.size ?? 0;
}

/** A pipeline from generated WGSL (src/gpu/decode-*-wgsl.ts), cached per device under `key`. */
export function getGeneratedPipeline(ctx: GpuContext, key: string, code: () => string, constants: Record<string, number> = {}): Promise<GPUComputePipeline> {
  let perDevice = cache.get(ctx.device);
  if (!perDevice) cache.set(ctx.device, (perDevice = new Map()));
  let p = perDevice.get(key);
  if (!p) {
    p = withErrorScopes(ctx, `pipeline ${key}`, async () => {
      const module = ctx.device.createShaderModule({ label: `${key} module`, code: code() });
      return ctx.device.createComputePipelineAsync({ label: key, layout: 'auto', compute: { module, entryPoint: 'main', constants } });
    });
    perDevice.set(key, p);
    p.catch(() => perDevice.delete(key));
  }
  return p;
}
