/**
 * The page's one-way rules, read from the source itself (every import, export-from and dynamic
 * import, type-only ones included):
 *
 *   views  ->  model.ts                 views draw view models and send intents, nothing else
 *   state  ->  model.ts, views/registry the one store and its pure actions (value lists from the core
 *              + core value lists        in state/params.ts only: the one exception)
 *   bridge ->  core, state, model.ts    the only UI code that calls the core
 *   core   ->  nothing of src/ui        (and tsconfig.core.json type-checks it without DOM types)
 *
 * and no import circles anywhere in src/ui.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/** Relative imports of a file, resolved to paths under src/ ('pkg:NAME' for packages). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) out.push(relative(SRC, resolve(dirname(file), spec)));
    else out.push(`pkg:${spec}`);
  }
  return out;
}

const files = walk(SRC).map((f) => relative(SRC, f));
const graph = new Map(files.map((f) => [f, importsOf(join(SRC, f))]));
const CORE = /^(model|planner|sim|attn|verdict|lessons)\//;
/** The contracts between views and the rest: the page's view models, and the lesson panel's. */
const CONTRACTS = ['ui/model.ts', 'ui/model-page.ts', 'ui/model-verdict.ts', 'ui/lesson-model.ts'];
const isCore = (f: string) => CORE.test(f) || f === 'limits.ts';

describe('import graph of the page', () => {
  it('finds the page and its imports', () => {
    expect(files.filter((f) => f.startsWith('ui/views/')).length).toBeGreaterThan(5);
    expect(graph.get('ui/app.ts')?.length).toBeGreaterThan(5);
  });

  it('views import only other views, the contract (model.ts) and packages', () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      if (!f.startsWith('ui/views/')) continue;
      for (const d of deps) if (!(d.startsWith('ui/views/') || CONTRACTS.includes(d) || d.startsWith('pkg:'))) bad.push(`${f} -> ${d}`);
    }
    expect(bad).toEqual([]);
  });

  it('only the bridge (and the parameter table, for value lists) imports the core', () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      if (!f.startsWith('ui/') || f.startsWith('ui/bridge/') || f === 'ui/state/params.ts') continue;
      for (const d of deps) if (isCore(d) || d.startsWith('gpu/')) bad.push(`${f} -> ${d}`);
    }
    expect(bad).toEqual([]);
  });

  it('the state imports neither the bridge nor the DOM-side app', () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      if (!f.startsWith('ui/state/')) continue;
      for (const d of deps) if (d.startsWith('ui/bridge/') || d === 'ui/app.ts' || (d.startsWith('ui/views/') && d !== 'ui/views/registry.ts')) bad.push(`${f} -> ${d}`);
    }
    expect(bad).toEqual([]);
  });

  it('the contract imports nothing (but its own other files), and the core imports nothing of the page', () => {
    for (const c of CONTRACTS) expect((graph.get(c) ?? []).filter((d) => !CONTRACTS.includes(d)), c).toEqual([]);
    const bad: string[] = [];
    for (const [f, deps] of graph) if (isCore(f)) for (const d of deps) if (d.startsWith('ui/') || d.startsWith('cli/')) bad.push(`${f} -> ${d}`);
    expect(bad).toEqual([]);
  });

  it('no import circles in src/ui', () => {
    const ui = [...graph.keys()].filter((f) => f.startsWith('ui/'));
    const state = new Map<string, 0 | 1 | 2>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      state.set(f, 1);
      for (const d of graph.get(f) ?? []) {
        if (!d.startsWith('ui/')) continue;
        if (state.get(d) === 1) cycles.push([...path.slice(path.indexOf(d)), d].join(' -> '));
        else if (!state.get(d)) visit(d, [...path, d]);
      }
      state.set(f, 2);
    };
    for (const f of ui) if (!state.get(f)) visit(f, [f]);
    expect(cycles).toEqual([]);
  });

  it('no file of the page is over 300 lines', () => {
    const long = files.filter((f) => f.startsWith('ui/')).map((f) => [f, readFileSync(join(SRC, f), 'utf8').split('\n').length] as const).filter(([, n]) => n > 300);
    expect(long).toEqual([]);
  });
});
