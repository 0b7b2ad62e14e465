/**
 * Simulator -> RunView. Until the simulator lands this serves synthetic frames with the plan's slot
 * counts and says so (RunView.story), so the page can be built and tested.
 */
import { InputError } from '../model/errors.ts';
import type { Plan } from '../planner/types.ts';
import { syntheticRun } from './synthetic.ts';
import type { UiState } from './url-state.ts';
import type { RunView } from './view-model.ts';

export const SIMULATOR_AVAILABLE = false;

export function simulateFor(state: UiState, plan: Plan): RunView {
  return syntheticRun({ slotCounts: plan.slotCounts, requests: state.requests, steps: 200 });
}

export function scenarioStory(name: string): string {
  if (name === 'trtllm-15401') return 'TensorRT-LLM #15401: DeepSeek-V4-Flash with a skewed pool ratio; the STATE pool gets 7 slots and 64 decodes deadlock.';
  if (name === 'straddle') return 'A window of 128 with 256-token blocks: decodes that straddle a block boundary need two blocks each.';
  return 'Your own model and settings.';
}

export function importRunJson(_text: string): RunView {
  throw new InputError('trace', 'file', 'a trace exported by this playground (import arrives with the simulator)');
}
