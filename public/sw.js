// mapstream's service worker. Two jobs, both for same-origin GET requests only:
// 1. Add COOP/COEP headers, so the page is cross-origin isolated (SharedArrayBuffer, one shared copy
//    of the data for every Worker) even on static hosts that cannot set headers.
// 2. Keep a copy of the whole app, so a reload with the network off opens it and everything in it
//    works: every Worker script, not only those the page happened to start while online.
// It never sees user data: files are read locally and never fetched, and other origins pass through.

// Filled in by the build (the precache plugin in vite.config.ts): every file the app may load, as
// URLs relative to this script, so it works under any sub-path, and a version that changes with
// their contents. A new build thus changes this file, which makes the browser install it again.
const BUILD = { version: 'dev', files: [] };
const CACHE = `mapstream-${BUILD.version}`;

self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(precache());
});

// All or nothing, like a failed install: a worker that claims the app offline must hold all of it.
// If a file fails (network dropped mid-install) the install fails and the browser tries again on
// the next visit; the page still runs meanwhile, only without this worker.
async function precache() {
  const cache = await caches.open(CACHE);
  await Promise.all(
    BUILD.files.map(async (file) => {
      const url = new URL(file, self.location.href).href;
      const res = await fetch(url, { credentials: 'same-origin', cache: 'no-cache' });
      if (!res.ok) throw new Error(`precache: ${url} answered HTTP ${res.status}`);
      await cache.put(url, res);
    }),
  );
}

// Older builds' caches go: their hashed files are no longer referenced by the app now served.
self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith('mapstream-') && n !== CACHE).map((n) => caches.delete(n)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  // Opting out of isolation (used to exercise the transferred-chunks Worker mode).
  if (new URL(req.url).searchParams.get('coi') === '0') return;
  event.respondWith(networkFirst(req));
});

async function networkFirst(req) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok && res.type === 'basic') cache.put(req, res.clone()).catch(() => {});
    return isolate(res);
  } catch (err) {
    // ignoreVary: hosts such as `vite preview` send `Vary: Origin`, and the request stored (this
    // worker's own precache fetch) need not carry the Origin header the asking one does, so a match
    // that honours Vary misses. Every navigation in scope is the app itself: index.html answers it.
    const navigate = req.mode === 'navigate';
    const hit = (await cache.match(req, { ignoreVary: true, ignoreSearch: navigate })) ?? (navigate ? await cache.match(new URL('index.html', self.location.href).href, { ignoreVary: true }) : undefined);
    if (hit) return isolate(hit);
    throw err;
  }
}

function isolate(res) {
  if (res.status === 0 || res.type === 'opaque') return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
