/**
 * The engine registry: every sizer the playground knows, in picker order. The CLI's `--engine`
 * and `--help`, the page's engine picker and its URL key `engine` all read this list.
 *
 * To add an engine: write one sizer file exporting an `EngineSizer` (see ./types.ts) and add one
 * line below. Nothing else switches on engine ids.
 */
import { InputError } from '../../model/errors.ts';
import { sglangEngine } from '../sglang/engine.ts';
import { vllmV1Engine } from '../vllm/engine.ts';
import { trtllmV2At15401 } from './trtllm-v2-15401.ts';
import { trtllmV2AtMain } from './trtllm-v2-main.ts';
import type { EngineSizer, KnobSpec } from './types.ts';

export const ENGINES: readonly EngineSizer[] = [
  trtllmV2AtMain,
  trtllmV2At15401,
  vllmV1Engine,
  sglangEngine,
];

/** What a plan from a preset or flags uses: what a user runs today. */
export const DEFAULT_ENGINE = 'trtllm-v2@main';
/** What a scenario file without an "engine" field is read as: the version format v1 was defined with. */
export const SCENARIO_FILE_ENGINE = 'trtllm-v2@15401';

export function engineIds(): string[] {
  return ENGINES.map((e) => e.id);
}

/** Look an engine up by id; `field` names what the user typed (e.g. `--engine`, `engine`). */
export function getEngine(id: string, field = 'engine'): EngineSizer {
  const e = ENGINES.find((x) => x.id === id);
  if (!e) throw new InputError(field, id, engineIds().join(', '));
  return e;
}

/** Every knob of every engine, once per flag, with the engines that read it. */
export function allKnobs(): { spec: KnobSpec; engines: string[] }[] {
  const byFlag = new Map<string, { spec: KnobSpec; engines: string[] }>();
  for (const e of ENGINES) {
    for (const k of e.knobs) {
      const hit = byFlag.get(k.flag);
      if (hit) hit.engines.push(e.id);
      else byFlag.set(k.flag, { spec: k, engines: [e.id] });
    }
  }
  return [...byFlag.values()];
}
