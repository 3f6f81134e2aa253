// Finds (or, as root on Debian, installs) a system Chromium. We never download Playwright's own browser
// builds: the target machines only reach the npm registry and Debian apt.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { access } from 'node:fs/promises';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

// Headless-safe flags; --enable-unsafe-webgpu lets WebGPU run on SwiftShader where there is no GPU.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

async function isExecutable(path) {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && (await isExecutable(`${dir}/${cmd}`))) return true;
  }
  return false;
}

function runPrefixed(command, prefix) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const relay = (stream, out) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) out.write(`${prefix}${line}\n`);
      });
      stream.on('end', () => rest && out.write(`${prefix}${rest}\n`));
    };
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

const NOT_FOUND =
  'No Chromium found. Install Debian\'s chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH=/path/to/chrome';

/** Env or well-known paths only, never installs: for config files that must resolve synchronously. */
export function findChromiumSync() {
  const fromEnv = process.env.CHROMIUM_PATH || process.env.CHROME_PATH;
  if (fromEnv) return fromEnv;
  for (const path of CANDIDATES) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // try the next one
    }
  }
  throw new Error(NOT_FOUND);
}

export async function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH || process.env.CHROME_PATH;
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH/CHROME_PATH is set to ${fromEnv}, which is not an executable file.`);
  }
  for (const path of CANDIDATES) if (await isExecutable(path)) return path;

  if (process.getuid?.() === 0 && (await onPath('apt-get'))) {
    console.log('[chromium] not found; installing Debian chromium with apt-get');
    await runPrefixed('apt-get update && apt-get install -y chromium', '[apt] ');
    if (await isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
    throw new Error(`apt-get finished but /usr/bin/chromium is missing. ${NOT_FOUND}`);
  }
  throw new Error(NOT_FOUND);
}

export async function launchChromium(opts = {}) {
  const { chromium } = await import('playwright-core');
  const executablePath = await findChromium();
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, ...opts });
}
