/**
 * The CLI's only contact with the terminal and the file system. Subcommands get an `Io` so tests
 * can run them in-process and read what they printed.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../model/errors.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readText(path: string, field: string): string;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  readText: (path, field) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new InputError(field, path, `a readable file (${code})`);
    }
  },
};

/** Parse JSON text, turning a syntax error into an InputError that names the source. */
export function parseJsonText(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(field, text.slice(0, 40), `valid JSON (${(e as Error).message})`);
  }
}

/** A captured Io for tests. */
export function memoryIo(files: Record<string, string> = {}): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t.endsWith('\n') ? t : `${t}\n`;
    },
    err(t: string) {
      io.stderr += t.endsWith('\n') ? t : `${t}\n`;
    },
    readText(path: string, field: string) {
      if (path in files) return files[path];
      return processIo.readText(path, field);
    },
  };
  return io;
}
