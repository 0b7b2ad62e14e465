/**
 * The one table of what the tools accept. Every bound an input can hit lives here, with why it is
 * where it is: high enough for what real engines serve (1M-token contexts and Llama 4 Scout's 10M,
 * tens of thousands of requests, 80+ GiB of KV cache), low enough that any accepted input runs in
 * bounded time and memory. An input past a limit is bad input (exit 2) whose message names the
 * flag or field the user wrote and the limit (see `limitError`).
 *
 * Pure: no I/O. The CLI, the page, the planner and the simulator all import from here.
 */

export interface Limit {
  /** Largest accepted value (inclusive). */
  readonly max: number;
  /** Why this value: one line, shown next to the limit in the README. */
  readonly why: string;
}

const limit = (max: number, why: string): Limit => ({ max, why });

export const LIMITS = {
  /** Tokens of one request, maxSeqLen, max_num_tokens, prompt/output lengths, windows, histories. */
  tokens: limit(16_777_216, "2^24: above Llama 4 Scout's 10,485,760-token context; token x layer x byte products stay exact"),
  /** tokens_per_block: engines use 16 to 256 (DeepSeek-V4), 1024 at most. */
  tokensPerBlock: limit(65_536, 'engines use 16..1024; the straddle search tries every residue mod tpb'),
  /** Speculative draft tokens (MTP) and num_extra_kv_tokens. */
  draftTokens: limit(4096, 'real drafts are a handful of tokens; each one is a token of every decode'),
  /** Requests per iteration (max_batch_size) and the repeat count of one kv_caches entry. */
  batchSize: limit(65_536, 'engines run at most a few thousand requests per iteration'),
  /** Requests in one simulated workload (generated or a trace). */
  requests: limit(100_000, 'tens of thousands of requests; each one costs the simulator work every pass it runs'),
  /** Simulator passes (--max-steps), and so --stall-limit too. */
  steps: limit(1_000_000, 'a million passes is hours of real serving; the trace keeps a column entry per pass'),
  /**
   * Request-passes one simulation may do (every pass costs work for each arrived request, as the
   * engine's scheduler walks its active requests); counted as the run goes, so only a run that
   * really does this much is refused.
   */
  simWork: limit(20_000_000, "a few seconds of one core (3-7 M request-passes per second); the page's heaviest example (1,024 requests of 4k + 2k tokens) needs 17 M"),
  /** Slots of one pool group in the simulator (the planner sizes any count arithmetically). */
  simSlotsPerPool: limit(4_194_304, '2^22: about 28 bytes per slot in pools and trace, so ~120 MiB per pool'),
  /** Slots over all pool groups of a simulated plan. */
  simSlotsTotal: limit(8_388_608, '2^23: keeps a run under ~250 MiB of slot state'),
  /** Model layers (num_hidden_layers, layer lists, scenario layers). */
  layers: limit(4096, 'the deepest real models have a few hundred layers'),
  /** Heads, head dims, state widths and other per-layer dimensions of a config. */
  dimension: limit(1_048_576, '2^20: far above any real head count, head_dim or state width'),
  /** Bytes: quota, bytes_per_block. */
  bytes: limit(2 ** 50, '1 PiB: above any GPU or node; products with slot counts stay below 2^53'),
  /** Integers in general (seeds, counts that are neither tokens nor bytes). */
  integer: limit(Number.MAX_SAFE_INTEGER, 'beyond 2^53 an increment no longer changes a JS number'),
  /** A seed is a 32-bit PRNG state. */
  seed: limit(0xffff_ffff, 'mulberry32 has 32 bits of state'),
  /** Size of a file the CLI reads (config, scenario, trace, attention input, batches). */
  fileBytes: limit(64 * 1024 * 1024, '64 MiB: real configs are KBs, a 100,000-request trace about 2 MB'),
  /** Nesting of any JSON input. */
  jsonDepth: limit(64, 'configs nest 3-4 levels; deep nesting would overflow the parser stack'),
  /** Characters of the page's URL (the link); the dev server accepts request headers this long. */
  urlChars: limit(131_072, 'a pasted config and a request trace of 60,000 characters each, plus the other parameters'),
  /** The page's own controls for tokens per block, batch size and requests (its worker runs every change). */
  pageControls: limit(4096, 'keeps every re-plan and re-run of the page interactive'),
  /** Values on one axis of a sweep (kvpool sweep --x/--y, the Map view): a 64 x 64 grid is 4,096 verdicts. */
  sweepValues: limit(64, 'a 64 x 64 grid is 4,096 verdicts, minutes of two cores'),
  /** Elements of an attention input array (q, k_pool, v_pool). */
  attnElements: limit(16_777_216, '2^24 floats: 64 MiB of K or V, as much as the file limit can carry'),
  /** Key elements one attention run reads: sum of kv_len x query heads x head_dim. */
  attnWork: limit(268_435_456, '2^28: about a second of the f64 CPU reference'),
  /** Largest magnitude of an attention input value: f32's largest finite number. */
  f32: limit(3.4028234663852886e38, 'the kernels compute in f32; a larger value becomes Infinity and NaN'),
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

/** One pasted text (config.json, request trace) inside the link, in base64url characters. */
export const URL_CONFIG_CHARS = 60_000;

/** Request-header bytes the dev and preview servers accept: the longest link plus ordinary headers. */
export const DEV_SERVER_HEADER_BYTES = LIMITS.urlChars.max + 16 * 1024;

/** "at most 16,777,216 (limits.tokens: why)": the words an error appends. */
export function describeLimit(name: LimitName): string {
  const l = LIMITS[name];
  return `at most ${l.max.toLocaleString('en-US')} (${l.why})`;
}
