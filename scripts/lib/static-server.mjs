// A tiny static server for dist/, mounted under a sub-path so tests catch absolute URLs that only work at
// the site root. Cross-origin isolation headers are switchable so both SharedArrayBuffer and
// transferred-chunk modes can be exercised. `vary` adds a Vary header to every response, as some hosts
// do (`vite preview` sends `Vary: Origin`), to check the service worker's cache still answers.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.npy': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function normaliseBase(basePath) {
  let base = basePath.startsWith('/') ? basePath : `/${basePath}`;
  if (!base.endsWith('/')) base += '/';
  return base;
}

export async function startStaticServer({ root, basePath = '/', isolate = true, port = 0, vary = null } = {}) {
  if (!root) throw new Error('startStaticServer: root is required');
  const rootDir = resolve(root);
  const base = normaliseBase(basePath);
  const requests = [];

  const server = createServer((req, res) => {
    let bodyLength = 0;
    req.on('data', (chunk) => (bodyLength += chunk.length));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, bodyLength });
      respond(req, res).catch((err) => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(err));
      });
    });
  });

  async function respond(req, res) {
    const headers = { 'Cache-Control': 'no-store', ...(isolate ? ISOLATION_HEADERS : {}), ...(vary ? { Vary: vary } : {}) };
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method Not Allowed');

    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'Bad Request');
    }
    if (`${pathname}/` === base) {
      res.writeHead(301, { ...headers, Location: base });
      return res.end();
    }
    if (!pathname.startsWith(base)) return send(404, 'Not Found');

    let file = join(rootDir, pathname.slice(base.length));
    if (file !== rootDir && !file.startsWith(rootDir + sep)) return send(403, 'Forbidden');
    let info = await stat(file).catch(() => null);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile()) return send(404, 'Not Found');

    res.writeHead(200, {
      ...headers,
      'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': info.size,
    });
    if (req.method === 'HEAD') return res.end();
    // Streamed, not read whole: the bench serves .npy files past readFile's 2 GiB limit (1M × 768 is 3 GB).
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const boundPort = server.address().port;
  const origin = `http://127.0.0.1:${boundPort}`;
  return {
    url: `${origin}${base}`,
    origin,
    port: boundPort,
    requests,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}
