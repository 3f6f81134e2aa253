// Finds (or, as root on Debian, installs) a system Chromium. We never download Playwright's own browser
// builds: the target machines only reach the npm registry and Debian apt.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

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

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const onPath = (cmd) => (process.env.PATH ?? '').split(':').some((dir) => dir && isExecutable(`${dir}/${cmd}`));

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
    relay(child.stdout, process.stderr); // stderr: stdout may carry a tool's results (the bench's JSON lines)
    relay(child.stderr, process.stderr);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

const NOT_FOUND = "No Chromium found. Install Debian's chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH=/path/to/chrome";

/** The env override (which must exist) or the first well-known path; null when there is none. */
function locate() {
  const fromEnv = process.env.CHROMIUM_PATH || process.env.CHROME_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH/CHROME_PATH is set to ${fromEnv}, which is not an executable file.`);
  }
  return CANDIDATES.find(isExecutable) ?? null;
}

/** Never installs: for config files that must resolve synchronously. */
export function findChromiumSync() {
  const path = locate();
  if (!path) throw new Error(NOT_FOUND);
  return path;
}

export async function findChromium() {
  const path = locate();
  if (path) return path;
  if (process.getuid?.() === 0 && onPath('apt-get')) {
    console.error('[chromium] not found; installing Debian chromium with apt-get');
    await runPrefixed('apt-get update && apt-get install -y chromium', '[apt] ');
    if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
    throw new Error(`apt-get finished but /usr/bin/chromium is missing. ${NOT_FOUND}`);
  }
  throw new Error(NOT_FOUND);
}

export async function launchChromium(opts = {}) {
  const { chromium } = await import('playwright-core');
  const executablePath = await findChromium();
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, ...opts });
}
