#!/usr/bin/env node
// The engine's WebGPU path in Node, without a browser (npm package `webgpu`, i.e. Dawn).
//
//   node scripts/gpu-node-bench.mjs [--n 100000] [--d 768] [--metric euclidean] [--epochs N] [--sample 1000]
//   node scripts/gpu-node-bench.mjs --build-only          # just write .gpu-run/ (to copy to a GPU machine)
//   node .gpu-run/node-bench.mjs --n 100000 --d 768      # run the bundle, anywhere with Node ≥ 20
//
// It bundles bench/gpu/node-bench.ts (engine included) into .gpu-run/node-bench.mjs and copies the
// `webgpu` package's loader and its linux-x64 dawn.node beside it, so the folder runs without
// node_modules. Dawn needs a Vulkan loader (libvulkan.so.1) and a driver ICD; .gpu-run/run.sh adds a
// bundled loader when the system has none. With no hardware driver, VK_ICD_FILENAMES may point at
// Chromium's SwiftShader (/usr/lib/chromium/vk_swiftshader_icd.json) to try it on the CPU.
import { build } from 'vite';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync, copyFileSync, chmodSync, readFileSync, realpathSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, '.gpu-run');
const args = process.argv.slice(2);
const buildOnly = args.includes('--build-only');
// --with-node packs this Node (gzipped) and libstdc++ too, for machines that have no Node at all.
const withNode = args.includes('--with-node');
const passArgs = args.filter((x) => x !== '--build-only' && x !== '--with-node');

rmSync(outDir, { recursive: true, force: true });
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  publicDir: false,
  build: {
    ssr: 'bench/gpu/node-bench.ts',
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { external: ['webgpu'], output: { entryFileNames: 'node-bench.mjs', format: 'es' } },
  },
  ssr: { noExternal: true, external: ['webgpu'] },
});

const pkg = join(root, 'node_modules', 'webgpu');
const dst = join(outDir, 'node_modules', 'webgpu');
mkdirSync(join(dst, 'dist', 'linux-x64'), { recursive: true });
for (const f of ['index.js', 'package.json', 'LICENSE.md']) if (existsSync(join(pkg, f))) copyFileSync(join(pkg, f), join(dst, f));
cpSync(join(pkg, 'dist', 'linux-x64'), join(dst, 'dist', 'linux-x64'), { recursive: true });

// A Vulkan loader to fall back on, for machines whose driver ships an ICD but no loader.
for (const lib of ['/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/x86_64-linux-gnu/libvulkan.so.1']) {
  if (existsSync(lib)) {
    mkdirSync(join(outDir, 'lib'), { recursive: true });
    copyFileSync(lib, join(outDir, 'lib', 'libvulkan.so.1'));
    break;
  }
}
if (withNode) {
  mkdirSync(join(outDir, 'bin'), { recursive: true });
  writeFileSync(join(outDir, 'bin', 'node.gz'), gzipSync(readFileSync(realpathSync(process.execPath)), { level: 6 }));
  for (const lib of ['/lib/x86_64-linux-gnu/libstdc++.so.6', '/usr/lib/x86_64-linux-gnu/libstdc++.so.6']) {
    if (existsSync(lib)) {
      mkdirSync(join(outDir, 'lib-cxx'), { recursive: true });
      copyFileSync(realpathSync(lib), join(outDir, 'lib-cxx', 'libstdc++.so.6'));
      break;
    }
  }
}
writeFileSync(
  join(outDir, 'run.sh'),
  `#!/bin/sh
# Runs the bundled WebGPU bench; adds the bundled Vulkan loader (and Node) only where the system has none.
here=$(cd "$(dirname "$0")" && pwd)
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then export LD_LIBRARY_PATH="$here/lib\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
NODE=$(command -v node)
if [ -z "$NODE" ] && [ -f "$here/bin/node.gz" ]; then
  NODE=\${TMPDIR:-/tmp}/mapstream-node
  [ -x "$NODE" ] || { gunzip -c "$here/bin/node.gz" > "$NODE" && chmod +x "$NODE"; }
  if ! ldconfig -p 2>/dev/null | grep -q 'libstdc++.so.6 '; then export LD_LIBRARY_PATH="$here/lib-cxx\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
fi
exec "\${NODE:-node}" "$here/node-bench.mjs" "$@"
`,
);
chmodSync(join(outDir, 'run.sh'), 0o755);
console.error(`gpu-node-bench: bundle written to ${outDir}`);
if (!buildOnly) {
  const r = spawnSync(join(outDir, 'run.sh'), passArgs, { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
