/**
 * Generators of hostile inputs for the fuzz suite: argv, engine scenario files, config.json files,
 * request traces, attention inputs and page links. Each starts from a real input (a golden case,
 * an example config, the attention example) and bends it, so most inputs reach deep into the code
 * instead of failing at the first key.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { CHECK_FLAGS } from '../../src/cli/check.ts';
import { PLAN_FLAGS } from '../../src/cli/plan.ts';
import { SIMULATE_FLAGS } from '../../src/cli/simulate.ts';
import type { CliInput } from './harness.ts';

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');
const examples = new URL('../../public/examples/', import.meta.url);
const CONFIGS = readdirSync(examples)
  .filter((f) => f.endsWith('.config.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, examples), 'utf8')) as Record<string, unknown>);
const ATTENTION = JSON.parse(readFileSync(new URL('attention-input.json', examples), 'utf8')) as Record<string, unknown>;
const SCENARIOS = [
  JSON.parse(read('../fixtures/sim/straddle-issue-fix.scenario.json')),
  ...(JSON.parse(read('../fixtures/cases/trtllm-15401/dsv4-flash-fp8-40g.json')).cases as { input: unknown }[]).slice(0, 2).map((c) => c.input),
] as Record<string, unknown>[];

const BUILTINS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', '__defineGetter__', 'isPrototypeOf'];
const EDGE_NUMBERS = ['0', '1', '-1', '2', '16', '128', '256', '4096', '4097', '65536', '65537', '100000', '1000000', '16777216', '16777217', '4294967296', '9007199254740991', '9007199254740993', '1e3', '1e-9', '0.5', '-0', '+5', '1.0', '12abc'];
const WEIRD = ['0x10', '0b1', '0o7', 'Infinity', '-Infinity', 'NaN', '', ' ', '1_000', '1,2,3', '1:2', '1:2:3', '0.01,0.98,0.01', '40GiB', '1e400', 'a\nb', '--json'];

/** A value a user could type for a flag. */
export const flagValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(...WEIRD, ...BUILTINS) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 70_000 }).map(String) },
  { weight: 1, arbitrary: fc.double({ noNaN: false }).map(String) },
  { weight: 1, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.constantFrom('fp8', 'bf16', 'nvfp4', 'safe', 'issue-fix', 'upstream', 'custom', 'trtllm-v2@main', 'trtllm-v2@15401', 'vllm-v1', 'uniform', 'lognormal', 'no-evict', 'straddle', 'trtllm-15401') },
);

/** A JSON value a file could hold where a number is expected. */
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, 1, -1, 2, 127, 128, 256, 65536, 65537, 2 ** 24, 2 ** 24 + 1, 2 ** 32, 2 ** 50, 2 ** 53 - 1, 2 ** 53 + 2, 1e300, -1e300, 0.5, 1e-300) },
  { weight: 2, arbitrary: fc.integer({ min: -10, max: 1_000_000 }) },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, '', '1', 'auto', 'bfloat16', 'float32', 'mamba', 'full_attention', 'sliding_attention', ...BUILTINS) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom([], [1], [1, 2, 3], {}, { a: 1 }, [[1, 2]], ['constructor']) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Paths that exist in a value (objects and arrays), up to depth 4, for mutation. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (prefix.length > 0) out.push(prefix);
  if (prefix.length >= 4 || out.length > 400) return out;
  if (Array.isArray(v)) v.slice(0, 4).forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v).slice(0, 40)) paths((v as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

function setPath(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let cur = copy as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

/** 1-3 mutations of a base JSON document: replace a value, delete a key, add a stray or builtin key. */
function mutated(bases: readonly Record<string, unknown>[], extraKeys: readonly string[]): fc.Arbitrary<unknown> {
  return fc
    .record({
      base: fc.constantFrom(...bases),
      edits: fc.array(fc.record({ pick: fc.nat(), value: fc.option(jsonValue, { nil: undefined, freq: 6 }), key: fc.option(fc.constantFrom(...extraKeys, ...BUILTINS), { nil: null, freq: 3 }) }), { minLength: 1, maxLength: 3 }),
    })
    .map(({ base, edits }) => {
      let doc: unknown = base;
      for (const e of edits) {
        const all = paths(doc);
        const path = e.key !== null ? [e.key] : all[e.pick % Math.max(1, all.length)];
        if (!path) continue;
        doc = setPath(doc, path, e.key !== null && e.value === undefined ? 1 : e.value);
      }
      return doc;
    });
}

/** Text of a file: the mutated document, or something that is not quite JSON at all. */
function fileText(doc: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: doc.map((d) => JSON.stringify(d, null, 1)) },
    { weight: 1, arbitrary: fc.integer({ min: 60, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
    { weight: 1, arbitrary: doc.chain((d) => fc.nat().map((cut) => JSON.stringify(d, null, 1).slice(0, cut % 400))) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 60 }), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v))) },
  );
}

const CONFIG_KEYS = ['layer_types', 'torch_dtype', 'dtype', 'mamba_ssm_cache_dtype', 'num_hidden_layers', 'max_position_embeddings', 'sliding_window', 'head_dim', 'num_key_value_heads', 'num_attention_heads', 'model_type', 'hybrid_override_pattern', 'compress_ratios', 'text_config', 'layers_block_type', 'sliding_window_pattern', 'state_size', 'intermediate_size'];
const SCENARIO_KEYS = ['tokens_per_block', 'gpu_quota_bytes', 'layers', 'typical_step', 'constraints', 'initial_pool_ratio', 'rebalance_target_length', 'swa_scratch_reuse', 'engine', 'format_version'];

