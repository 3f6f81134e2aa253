import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { isolationHeaders } from '../vite.config';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

// The bench page (npm run bench) and the WebGPU test page (e2e/webgpu-*.spec.ts), built apart from
// the app into dist-bench/: `npx vite build --config bench/vite.config.ts`. Same Worker format and
// isolation headers as the app, since both pages run the app's own job path.
export default defineConfig({
  root: here,
  base: './',
  // Nothing from public/ is needed: the pages get their data from the script or spec that drives them.
  publicDir: false,
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: `${repo}dist-bench`,
    emptyOutDir: true,
    rollupOptions: {
      input: { bench: `${here}bench.html`, gpuTest: `${here}gpu-test.html` },
    },
  },
  // The pages import the app's src/ and node_modules/ from the repository root, above this root.
  server: { headers: isolationHeaders, fs: { allow: [repo] } },
  preview: { headers: isolationHeaders },
});
