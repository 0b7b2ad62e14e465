/**
 * Every defect of issue 12 as an input with the outcome it must have: the exit code, and the flag or
 * field the one error (or warning) line must name. reproductions.test.ts runs each in a child
 * process with a 10 s time-out and a 1 GiB heap.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliInput } from './harness.ts';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const straddle = JSON.parse(readFileSync(`${fixtures}sim/straddle-issue-fix.scenario.json`, 'utf8'));
const dsv4 = JSON.parse(readFileSync(`${fixtures}cases/trtllm-15401/dsv4-flash-fp8-40g.json`, 'utf8')).cases[0].input;

export interface Reproduction extends CliInput {
  readonly id: string;
  readonly code: 0 | 1 | 2 | 3;
  /** What the error line (code 1/2) or a WARNING line (code 0) must name. */
  readonly names?: RegExp;
}

const MAX = '9007199254740991';
const json = (v: unknown) => JSON.stringify(v);
const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const deepObj = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
const gemmaConfig = {
  model_type: 'gemma3_text',
  num_hidden_layers: 4,
  max_position_embeddings: 131072,
  num_attention_heads: 8,
  num_key_value_heads: 4,
  head_dim: 128,
  hidden_size: 2048,
  sliding_window: 1024,
  layer_types: ['sliding_attention', 'sliding_attention', 'sliding_attention', 'full_attention'],
  torch_dtype: 'bfloat16',
};
const jamba = {
  model_type: 'jamba',
  num_hidden_layers: 2,
  max_position_embeddings: 262144,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  hidden_size: 4096,
  attn_layer_period: 2,
  attn_layer_offset: 1,
  mamba_expand: 2,
  mamba_d_state: 16,
  mamba_d_conv: 4,
  torch_dtype: 'bfloat16',
};
/** falcon-mamba-7b's config.json (tiiuae/falcon-mamba-7b), cache-relevant keys as published. */
export const falconMamba7b = {
  architectures: ['FalconMambaForCausalLM'],
  model_type: 'falcon_mamba',
  hidden_size: 4096,
  intermediate_size: 8192,
  expand: 16,
  num_hidden_layers: 64,
  state_size: 16,
  conv_kernel: 4,
  time_step_rank: 256,
  use_conv_bias: true,
  use_bias: false,
  vocab_size: 65024,
  torch_dtype: 'bfloat16',
};
const attnInput = (over: Record<string, unknown>) => ({
  num_qo_heads: 1,
  num_kv_heads: 1,
  head_dim: 2,
  tokens_per_block: 2,
  q: [[1, 0]],
  k_pool: [1, 0, 0, 1, 1, 1, 0, 0],
  v_pool: [1, 2, 3, 4, 5, 6, 7, 8],
  kv_indptr: [0, 2],
  kv_indices: [0, 1],
  kv_last_page_len: [1],
  ...over,
});
const withRepeat = (n: number) => ({ ...straddle, constraints: [straddle.constraints[0], { kv_caches: [[256, 255, n]], system_prompt_length: 0 }] });
const gemma = ['--preset', 'gemma-3-27b', '--max-seq-len', '32768'];

