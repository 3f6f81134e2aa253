/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// COOP/COEP make the page cross-origin isolated, which unlocks SharedArrayBuffer for the Worker pool.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative base so dist/ works from any static host under any sub-path.
  base: './',
  plugins: [solid()],
  worker: { format: 'es' },
  // Only the app: the bench and GPU test pages are built apart (bench/vite.config.ts into dist-bench/),
  // so nothing shipped holds test or bench code.
  build: {
    target: 'es2022',
    outDir: 'dist',
    rollupOptions: {
      input: { main: 'index.html' },
    },
  },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
  },
});
