// The import rules of mapstream's layers (npm run deps). Each rule names the layers it keeps apart.
//
//   src/ui  ->  src/jobs  ->  src/engine, src/io, src/gpu, src/cluster, src/export, src/share
//   workers/*.ts are thin Comlink shims and may import anything in src/; nothing in src/ imports them
//   (src/jobs starts them with `new Worker(new URL('../../workers/x.ts', import.meta.url))`, which is
//   not an import and is not counted here).
//   bench/, test/, e2e/ and scripts/ never ship, so shipped code (src/, workers/) never imports them.

// TypeScript 7 has no JS API, so dependency-cruiser parses with swc. dependency-cruiser 17 (the last
// major that runs on Node 20) never turns on swc's `tsx` option, so every .tsx file fails to parse
// (upstream issue #1081, fixed in 18.x, which needs Node 22). Until the project moves to Node 22, give
// .tsx files that option here: dependency-cruiser calls parseFileSync on this same module object.
const swc = require('@swc/core');
const parseFileSync = swc.parseFileSync;
swc.parseFileSync = (path, options) => parseFileSync(path, /\.tsx$/.test(path) ? { ...options, tsx: true } : options);

const LOWER = 'src/(engine|io|gpu|cluster|export|share)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles anywhere: a cycle makes module order matter and hides which layer owns what.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every relative import resolves to a file (also proves the checker itself resolves .ts/.tsx imports).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'src-not-to-workers',
      comment: 'workers/ are entry points over protocol files in src/; src/ starts them by URL, never imports them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^workers/' },
    },
    {
      name: 'ui-not-to-engine-cluster-gpu',
      comment: 'The UI reaches the engine, the clusterer and the GPU only through src/jobs/ (e.g. src/jobs/engine-api.ts).',
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: '^src/(engine|cluster|gpu)/' },
    },
    {
      name: 'engine-self-contained',
      comment: 'src/engine/ runs in Node, Workers and pages alike: it imports nothing outside itself, npm packages and Node built-ins included.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { pathNot: '^src/engine/' },
    },
    {
      name: 'lower-layers-not-to-ui',
      comment: 'Layers run down: src/jobs/ and the layers under it never import src/ui/.',
      severity: 'error',
      from: { path: `^(src/jobs/|${LOWER})` },
      to: { path: '^src/ui/' },
    },
    {
      name: 'lower-layers-not-to-jobs',
      comment: 'Layers run down: engine, io, gpu, cluster, export and share never import src/jobs/.',
      severity: 'error',
      from: { path: `^${LOWER}` },
      to: { path: '^src/jobs/' },
    },
    {
      name: 'shipped-not-to-dev-code',
      comment: 'bench/, test/, e2e/ and scripts/ never ship: nothing in src/ or workers/ imports them.',
      severity: 'error',
      from: { path: '^(src|workers)/' },
      to: { path: '^(bench|test|e2e|scripts)/' },
    },
    {
      name: 'testing-only-from-main',
      comment: 'src/testing/ (the test hooks) is loaded only in test mode, by src/main.tsx; any other importer would ship it.',
      severity: 'error',
      from: { pathNot: '^(src/main[.]tsx|src/testing/)' },
      to: { path: '^src/testing/' },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|test-results|e2e/fixtures/bad)/' },
    // No tsConfig: reading it needs the TypeScript JS API, and the project has no path aliases anyway.
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.mts', '.mjs', '.js', '.d.mts', '.json'],
      // dependency-cruiser ignores package.json "exports" unless told to; vite's only entry is there.
      exportsFields: ['exports'],
      conditionNames: ['import', 'browser', 'require', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
