/**
 * Hugging Face config.json -> ModelSpec, through the model package's importer. Kept in its own
 * module (loaded on demand) so the page starts without it.
 */
import { InputError } from '../model/errors.ts';
import type { ModelSpec } from '../model/spec.ts';

export function importHfConfig(raw: unknown): ModelSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('config.json', raw, 'a JSON object (a Hugging Face config.json)');
  throw new InputError('config.json', 'config', 'an engine scenario JSON for now (the Hugging Face importer has not landed yet)');
}
