import { defineConfig } from 'vitest/config';

// One config for the dev server, the build and the three test projects:
//  unit  pure core + CLI (fast, parallel)
//  gpu   WGSL kernels on a real WebGPU adapter (npm `webgpu` + lavapipe); one file at a time,
//        because the software driver already uses every core
//  e2e   the built page in headless Debian Chromium driven by playwright-core
export default defineConfig({
  base: './',
  server: { host: '127.0.0.1' },
  build: { target: 'es2022', outDir: 'dist' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/gpu/**', 'test/e2e/**'],
          environment: 'node',
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
