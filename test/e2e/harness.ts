/**
 * Shared by the e2e tests and bench/ui.bench.ts: a Vite dev server on 127.0.0.1 (port 0) and the
 * system's Debian Chromium, headless, with the WebGPU flags of
 * a software-Vulkan (lavapipe) Linux setup (see scripts/install-system-deps.sh). Never downloads a browser.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build, createServer, type PreviewServer, preview, type ViteDevServer } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

export const ROOT = resolve(import.meta.dirname, '../..');
export const SHOTS = join(ROOT, 'artifacts', 'screenshots');

export interface Harness {
  readonly server: ViteDevServer | PreviewServer;
  readonly baseUrl: string;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and page errors seen so far (the tests assert there are none). */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/** Serve the production build (`vite build` into a temp dir, then `vite preview`): what users get. */
async function builtServer(cacheDir: string): Promise<PreviewServer> {
  const outDir = join(cacheDir, 'dist');
  const common = { root: ROOT, configFile: join(ROOT, 'vite.config.ts'), cacheDir, logLevel: 'error' as const, clearScreen: false };
  await build({ ...common, build: { outDir, emptyOutDir: true } });
  return preview({ ...common, build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
}

/** `built`: serve the production build instead of the dev server (performance measurements). */
export async function startHarness(viewport = { width: 1280, height: 800 }, opts: { built?: boolean } = {}): Promise<Harness> {
  // A fresh dependency cache each run, as on a CI machine; uplot is pre-bundled at start so the
  // first page load never triggers Vite's "new dependencies optimized, reloading".
  const cacheDir = mkdtempSync(join(tmpdir(), 'kvpool-e2e-vite-'));
  let server: ViteDevServer | PreviewServer;
  if (opts.built) server = await builtServer(cacheDir);
  else {
    const dev = await createServer({
      root: ROOT,
      configFile: join(ROOT, 'vite.config.ts'),
      cacheDir,
      optimizeDeps: { include: ['uplot'] },
      logLevel: 'error',
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, open: false },
      clearScreen: false,
    });
    await dev.listen();
    server = dev;
  }
  const addr = server.httpServer?.address();
  if (!addr || typeof addr === 'string') throw new Error('vite did not bind a TCP port');
  const baseUrl = `http://127.0.0.1:${addr.port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}${process.env.E2E_STACKS ? `\n${e.stack}` : ''}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
  mkdirSync(SHOTS, { recursive: true });
  return {
    server,
    baseUrl,
    browser,
    context,
    page,
    pageErrors,
    async close() {
      await browser.close();
      await server.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

export async function shot(page: Page, name: string): Promise<string> {
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
