/**
 * The CLI's only contact with the terminal and the file system. Subcommands get an `Io` so tests
 * can run them in-process and read what they printed.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { describeLimit, LIMITS } from '../limits.ts';
import { InputError } from '../model/errors.ts';
import { parseJsonChecked } from '../model/parse.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readText(path: string, field: string): string;
}

/**
 * Read at most the file limit (src/limits.ts), in chunks: a huge file, a pipe or /dev/zero is
 * refused after limit + 1 bytes instead of filling memory.
 */
function readBounded(path: string, field: string): string {
  const max = LIMITS.fileBytes.max;
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > max) throw new InputError(field, path, `a file of ${describeLimit('fileBytes')} bytes`);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  readText: (path, field) => {
    try {
      return readBounded(path, field);
    } catch (e) {
      if (e instanceof InputError) throw e;
      const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new InputError(field, path, `a readable file (${code})`);
    }
  },
};

/** Parse JSON text (size and depth checked first), turning errors into an InputError that names the source. */
export function parseJsonText(text: string, field: string): unknown {
  return parseJsonChecked(text, field);
}

/** A captured Io for tests (file names are own keys of `files`, never inherited ones). */
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
      if (Object.hasOwn(files, path)) {
        const text = files[path];
        if (text.length > LIMITS.fileBytes.max) throw new InputError(field, path, `a file of ${describeLimit('fileBytes')} bytes`);
        return text;
      }
      return processIo.readText(path, field);
    },
  };
  return io;
}
