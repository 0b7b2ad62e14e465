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

export async function allocatePlanPools(
  ctx: GpuContext,
  plan: PlanPools,
  demo: { numKvHeads: number; headDim: number; storage: KvStorage },
): Promise<PlanPoolBuffers[]> {
  const binding = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  const shapes = demoPoolShapes(plan, { ...demo, bytesPerElement: demo.storage === 'f16' ? 2 : 4, maxPoolBytes: 2 * binding });
  return withErrorScopes(ctx, 'allocate plan pools', () =>
    shapes.map((shape) => ({
      shape,
      k: allocatePool(ctx, `${shape.name} K`, shape.numSlots, shape.slotElems, demo.storage),
      v: allocatePool(ctx, `${shape.name} V`, shape.numSlots, shape.slotElems, demo.storage),
    })),
  );
}

export function destroyPlanPools(pools: PlanPoolBuffers[]): void {
  for (const p of pools) {
    destroyPool(p.k);
    destroyPool(p.v);
  }
}
