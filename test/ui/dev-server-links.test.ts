import { resolve } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/limits.ts';
import { parseUrlState } from '../../src/ui/state/codec.ts';

// `npm start` is vite with vite.config.ts: links up to the app's own limit must not get HTTP 431.
let server: ViteDevServer;
let base = '';
beforeAll(async () => {
  server = await createServer({ configFile: resolve(__dirname, '../../vite.config.ts'), server: { port: 0, host: '127.0.0.1' }, logLevel: 'silent' });
  await server.listen();
  const addr = server.httpServer?.address();
  base = typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}/` : '';
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('the dev server and the app agree on the longest link', () => {
  it('a link at the limit is served and parsed; one past it is refused by the app with one problem', async () => {
    const text = 'A'.repeat(60_000);
    const search = `?scenario=custom&cfg=${text}&reqs=${text}`;
    const pad = 'x'.repeat(LIMITS.urlChars.max - search.length - '&pad='.length);
    const atLimit = `${search}&pad=${pad}`;
    expect(atLimit.length).toBe(LIMITS.urlChars.max);
    const res = await fetch(`${base}${atLimit}`);
    expect(res.status).toBe(200);
    await res.text();
    expect(parseUrlState(atLimit).state.config).toBe(text);
    const over = parseUrlState(`${atLimit}x`);
    expect(over.problems.map((p) => p.param)).toEqual(['link']);
  });
});
