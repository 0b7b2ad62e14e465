/**
 * Typed reads from an untrusted Hugging Face config.json. Multimodal configs nest the language
 * model under `text_config`; fields are looked up there first, then at the top level, and every
 * error names the field where it was found (e.g. `text_config.sliding_window`).
 */
import { LIMITS } from '../limits.ts';
import { InputError, requireInt } from './errors.ts';

/** Fields counted in tokens take the token limit; the rest are dimensions (src/limits.ts). */
const TOKEN_FIELDS = new Set(['max_position_embeddings', 'sliding_window', 'attention_chunk_size', 'max_window_layers']);

function maxFor(name: string): number {
  return TOKEN_FIELDS.has(name) ? LIMITS.tokens.max : LIMITS.dimension.max;
}

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class HfReader {
  private readonly text: Json | null;

  constructor(private readonly top: Json) {
    this.text = isObject(top.text_config) ? top.text_config : null;
  }

  /** Present and not null. */
  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** The value (null counts as absent, as in HF configs where null means "off"). */
  raw(name: string): unknown {
    const t = this.text !== null && Object.hasOwn(this.text, name) ? this.text[name] : undefined;
    if (t !== undefined && t !== null) return t;
    const v = Object.hasOwn(this.top, name) ? this.top[name] : undefined;
    return v === null ? undefined : v;
  }

  /** Whether the key is written at all, even as null. */
  written(name: string): boolean {
    return (this.text !== null && Object.hasOwn(this.text, name)) || Object.hasOwn(this.top, name);
  }

  /** Field name as the user should see it. */
  field(name: string): string {
    const t = this.text !== null && Object.hasOwn(this.text, name) ? this.text[name] : undefined;
    return t !== undefined && t !== null ? `text_config.${name}` : name;
  }

  int(name: string, min = 1, max = maxFor(name)): number {
    return requireInt(this.field(name), this.raw(name), min, max);
  }

  optInt(name: string, min = 1): number | undefined {
    return this.has(name) ? this.int(name, min) : undefined;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw new InputError(this.field(name), v, 'true or false');
    return v;
  }

  string(name: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new InputError(this.field(name), v, 'a string');
    return v;
  }

  array(name: string): unknown[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw new InputError(this.field(name), v, 'an array');
    return v;
  }

  /** An integer array of exactly `length` entries (when given). */
  intArray(name: string, min: number): number[] | undefined {
    const a = this.array(name);
    if (a !== undefined && a.length > LIMITS.layers.max) throw new InputError(this.field(name), `${a.length} entries`, `at most ${LIMITS.layers.max} (one per layer)`);
    return a?.map((x, i) => requireInt(`${this.field(name)}[${i}]`, x, min, LIMITS.dimension.max));
  }
}
