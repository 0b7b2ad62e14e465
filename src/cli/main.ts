/**
 * `kvpool`: one command for the playground's core. Each subcommand lives in its own module and is
 * loaded on demand, so `kvpool plan` never pays for the GPU backend.
 */
import { InputError } from '../model/errors.ts';
import { type Io, processIo } from './io.ts';

export type Subcommand = (argv: string[], io: Io) => Promise<number> | number;

const subcommands: Record<string, { summary: string; load: () => Promise<Subcommand> }> = {
  plan: { summary: 'size the KV-cache pools of a model or engine scenario', load: async () => (await import('./plan.ts')).planCommand },
  presets: { summary: 'list the built-in model presets', load: async () => (await import('./plan.ts')).presetsCommand },
  simulate: { summary: 'step the decode scheduler over the pools and report stalls', load: async () => (await import('./simulate.ts')).simulateCommand },
  check: { summary: 'will it stall? safe (certificate), unsafe (minimal counterexample, verified fixes) or unknown', load: async () => (await import('./check.ts')).checkCommand },
  attention: { summary: 'run one paged decode attention (GPU or CPU) on explicit inputs', load: async () => (await import('./attention.ts')).attentionCommand },
};

function usage(): string {
  const rows = Object.entries(subcommands).map(([name, s]) => `  ${name.padEnd(10)} ${s.summary}`);
  return `usage: kvpool <command> [flags]    (kvpool <command> --help for its flags)\n\ncommands:\n${rows.join('\n')}\n`;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = subcommands[name];
  if (!entry) {
    io.err(`kvpool: command: got "${name}"; expected one of ${Object.keys(subcommands).join(', ')}`);
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
    // An internal error is still one line: a bug report, not a stack dump for the user.
    io.err(`kvpool ${name}: internal error: ${(e as Error)?.message ?? String(e)} (set KVPOOL_DEBUG=1 for the stack)`);
    if (process.env.KVPOOL_DEBUG) io.err(String((e as Error)?.stack));
    return 1;
  }
}
