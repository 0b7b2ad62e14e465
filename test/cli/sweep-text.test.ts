/**
 * `kvpool sweep`'s text grid: axis values as the flags take them (quotas in GiB) and columns as wide
 * as their widest label or cell, so wide values never run together; each cell agrees with --json.
 */
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

async function run(argv: string[]): Promise<string> {
  const io = memoryIo();
  expect(await main(argv, io)).toBe(0);
  return io.stdout;
}

describe('kvpool sweep text grid', () => {
  it('labels quotas in GiB, separates every column, and shows the cells --json gives', async () => {
    const argv = ['sweep', '--scenario', 'trtllm-15401', '--workers', '0', '--x', 'quota=20GiB,1000GiB', '--y', 'max-batch-size=4,8'];
    const lines = (await run(argv)).trim().split('\n');
    const header = lines[1].trim().split(/\s+/);
    expect(header).toEqual(['20GiB', '1000GiB']);
    const json = JSON.parse(await run([...argv, '--json'])) as { cells: { quota: number; 'max-batch-size': number; verdict: string; maxConcurrentDecodes: number }[] };
    const letter: Record<string, string> = { safe: 'S', unsafe: 'U', unknown: '?', refused: 'x' };
    for (const [yi, y] of [4, 8].entries()) {
      const tokens = lines[2 + yi].trim().split(/\s+/);
      expect(tokens[0]).toBe(String(y));
      const cells = json.cells.filter((c) => c['max-batch-size'] === y);
      expect(tokens.slice(1)).toEqual(cells.flatMap((c) => [letter[c.verdict], String(c.maxConcurrentDecodes)]));
    }
    // Right-aligned columns of one width: every row ends at the same column.
    expect(new Set(lines.slice(1).map((l) => l.length)).size).toBe(1);
  }, 60_000);
});
