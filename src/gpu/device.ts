/**
 * The one module that acquires a WebGPU device and wires its failure paths: `device.lost`,
 * `uncapturederror`, and validation / internal / out-of-memory error scopes around every piece of
 * GPU work (`withErrorScopes`). In the browser it uses navigator.gpu; in Node it loads the
 * `webgpu` package (Dawn) with a dynamic import, only when navigator.gpu is absent, and keeps the
 * object from `create()` on globalThis while a device lives (if V8 collects it, Dawn crashes).
 */

export interface GpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
}

export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapterInfo: GpuAdapterInfo;
  readonly hasF16: boolean;
  readonly hasSubgroups: boolean;
  readonly hasTimestamps: boolean;
  /** WGSL read-only storage textures (language feature readonly_and_readwrite_storage_textures). */
  readonly hasReadonlyTextures: boolean;
  /** Smallest subgroup size the adapter may use (0 if unknown or no subgroups). */
  readonly subgroupMinSize: number;
  readonly limits: GPUSupportedLimits;
  /** Uncaptured errors seen so far (tests assert it stays empty). */
  readonly uncaptured: string[];
  /** Set once the device is lost (destroyed or failed). */
  lostReason: string | null;
}

export class GpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuError';
  }
}

const LIMITS_WANTED = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupsPerDimension',
] as const;

const keepAlive = globalThis as { __kvpoolGpu?: GPU };

async function gpuEntry(): Promise<GPU | null> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (typeof process === 'undefined' || !process.versions?.node) return null;
  const pkg = 'webgpu';
  const mod = (await import(/* @vite-ignore */ pkg)) as { create: (o: string[]) => GPU; globals: object };
  Object.assign(globalThis, mod.globals);
  keepAlive.__kvpoolGpu ??= mod.create([]);
  return keepAlive.__kvpoolGpu;
}

let shared: Promise<GpuContext | null> | null = null;
let current: GpuContext | null = null;

/**
 * The process's GPU context (created once, and again after the device was lost), or null when
 * no adapter appears.
 */
export function acquireGpu(): Promise<GpuContext | null> {
  if (current?.lostReason) shared = null;
  shared ??= createContext().then((ctx) => (current = ctx));
  return shared;
}

async function createContext(): Promise<GpuContext | null> {
  const gpu = await gpuEntry();
  const adapter = gpu ? await gpu.requestAdapter() : null;
  if (!gpu || !adapter) return null;
  const want = ['shader-f16', 'subgroups', 'timestamp-query'] as const;
  const requiredFeatures = want.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const requiredLimits: Record<string, number> = {};
  for (const k of LIMITS_WANTED) requiredLimits[k] = adapter.limits[k];
  const device = await adapter.requestDevice({ label: 'kvpool device', requiredFeatures, requiredLimits });
  const info = adapter.info as GPUAdapterInfo & { subgroupMinSize?: number };
  const lang = (gpu as GPU & { wgslLanguageFeatures?: ReadonlySet<string> }).wgslLanguageFeatures;
  const ctx: GpuContext = {
    device,
    adapterInfo: { vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', description: info?.description ?? '' },
    hasF16: device.features.has('shader-f16'),
    hasSubgroups: device.features.has('subgroups'),
    hasTimestamps: device.features.has('timestamp-query'),
    hasReadonlyTextures: lang?.has('readonly_and_readwrite_storage_textures') ?? false,
    subgroupMinSize: device.features.has('subgroups') ? (info?.subgroupMinSize ?? 0) : 0,
    limits: device.limits,
    uncaptured: [],
    lostReason: null,
  };
  device.addEventListener('uncapturederror', (e) => {
    ctx.uncaptured.push((e as GPUUncapturedErrorEvent).error.message);
  });
  device.lost.then((l) => {
    ctx.lostReason = `${l.reason}: ${l.message}`;
  });
  return ctx;
}

/** Destroy the shared device and drop the keep-alive so a Node process can exit. */
export async function releaseGpu(): Promise<void> {
  const ctx = shared ? await shared : null;
  shared = null;
  current = null;
  ctx?.device.destroy();
  delete keepAlive.__kvpoolGpu;
}

/**
 * Run GPU work inside validation, internal and out-of-memory error scopes and throw on any error
 * (the scopes are popped even when `fn` throws).
 */
export async function withErrorScopes<T>(ctx: GpuContext, label: string, fn: () => T | Promise<T>): Promise<T> {
  const { device } = ctx;
  if (ctx.lostReason) throw new GpuError(`${label}: device lost (${ctx.lostReason})`);
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('internal');
  device.pushErrorScope('validation');
  let result: T | undefined;
  let thrown: unknown = null;
  try {
    result = await fn();
  } catch (e) {
    thrown = e;
  }
  const errors = [await device.popErrorScope(), await device.popErrorScope(), await device.popErrorScope()];
  const first = errors.find((e) => e !== null);
  if (first) throw new GpuError(`${label}: ${first.constructor.name}: ${first.message}`);
  if (thrown !== null) throw thrown;
  return result as T;
}