export const REPRODUCTIONS: readonly Reproduction[] = [
  // 1. runaway memory
  { id: '1 repeat count 1,000,000 in a scenario batch', argv: ['simulate', '--scenario', 's.json'], files: { 's.json': json(withRepeat(1_000_000)) }, code: 2, names: /constraints\[1\]\.kv_caches\[0\]\[2\]/ },
  { id: '1 repeat count 1,000,000 (plan)', argv: ['plan', '--scenario', 's.json'], files: { 's.json': json(withRepeat(1_000_000)) }, code: 2, names: /constraints\[1\]\.kv_caches\[0\]\[2\]/ },
  { id: '1 --max-num-tokens 2^32 on trtllm-15401', argv: ['simulate', '--scenario', 'trtllm-15401', '--max-num-tokens', '4294967296'], code: 2, names: /--max-num-tokens/ },
  { id: '1 --max-num-tokens 2^32 (plan)', argv: ['plan', '--max-num-tokens', '4294967296', '--constraints', 'upstream'], code: 2, names: /--max-num-tokens/ },
  { id: '1 prompt of 100,000,000 tokens', argv: ['simulate', ...gemma, '--prompt-len', '100000000'], code: 2, names: /--prompt-len/ },
  // 2. hangs
  { id: '2 --tokens-per-block 1e9 --max-seq-len 1e9 safe', argv: ['plan', '--preset', 'gemma-3-27b', '--tokens-per-block', '1000000000', '--max-seq-len', '1000000000', '--constraints', 'safe'], code: 2, names: /--tokens-per-block/ },
  { id: '2 --draft-tokens 2^53-1 safe', argv: ['plan', '--draft-tokens', MAX, '--constraints', 'safe'], code: 2, names: /--draft-tokens/ },
  { id: '2 --extra-kv-tokens 2^53-1 safe', argv: ['plan', '--extra-kv-tokens', MAX, '--constraints', 'safe'], code: 2, names: /--extra-kv-tokens/ },
  { id: '2 --stall-limit 2^53-1 --max-steps 1e7', argv: ['simulate', '--scenario', 'straddle', '--stall-limit', MAX, '--max-steps', '10000000'], code: 2, names: /--stall-limit|--max-steps/ },
  { id: '2 --stall-limit above --max-steps', argv: ['simulate', '--scenario', 'straddle', '--stall-limit', '5000', '--max-steps', '1000'], code: 2, names: /--stall-limit/ },
  { id: '2 --requests 1,000,000', argv: ['simulate', ...gemma, '--requests', '1000000'], code: 2, names: /--requests/ },
  // At the validator's maximum the run now completes (per-pass work follows the running requests only).
  { id: '2 --requests at the limit (100,000) completes in bounded time', argv: ['simulate', ...gemma, '--requests', '100000', '--prompt-len', '64', '--output-len', '8', '--max-batch-size', '256'], code: 0 },
  { id: '2 tens of thousands of requests run', argv: ['simulate', ...gemma, '--requests', '10000', '--prompt-len', '64', '--output-len', '8', '--max-batch-size', '256'], code: 0 },
  { id: '2 --max-steps 1e6 at --max-batch-size 65536 (few requests) runs', argv: ['simulate', ...gemma, '--max-steps', '1000000', '--max-batch-size', '65536'], code: 0 },
  {
    id: '2 grains: 1-byte slots in a 1 PiB quota',
    argv: ['plan', '--scenario', 'g.json'],
    files: { 'g.json': json({ tokens_per_block: 16, layers: [{ layer_id: 0, kind: 'attn', window: null, sink_tokens: null, buffers: [{ role: 'key', bytes_per_block: 3 }] }], gpu_quota_bytes: 2 ** 50, typical_step: null, constraints: [], initial_pool_ratio: null }) },
    code: 0,
  },
  // 3. internal errors
  ...['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'].map((name): Reproduction => ({ id: `3 command ${name}`, argv: [name], code: 2, names: /command/ })),
  { id: '3 --max-seq-len 2^53-1', argv: ['plan', '--max-seq-len', MAX], code: 2, names: /--max-seq-len/ },
  { id: '3 --prompt-len 2^53-1', argv: ['simulate', ...gemma, '--prompt-len', MAX], code: 2, names: /--prompt-len/ },
  { id: '3 --config nested 10,000 deep', argv: ['plan', '--config', 'd.json'], files: { 'd.json': deepObj }, code: 2, names: /--config/ },
  { id: '3 --scenario nested 10,000 deep', argv: ['plan', '--scenario', 'd.json'], files: { 'd.json': deep }, code: 2, names: /--scenario/ },
  { id: '3 --scenario nested 10,000 deep (simulate)', argv: ['simulate', '--scenario', 'd.json'], files: { 'd.json': deep }, code: 2, names: /--scenario/ },
  { id: '3 --trace nested 10,000 deep', argv: ['simulate', ...gemma, '--trace', 'd.json'], files: { 'd.json': deep }, code: 2, names: /--trace/ },
  { id: '3 --input nested 10,000 deep', argv: ['attention', '--backend', 'cpu', '--input', 'd.json'], files: { 'd.json': deep }, code: 2, names: /--input/ },
  { id: '3 layer_types ["constructor", ...]', argv: ['plan', '--config', 'c.json'], files: { 'c.json': json({ ...gemmaConfig, layer_types: ['constructor', 'toString', '__proto__', 'full_attention'] }) }, code: 2, names: /layer_types\[0\]/ },
  // 4. silently wrong plan
  { id: '4 mamba_ssm_cache_dtype "constructor"', argv: ['plan', '--config', 'c.json'], files: { 'c.json': json({ ...jamba, mamba_ssm_cache_dtype: 'constructor' }) }, code: 2, names: /mamba_ssm_cache_dtype/ },
  { id: '4 torch_dtype "__proto__"', argv: ['plan', '--config', 'c.json'], files: { 'c.json': json({ ...gemmaConfig, torch_dtype: '__proto__' }) }, code: 2, names: /torch_dtype/ },
  // 5. exit codes agree
  { id: '5 quota -1 in a scenario file (plan)', argv: ['plan', '--scenario', 's.json'], files: { 's.json': json({ ...straddle, gpu_quota_bytes: -1 }) }, code: 1, names: /quota/i },
  { id: '5 quota -1 in a scenario file (simulate)', argv: ['simulate', '--scenario', 's.json'], files: { 's.json': json({ ...straddle, gpu_quota_bytes: -1 }) }, code: 1, names: /quota/i },
  { id: '5 ratio of the wrong length in a scenario file (plan)', argv: ['plan', '--scenario', 's.json'], files: { 's.json': json({ ...dsv4, typical_step: null, initial_pool_ratio: [0.5, 0.5] }) }, code: 1, names: /ratio/ },
  { id: '5 ratio of the wrong length in a scenario file (simulate)', argv: ['simulate', '--scenario', 's.json'], files: { 's.json': json({ ...dsv4, typical_step: null, initial_pool_ratio: [0.5, 0.5] }) }, code: 1, names: /ratio/ },
  { id: '5 the same ratio as a flag', argv: ['plan', '--pool-ratio', '0.5,0.5'], code: 2, names: /--pool-ratio/ },
  { id: '5 the same ratio as a flag (simulate)', argv: ['simulate', '--scenario', 'trtllm-15401', '--pool-ratio', '0.5,0.5'], code: 2, names: /--pool-ratio/ },
  // 6. messages name what the user typed
  { id: '6 --draft-tokens 9000', argv: ['simulate', '--scenario', 'trtllm-15401', '--draft-tokens', '9000'], code: 2, names: /--draft-tokens/ },
  { id: '6 --draft-tokens above --max-num-tokens', argv: ['simulate', ...gemma, '--draft-tokens', '100', '--max-num-tokens', '50'], code: 2, names: /--max-num-tokens/ },
  { id: '6 --max-steps past the limit', argv: ['simulate', '--scenario', 'straddle', '--max-steps', '20000000'], code: 2, names: /--max-steps/ },
  { id: '6 --requests past the limit', argv: ['simulate', '--scenario', 'straddle', '--requests', '2000000'], code: 2, names: /--requests/ },
  { id: '6 huge --tokens-per-block', argv: ['plan', '--preset', 'gemma-3-27b', '--tokens-per-block', '100000000'], code: 2, names: /--tokens-per-block/ },
  { id: '6 a JSON syntax error stays on one line', argv: ['plan', '--scenario', 'b.json'], files: { 'b.json': '{\n  "tokens_per_block": 16,\n  oops\n}\n' }, code: 2, names: /--scenario/ },
  // 7. lenient parsing
  { id: '7 --arrival-rate 0x10', argv: ['simulate', ...gemma, '--arrival-rate', '0x10'], code: 2, names: /--arrival-rate/ },
  { id: '7 --max-util-for-resume 0x1', argv: ['simulate', '--scenario', 'straddle', '--max-util-for-resume', '0x1'], code: 2, names: /--max-util-for-resume/ },
  { id: '7 --quota 0x10GiB', argv: ['plan', '--quota', '0x10GiB'], code: 2, names: /--quota/ },
  { id: '7 --rebalance-length 1,2,3', argv: ['plan', '--rebalance-length', '1,2,3'], code: 2, names: /--rebalance-length/ },
  { id: '7 a CSV trace repeating a column', argv: ['simulate', ...gemma, '--trace', 't.csv'], files: { 't.csv': 'arrival,prompt,output,prompt\n0,10,10,20\n' }, code: 2, names: /--trace/ },
  { id: '7 a trace request longer than --max-seq-len', argv: ['simulate', '--preset', 'gemma-3-27b', '--max-seq-len', '4096', '--trace', 't.csv'], files: { 't.csv': 'arrival,prompt,output\n0,4000,98\n' }, code: 2, names: /--trace.*row 1/ },
  { id: '7 a trace request exactly at --max-seq-len is accepted', argv: ['simulate', '--preset', 'gemma-3-27b', '--max-seq-len', '4096', '--trace', 't.csv'], files: { 't.csv': 'arrival,prompt,output\n0,4000,97\n' }, code: 0 },
  { id: '7 a generated request longer than --max-seq-len', argv: ['simulate', '--preset', 'gemma-3-27b', '--max-seq-len', '4096', '--prompt-len', '4000', '--output-len', '200'], code: 2, names: /--prompt-len/ },
  { id: '7 model_type "banana" is warned', argv: ['plan', '--config', 'c.json'], files: { 'c.json': json({ ...gemmaConfig, model_type: 'banana' }) }, code: 0, names: /model_type/ },
  { id: '7 a 2,048-token model planned at 32,768 is warned', argv: ['plan', '--config', 'c.json', '--max-seq-len', '32768'], files: { 'c.json': json({ ...gemmaConfig, max_position_embeddings: 2048, layer_types: undefined, sliding_window: undefined }) }, code: 0, names: /max_position_embeddings/ },
  // 8. real configs
  { id: '8 falcon-mamba-7b plans (one recurrent-state pool group)', argv: ['plan', '--config', 'falcon-mamba-7b.json', '--json'], files: { 'falcon-mamba-7b.json': json(falconMamba7b) }, code: 0 },
  { id: '8 attention input outside the f32 range', argv: ['attention', '--backend', 'cpu', '--input', 'a.json'], files: { 'a.json': json(attnInput({ k_pool: [1, 0, 0, 1e39, 1, 1, 0, 0] })) }, code: 2, names: /k_pool\[3\]/ },
  { id: '8 attention q outside the f32 range', argv: ['attention', '--backend', 'cpu', '--input', 'a.json'], files: { 'a.json': json(attnInput({ q: [[-1e300, 0]] })) }, code: 2, names: /q\[0\]/ },
  { id: '8 a valid attention input runs', argv: ['attention', '--backend', 'cpu', '--input', 'a.json'], files: { 'a.json': json(attnInput({})) }, code: 0 },
];
