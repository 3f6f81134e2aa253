// Shared steps of scripts/test.mjs, scripts/checks.mjs and scripts/e2e.mjs: run the local tool binaries
// (or an npm script) with output streamed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(label, command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('error', (err) => {
      console.error(`[test] could not start ${label}: ${err.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Runs node_modules/.bin/<tool> in the repo root with inherited stdio; resolves to its exit code. */
export function runTool(tool, args, env = {}) {
  return run(tool, `${ROOT}node_modules/.bin/${tool}`, args, env);
}

/** Runs `npm run <script>` in the repo root with inherited stdio; resolves to its exit code. */
export function runNpmScript(script, env = {}) {
  // Under npm (npm test) npm_execpath is npm's own CLI, which needs no PATH lookup; run by hand, npm is on PATH.
  const npmCli = process.env.npm_execpath;
  const args = ['run', '--silent', script];
  return npmCli ? run(`npm run ${script}`, process.execPath, [npmCli, ...args], env) : run(`npm run ${script}`, 'npm', args, env);
}

export function banner(text) {
  console.log(`\n=== ${text} ===`);
}
