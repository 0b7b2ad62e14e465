/**
 * `kvpool attention --input FILE [--json] [--backend gpu|cpu|auto]`: one paged decode attention
 * on explicit inputs (FlashInfer's names, see src/attn/json.ts), so a user can check the kernel
 * against their own engine's data.
 */
import type { PagedDecodeInput } from '../attn/inputs.ts';
import { attentionInputFromJson, outputRows } from '../attn/json.ts';
import { InputError } from '../model/errors.ts';
import { type FlagSpec, flagBool, flagInt, flagString, helpText, parseArgs } from './args.ts';
import { type Io, parseJsonText } from './io.ts';

const FLAGS: FlagSpec[] = [
  { name: 'input', type: 'string', value: 'FILE', help: 'attention input JSON (num_qo_heads, ..., kv_indptr/kv_indices/kv_last_page_len or block_table/kv_lens)' },
  { name: 'json', type: 'bool', help: 'print {"output", "backend", "adapter", "kernel_path", "pages_read"} as JSON' },
  { name: 'backend', type: 'string', value: 'gpu|cpu|auto', help: 'where to run (default auto: the GPU if an adapter appears, else the CPU reference)' },
  { name: 'storage', type: 'string', value: 'f32|f16', help: 'K/V storage type on the GPU (f16 needs shader-f16; default f32)' },
  { name: 'kernel', type: 'string', value: 'auto|texture|buffer', help: 'GPU kernel path (default auto: the texture path where the adapter has subgroups and read-only storage textures)' },
  { name: 'chunk-tokens', type: 'string', value: 'N', help: 'keys per split-K work item on the GPU (default: planned)' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

const SUMMARY = 'Run one paged decode attention (split-K WGSL kernel, or the f64 CPU reference) on explicit inputs.';

function oneOf<T extends string>(field: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new InputError(field, raw, `one of ${allowed.join(', ')}`);
  return raw as T;
}

function summary(input: PagedDecodeInput, output: Float32Array, pages: { logical: number[]; slots: number[] }[]): string {
  const lines = [
    `paged decode attention: batch ${pages.length}, ${input.numQoHeads} query heads / ${input.numKvHeads} KV heads x ${input.headDim}, ` +
      `tokens_per_block ${input.tokensPerBlock}, window_left ${input.windowLeft}, sink_tokens ${input.sinkTokens}`,
  ];
  const row = input.numQoHeads * input.headDim;
  pages.forEach((p, b) => {
    const pagesTotal = input.kvIndptr[b + 1] - input.kvIndptr[b];
    const kvLen = (pagesTotal - 1) * input.tokensPerBlock + input.kvLastPageLen[b];
    let maxAbs = 0;
    for (let i = b * row; i < (b + 1) * row; i++) maxAbs = Math.max(maxAbs, Math.abs(output[i]));
    lines.push(`  seq ${b}: kv_len ${kvLen}, read ${p.logical.length} of ${pagesTotal} pages (slots ${p.slots.join(' ')}), max |output| ${maxAbs.toPrecision(4)}`);
  });
  return lines.join('\n');
}

export async function attentionCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (flagBool(args, 'help')) {
    io.out(helpText('attention --input FILE [--json] [--backend gpu|cpu|auto]', SUMMARY, FLAGS));
    return 0;
  }
  if (args.positional.length > 0) throw new InputError('argument', args.positional[0], 'flags only (see --help)');
  const path = flagString(args, 'input');
  if (path === undefined) throw new InputError('--input', undefined, 'a JSON file with the attention inputs');
  const backendName = oneOf('--backend', flagString(args, 'backend'), ['gpu', 'cpu', 'auto'] as const, 'auto');
  const storage = oneOf('--storage', flagString(args, 'storage'), ['f32', 'f16'] as const, 'f32');
  const chunkTokens = flagInt(args, 'chunk-tokens', 1);
  const kernelPath = oneOf('--kernel', flagString(args, 'kernel'), ['auto', 'texture', 'buffer'] as const, 'auto');
  const input = attentionInputFromJson(parseJsonText(io.readText(path, '--input'), '--input'));
  // Loaded on demand: the CPU path never touches WebGPU.
  const { createAttentionBackend } = await import('../gpu/backend.ts');
  const backend = await createAttentionBackend(backendName);
  if (!backend) throw new InputError('--backend', backendName, "'cpu' or 'auto' (no WebGPU adapter appeared)");
  try {
    const result = await backend.run(input, { storage, chunkTokens, path: kernelPath });
    if (flagBool(args, 'json')) {
      io.out(
        JSON.stringify({
          output: outputRows(result.output, input.numQoHeads, input.headDim),
          backend: backend.name,
          adapter: backend.adapter,
          kernel_path: result.path,
          pages_read: result.pagesRead.map((p) => p.logical),
        }),
      );
    } else {
      io.out(`${summary(input, result.output, result.pagesRead)}\nbackend: ${backend.name} (${backend.adapter})\nkernel: ${result.kernel}`);
    }
    return 0;
  } finally {
    if (backend.name === 'gpu') await (await import('../gpu/device.ts')).releaseGpu();
  }
}
