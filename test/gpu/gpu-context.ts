/**
 * Shared setup of the gpu test project: a real adapter is required. No adapter is a failure (it
 * throws), never a skip, so a CI machine without the driver cannot pass green. Any uncaptured
 * GPU error fails the test during which it was raised.
 */
import { afterAll, afterEach, expect } from 'vitest';
import { acquireGpu, type GpuContext, releaseGpu } from '../../src/gpu/device.ts';

export async function requireGpu(): Promise<GpuContext> {
  const ctx = await acquireGpu();
  if (!ctx) {
    throw new Error('no WebGPU adapter: install Mesa lavapipe (mesa-vulkan-drivers from bookworm-backports); see .ci/run');
  }
  return ctx;
}

export function failOnUncapturedErrors(): void {
  afterEach(async () => {
    const ctx = await acquireGpu();
    if (!ctx) return;
    await ctx.device.queue.onSubmittedWorkDone();
    const errors = ctx.uncaptured.splice(0);
    expect(errors, 'uncaptured GPU errors').toEqual([]);
    expect(ctx.lostReason, 'device lost').toBeNull();
  });
  afterAll(async () => {
    await releaseGpu();
  });
}
