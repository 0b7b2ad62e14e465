/** Field-by-field comparison of a vLLM sizing (our JSON) with a golden case's expected block. */
import { expect } from 'vitest';

export function compareToGolden(out: Record<string, any>, exp: Record<string, any>): void {
  if (exp.error) {
    expect(out.error).toEqual(exp.error);
    expect(out.not_enough_kv_cache_error).toBe(exp.not_enough_kv_cache_error);
    return;
  }
  expect(out.error).toBeNull();
  expect(out.num_blocks).toBe(exp.num_blocks);
  expect(out.kv_cache_groups.length).toBe(exp.kv_cache_groups.length);
  exp.kv_cache_groups.forEach((g: any, i: number) => {
    const o = out.kv_cache_groups[i];
    expect(o.layer_names).toEqual(g.layer_names);
    expect(o.spec.class).toBe(g.spec.class);
    expect(o.spec.block_size).toBe(g.spec.block_size);
    expect(o.spec.page_size_bytes).toBe(g.spec.page_size_bytes);
    expect(o.max_memory_usage_bytes).toBe(g.max_memory_usage_bytes);
    expect(o.blocks_per_request_bound).toBe(g.blocks_per_request_bound);
  });
  expect(out.num_kv_cache_tensors).toBe(exp.num_kv_cache_tensors);
  expect(out.kv_cache_tensor_sizes).toEqual(exp.kv_cache_tensor_sizes);
  expect(Math.abs(out.max_concurrency - exp.max_concurrency)).toBeLessThanOrEqual(1e-9);
  expect(out.max_memory_usage_bytes_from_groups).toBe(exp.max_memory_usage_bytes_from_groups);
  expect(out.logged_gpu_kv_cache_size_tokens).toBe(exp.logged_gpu_kv_cache_size_tokens);
  expect(out.log).toEqual(exp.log);
}
