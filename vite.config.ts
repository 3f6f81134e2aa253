/// <reference types="vitest/config" />
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';
import pkg from './package.json' with { type: 'json' };

// COOP/COEP make the page cross-origin isolated, which unlocks SharedArrayBuffer for the Worker pool.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Files of public/ the app loads: its icon and the digits demo (src/jobs/load-source.ts,
// src/ui/store/page-actions.ts). The rest of public/demo/ is for tests and people, not the app.
const PUBLIC_PRECACHE = ['favicon.svg', 'demo/digits/digits.npy', 'demo/digits/digits.labels.npy'];
const SW_PLACEHOLDER = "const BUILD = { version: 'dev', files: [] };";

/** Every file under `dir`, as paths relative to `root` with forward slashes (URL form). */
async function filesUnder(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(root, resolve(e.parentPath, e.name)).split(sep).join('/'));
}

/**
 * Writes into dist/sw.js the list of every file the app may load (entry, styles, lazy chunks, every
 * Worker script with its chunks, wasm, index.html, the demo data), for the service worker to cache
 * at install. Without it a Worker the page had not started yet was missing offline. The test hooks'
 * chunk is listed too (1 kB): only pages opened for tests load it, and those must work offline as well.
 * The bundle's own list is joined with everything in the assets folder: a Worker's chunks and wasm
 * are emitted by its own sub-build, and a file any of them fetches must not depend on which list
 * Vite happened to report it in. A Worker someone adds later is picked up with no change here.
 */
function precacheManifest(): Plugin {
  let outDir = '';
  let assetsDir = '';
  let built: string[] = [];
  return {
    name: 'mapstream-precache',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      assetsDir = resolve(outDir, config.build.assetsDir);
    },
    writeBundle(_options, bundle) {
      built = Object.values(bundle)
        .filter((f) => !f.fileName.endsWith('.map'))
        .map((f) => f.fileName);
    },
    // After public/ (and so sw.js) has been copied into dist/.
    async closeBundle() {
      // A build that failed wrote nothing: leave its own error to be seen.
      if (built.length === 0) return;
      const assets = (await filesUnder(outDir, assetsDir)).filter((f) => !f.endsWith('.map'));
      const files = [...new Set([...built, ...assets, ...PUBLIC_PRECACHE])].sort();
      const hash = createHash('sha256');
      for (const f of files) {
        // A file named here but missing from dist/ fails the build, not the service worker's install.
        hash.update(f).update(await readFile(resolve(outDir, f)));
      }
      const swPath = resolve(outDir, 'sw.js');
      const sw = await readFile(swPath, 'utf8');
      if (!sw.includes(SW_PLACEHOLDER)) throw new Error(`mapstream-precache: ${swPath} lacks the line ${SW_PLACEHOLDER}`);
      const build = { version: hash.digest('hex').slice(0, 16), files };
      await writeFile(swPath, sw.replace(SW_PLACEHOLDER, `const BUILD = ${JSON.stringify(build)};`));
    },
  };
}

export default defineConfig({
  // Relative base so dist/ works from any static host under any sub-path.
  base: './',
  plugins: [solid(), precacheManifest()],
  // The app's version, written into every export's reproducibility record.
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
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
