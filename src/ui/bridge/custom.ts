/**
 * The pasted config carried by the link (params.config, base64url JSON), decoded and parsed once
 * per distinct value: a Hugging Face config.json or an engine scenario, or the error to show under
 * the config box.
 */
import { InputError } from '../../model/errors.ts';
import { checkJsonLimits } from '../../model/parse.ts';
import { fromBase64Url } from '../state/b64.ts';
import { type CustomModel, parseCustomText } from './plan.ts';

export interface CustomConfig {
  readonly custom: CustomModel | null;
  readonly error: string;
  /** The JSON text (for the config box). */
  readonly text: string;
  /** "NAME (N layers)" of what was loaded. */
  readonly what: string;
}

const MAX_BYTES = 2_000_000;
const NONE: CustomConfig = { custom: null, error: '', text: '', what: '' };

let last: { b64: string; out: CustomConfig } | null = null;

export function customConfig(b64: string): CustomConfig {
  if (!b64) return NONE;
  if (last?.b64 === b64) return last.out;
  let out: CustomConfig;
  let text = '';
  try {
    text = fromBase64Url(b64);
    if (text.length > MAX_BYTES) throw new InputError('config.json', `${text.length} characters`, `at most ${MAX_BYTES}`);
    checkJsonLimits(text, 'config.json'); // nesting first: the parsers below recurse
    const custom = parseCustomText(text);
    const what = custom.kind === 'model' ? `${custom.model.name} (${custom.model.layers.length} layers)` : `engine scenario (${custom.scenario.layers.length} manager layers)`;
    out = { custom, error: '', text, what };
  } catch (e) {
    const msg = text === '' ? 'URL parameter "cfg": not valid base64url UTF-8 text; the preset is used instead' : e instanceof InputError ? e.message : `config.json: ${e instanceof Error ? e.message : String(e)}`;
    out = { custom: null, error: msg, text, what: '' };
  }
  last = { b64, out };
  return out;
}

/** Check pasted text before it is stored: what it is (an engine scenario brings its own
 * constraints), or the error to show under the box (the state is then left as it was). */
export function checkConfig(text: string): { kind: 'model' | 'scenario'; custom: CustomModel } | { error: string } {
  if (text.length > MAX_BYTES) return { error: `config.json: ${text.length} characters is too large; expected at most ${MAX_BYTES}` };
  try {
    checkJsonLimits(text, 'config.json');
    const custom = parseCustomText(text);
    return { kind: custom.kind, custom };
  } catch (e) {
    return { error: e instanceof InputError ? e.message : `config.json: ${e instanceof Error ? e.message : String(e)}` };
  }
}
