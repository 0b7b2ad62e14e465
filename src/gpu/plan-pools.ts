/**
 * K and V pool buffers for every pool group of a plan, at a demo scale (src/attn/demo-scale.ts).
 * Each pool splits over two storage bindings when it passes maxStorageBufferBindingSize.
 */
import { type DemoPoolShape, demoPoolShapes, type PlanPools } from '../attn/demo-scale.ts';
import { allocatePool, destroyPool, type KvStorage, type PoolBuffers } from './buffers.ts';
import { type GpuContext, withErrorScopes } from './device.ts';

export interface PlanPoolBuffers {
  readonly shape: DemoPoolShape;
  readonly k: PoolBuffers;
  readonly v: PoolBuffers;
}

export interface DemoOptions {
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly storage: KvStorage;
  /** Bytes one pool (K or V) may take; default 256 MiB, and never more than two bindings. */
  readonly maxPoolBytes?: number;
  /** Per-binding limit; default the device's (tests force a split with a small value). */
  readonly maxBindingBytes?: number;
}

const DEFAULT_POOL_BYTES = 256 * 1024 * 1024;

export async function allocatePlanPools(ctx: GpuContext, plan: PlanPools, demo: DemoOptions): Promise<PlanPoolBuffers[]> {
  const binding = demo.maxBindingBytes ?? Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  const maxPoolBytes = Math.min(2 * binding, demo.maxPoolBytes ?? DEFAULT_POOL_BYTES);
  const shapes = demoPoolShapes(plan, { ...demo, bytesPerElement: demo.storage === 'f16' ? 2 : 4, maxPoolBytes });
  return withErrorScopes(ctx, 'allocate plan pools', () =>
    shapes.map((shape) => ({
      shape,
      k: allocatePool(ctx, `${shape.name} K`, shape.numSlots, shape.slotElems, demo.storage, binding),
      v: allocatePool(ctx, `${shape.name} V`, shape.numSlots, shape.slotElems, demo.storage, binding),
    })),
  );
}

export function destroyPlanPools(pools: PlanPoolBuffers[]): void {
  for (const p of pools) {
    destroyPool(p.k);
    destroyPool(p.v);
  }
}
