import type { Server } from 'node:http';
import { defineConfig, type Plugin } from 'vitest/config';
import { DEV_SERVER_HEADER_BYTES } from './src/limits.ts';

/**
 * Node's HTTP server refuses request headers over 16 KiB (HTTP 431), but the page's links carry
 * pasted configs and traces up to the limits table's link length. Node reads `maxHeaderSize` per
 * connection, so raising it on the server Vite created makes `npm start` / `vite preview` agree
 * with the app (src/limits.ts: urlChars).
 */
const longLinks = (): Plugin => {
  const raise = (s: { httpServer: unknown }) => {
    // Typed read-only in @types/node, but a plain property Node reads per connection.
    if (s.httpServer) (s.httpServer as Server & { maxHeaderSize: number }).maxHeaderSize = DEV_SERVER_HEADER_BYTES;
  };
  return { name: 'kvpool-long-links', configureServer: raise, configurePreviewServer: raise };
};

// One config for the dev server, the build and the three test projects:
//  unit  pure core + CLI (fast, parallel)
//  gpu   WGSL kernels on a real WebGPU adapter (npm `webgpu` + lavapipe); one file at a time,
//        because the software driver already uses every core
//  e2e   the built page in headless Debian Chromium driven by playwright-core
export default defineConfig({
  base: './',
  plugins: [longLinks()],
  server: { host: '127.0.0.1' },
  build: { target: 'es2022', outDir: 'dist' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/gpu/**', 'test/e2e/**', 'test/fuzz/**'],
          environment: 'node',
        },
      },
      {
        // Reproductions and the fuzz suite: every input in a child process with a 10 s time-out,
        // one file at a time so the time-outs measure the input, not the other test files.
        extends: true,
        test: {
          name: 'fuzz',
          include: ['test/fuzz/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'gpu',
          include: ['test/gpu/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          // Generous: a cold compile on a shared 2-core machine can take a minute.
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
