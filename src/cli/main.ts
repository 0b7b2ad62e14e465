/**
 * `kvpool`: one command for the playground's core. Each subcommand lives in its own module and is
 * loaded on demand, so `kvpool plan` never pays for the GPU backend.
 */
import { EngineRefusal, InputError, oneLine } from '../model/errors.ts';
import { type Io, processIo } from './io.ts';

export type Subcommand = (argv: string[], io: Io) => Promise<number> | number;

// A Map, not an object: a command name the user typed ("constructor", "__proto__") must never
// reach Object.prototype.
const subcommands = new Map<string, { summary: string; load: () => Promise<Subcommand> }>(Object.entries({
  plan: { summary: 'size the KV-cache pools of a model or engine scenario', load: async () => (await import('./plan.ts')).planCommand },
  presets: { summary: 'list the built-in model presets', load: async () => (await import('./plan.ts')).presetsCommand },
  simulate: { summary: 'step the decode scheduler over the pools and report stalls', load: async () => (await import('./simulate.ts')).simulateCommand },
  check: { summary: 'will it stall? safe (certificate), unsafe (minimal counterexample, verified fixes) or unknown', load: async () => (await import('./check.ts')).checkCommand },
  sweep: { summary: 'verdict, concurrency and tokens per pass over a grid of two knobs (worker threads)', load: async () => (await import('./sweep.ts')).sweepCommand },
  attention: { summary: 'run one paged decode attention (GPU or CPU) on explicit inputs', load: async () => (await import('./attention.ts')).attentionCommand },
}));

function usage(): string {
  const rows = [...subcommands].map(([name, s]) => `  ${name.padEnd(10)} ${s.summary}`);
  return `usage: kvpool <command> [flags]    (kvpool <command> --help for its flags)\n\ncommands:\n${rows.join('\n')}\n`;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = subcommands.get(name);
  if (!entry) {
    io.err(`kvpool: ${new InputError('command', name, `one of ${[...subcommands.keys()].join(', ')}`).message}`);
    return 2;
  }
  try {
    const run = await entry.load();
    return await run(rest, io);
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`kvpool ${name}: ${e.message}`);
      return 2;
    }
    if (e instanceof EngineRefusal) {
      io.err(`kvpool ${name}: the engine refuses this input: ${e.message}`);
      return 1;
    }
    // An internal error is still one line: a bug report, not a stack dump for the user.
    io.err(`kvpool ${name}: internal error: ${oneLine(String((e as Error)?.message ?? e))} (set KVPOOL_DEBUG=1 for the stack)`);
    if (process.env.KVPOOL_DEBUG) io.err(String((e as Error)?.stack));
    return 1;
  }
}
