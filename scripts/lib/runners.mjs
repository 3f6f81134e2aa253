// Shared steps of scripts/test.mjs and scripts/e2e.mjs: run the local tool binaries with output streamed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs node_modules/.bin/<tool> in the repo root with inherited stdio; resolves to its exit code. */
export function runTool(tool, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(`${ROOT}node_modules/.bin/${tool}`, args, {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('error', (err) => {
      console.error(`[test] could not start ${tool}: ${err.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export function banner(text) {
  console.log(`\n=== ${text} ===`);
}
