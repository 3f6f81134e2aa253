import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** A static host for dist/ run as its own process, as a user would start it. */
export interface HostProcess {
  /** The app's URL (under the sub-path), as the host printed it. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `node args…` in the repository root and resolves once its output names a URL ending in
 * `basePath`. A process that exits first, or prints no URL within `timeoutMs`, rejects with what it
 * printed, so a host that fails to start says why.
 */
function startHost(args: string[], basePath: string, timeoutMs = 30_000): Promise<HostProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  let output = '';
  return new Promise<HostProcess>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no URL from \`node ${args.join(' ')}\` within ${timeoutMs} ms; it printed:\n${output}`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // ANSI colours stripped: vite prints its URL in colour when it thinks it may.
      const plain = output.replace(ANSI, '');
      const match = plain.match(new RegExp(`https?://[^\\s]+${basePath.replace(/[/]/g, '\\/')}`));
      if (!match) return;
      clearTimeout(timer);
      resolve({ url: match[0], stop: () => stop(child) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`\`node ${args.join(' ')}\` exited (${code}) before serving; it printed:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    child.removeAllListeners('exit');
    child.once('exit', () => ok());
    child.kill('SIGTERM');
  });
}

/** `vite preview` (what `npm run preview` runs) over dist/, under `basePath`; it sends `Vary: Origin`. */
export function vitePreview(basePath: string): Promise<HostProcess> {
  return startHost(['node_modules/vite/bin/vite.js', 'preview', '--base', basePath, '--host', '127.0.0.1', '--port', '0'], basePath);
}

/** scripts/serve.mjs over `root` (dist/ by default), under `basePath`, with its own flags. */
export function serveScript(basePath: string, flags: string[] = []): Promise<HostProcess> {
  return startHost(['scripts/serve.mjs', '--base', basePath, '--port', '0', ...flags], basePath);
}
