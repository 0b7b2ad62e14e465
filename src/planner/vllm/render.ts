/** The readable table for a vLLM v1 sizing: its groups, the one shared pool, per-request bounds. */
import type { VllmResult } from './config.ts';
import { blockBytes } from './layout.ts';
import { pageSizeBytes, type VllmSpec } from './specs.ts';

const GiB = 1024 ** 3;

function windowOf(s: VllmSpec): string {
  if (s.cls === 'SlidingWindowSpec') return `window ${s.slidingWindow}`;
  if (s.cls === 'ChunkedLocalAttentionSpec') return `chunk ${s.attentionChunkSize}`;
  if (s.cls === 'FullAttentionSpec' && s.slidingWindow !== null) return `window ${s.slidingWindow} (sized as full)`;
  if (s.cls === 'FullAttentionSpec' && s.attentionChunkSize !== null) return `chunk ${s.attentionChunkSize} (sized as full)`;
  return '-';
}

export const VLLM_VERSION_NOTES = [
  'vLLM @001cabc predates PR #40946: runtime admission does not use the startup bound (blocks_per_request_bound); later vLLM uses one function for both (max_admission_blocks_per_request).',
  'With the hybrid manager disabled this version sizes windowed layers as full attention (PR #39254 later counted their window).',
  'This version logs "GPU KV cache size" as num_blocks // groups x block_size; later versions log max_concurrency x max_model_len.',
];

export function renderVllm(title: string, r: VllmResult, maxModelLen: number, notes: readonly string[] = []): string {
  const out = [`${title}: vLLM v1 (vllm-project/vllm@001cabc, get_kv_cache_configs)`];
  for (const l of r.log) out.push(`  log: ${l}`);
  if (!r.ok) {
    out.push(`error: ${r.error.type}: ${r.error.message}`);
    return `${out.join('\n')}\n`;
  }
  const c = r.config;
  out.push('', 'group  class                      layers  block  page bytes  window             blocks/request (startup bound)');
  c.groups.forEach((g, i) => {
    out.push(
      `${String(i).padStart(5)}  ${g.spec.cls.padEnd(25)}  ${String(g.layerNames.length).padStart(6)}  ${String(g.spec.blockSize).padStart(5)}  ${String(pageSizeBytes(g.spec)).padStart(10)}  ${windowOf(g.spec).padEnd(17)}  ${c.blocksPerRequestBound[i]}`,
    );
  });
  const perRequest = c.blocksPerRequestBound.reduce((a, b) => a + b, 0);
  out.push('');
  out.push(`one shared block pool: ${c.numBlocks} blocks x ${c.tensors.length} tensors x page (${blockBytes(c)} bytes per block, ${((c.numBlocks * blockBytes(c)) / GiB).toFixed(2)} GiB), shared by all ${c.groups.length} groups`);
  out.push(`blocks per request at worst (max_model_len ${maxModelLen}): ${perRequest} = ${c.blocksPerRequestBound.join(' + ')}`);
  out.push(`max concurrency: ${c.maxConcurrency ?? '-'}  (requests of max_model_len at once)`);
  out.push(`GPU KV cache size (as logged): ${c.loggedGpuKvCacheSizeTokens ?? '-'} tokens`);
  for (const n of [...notes, ...VLLM_VERSION_NOTES]) out.push(`note: ${n}`);
  return `${out.join('\n')}\n`;
}
