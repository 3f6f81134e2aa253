// Loads one of the app's TypeScript modules from a Node script, through Vite's module runner, so
// scripts share the engine's code instead of keeping JavaScript copies of it.
import { runnerImport } from 'vite';
import { ROOT } from './runners.mjs';

export async function importTs(path) {
  const { module } = await runnerImport(`${ROOT}${path}`, { root: ROOT, configFile: false, logLevel: 'error' });
  return module;
}