export const scenarioText = fileText(mutated(SCENARIOS, SCENARIO_KEYS));
export const configText = fileText(mutated([...CONFIGS, { model_type: 'falcon_mamba', num_hidden_layers: 4, hidden_size: 64, intermediate_size: 128, state_size: 16, conv_kernel: 4, torch_dtype: 'bfloat16' }], CONFIG_KEYS));
export const attentionText = fileText(mutated([ATTENTION], ['q', 'k_pool', 'v_pool', 'kv_indptr', 'kv_indices', 'kv_last_page_len', 'block_table', 'kv_lens', 'sm_scale', 'window_left']));

const CSV_COLUMNS = ['arrival', 'prompt', 'output', 'ARRIVAL', 'note', ''];
const cellText = fc.oneof(fc.constantFrom('0', '1', '64', '4000', '32768', '16777217', '-1', '1.5', '0x10', '', 'x', '9007199254740993'), fc.nat(5000).map(String));
export const traceText: fc.Arbitrary<string> = fc.oneof(
  fc
    .record({
      header: fc.oneof(fc.constant(['arrival', 'prompt', 'output']), fc.array(fc.constantFrom(...CSV_COLUMNS), { minLength: 1, maxLength: 5 })),
      rows: fc.array(fc.array(cellText, { minLength: 0, maxLength: 5 }), { maxLength: 30 }),
    })
    .map(({ header, rows }) => [header.join(','), ...rows.map((r) => r.join(','))].join('\n')),
  fc.array(fc.oneof(fc.tuple(jsonValue, jsonValue, jsonValue), fc.record({ arrival: jsonValue, prompt: jsonValue, output: jsonValue })), { maxLength: 20 }).map((a) => JSON.stringify(a)),
  fc.integer({ min: 60, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
);

const ALL_FLAGS = [...new Set([...PLAN_FLAGS, ...SIMULATE_FLAGS, ...CHECK_FLAGS].map((f) => f.name))].filter((f) => !['config', 'scenario', 'trace', 'input', 'batches', 'help'].includes(f));
const flagPair = fc.tuple(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ALL_FLAGS) }, { weight: 1, arbitrary: fc.constantFrom(...BUILTINS, 'bogus', '') }), flagValue, fc.boolean()).map(([name, value, eq]) => (eq ? [`--${name}=${value}`] : [`--${name}`, value]));
const flags = fc.array(flagPair, { maxLength: 5 }).map((a) => a.flat());
const model = fc.constantFrom<string[]>([], ['--preset', 'gemma-3-27b'], ['--preset', 'deepseek-v4-flash'], ['--preset', 'qwen3-next-80b-a3b'], ['--scenario', 'straddle'], ['--scenario', 'trtllm-15401'], ['--preset', 'constructor']);

/** argv alone: a command (or a builtin name) and flags with hostile values. */
export const argvInput: fc.Arbitrary<CliInput> = fc
  .tuple(fc.oneof({ weight: 9, arbitrary: fc.constantFrom('plan', 'simulate', 'presets', 'attention', 'check') }, { weight: 1, arbitrary: fc.constantFrom(...BUILTINS, 'help', '--help', '') }), model, flags, fc.option(fc.constantFrom('junk', '-x'), { freq: 8 }))
  .map(([cmd, m, f, pos]) => ({ argv: [cmd, ...m, ...f, ...(pos ? [pos] : [])] }));

export const scenarioInput: fc.Arbitrary<CliInput> = fc.tuple(fc.constantFrom('plan', 'simulate', 'check'), scenarioText, fc.array(flagPair, { maxLength: 1 })).map(([cmd, text, f]) => ({ argv: [cmd, '--scenario', 's.json', ...f.flat()], files: { 's.json': text } }));
export const configInput: fc.Arbitrary<CliInput> = fc.tuple(fc.constantFrom('plan', 'simulate'), configText, fc.array(flagPair, { maxLength: 2 })).map(([cmd, text, f]) => ({ argv: [cmd, '--config', 'c.json', ...f.flat()], files: { 'c.json': text } }));
export const traceInput: fc.Arbitrary<CliInput> = fc.tuple(traceText, fc.constantFrom('4096', '32768'), fc.array(flagPair, { maxLength: 1 })).map(([text, len, f]) => ({ argv: ['simulate', '--preset', 'gemma-3-27b', '--max-seq-len', len, '--trace', 't.csv', ...f.flat()], files: { 't.csv': text } }));
export const attentionInput: fc.Arbitrary<CliInput> = attentionText.map((text) => ({ argv: ['attention', '--backend', 'cpu', '--input', 'a.json'], files: { 'a.json': text } }));

const URL_KEYS = ['scenario', 'preset', 'tpb', 'maxSeqLen', 'maxBatch', 'maxTokens', 'quota', 'dtype', 'mode', 'ratio', 'policy', 'util', 'workload', 'requests', 'prompt', 'output', 'dist', 'spread', 'rate', 'seed', 'maxSteps', 'step', 'view', 'req', 'cfg', 'reqs', 'engine', 'lesson', ...BUILTINS];
/** A page link: known and unknown keys, repeated keys, hostile values, odd encodings. */
export const urlInput: fc.Arbitrary<CliInput> = fc
  .array(fc.tuple(fc.constantFrom(...URL_KEYS), fc.oneof(flagValue, fc.constantFrom('%', '%zz', '<script>', '&', '=', '%00', 'A'.repeat(70_000)))), { maxLength: 8 })
  .map((pairs) => ({ argv: [], url: `?${pairs.map(([k, v]) => `${k}=${v.includes('%') ? v : encodeURIComponent(v)}`).join('&')}` }));
