// mapstream's service worker. Two jobs, both for same-origin GET requests only:
// 1. Add COOP/COEP headers, so the page is cross-origin isolated (SharedArrayBuffer, one shared copy
//    of the data for every Worker) even on static hosts that cannot set headers.
// 2. Keep a copy of the app shell and assets, so a reload with the network off still opens the app.
// It never sees user data: files are read locally and never fetched, and other origins pass through.
const CACHE = 'mapstream-shell-v1';

self.addEventListener('install', () => self.skipWaiting());

// 3. The page lists what it loaded before this worker controlled it (the entry script, styles,
//    icons: their names are content hashes the worker cannot know); they are cached here, so the
//    first visit is enough for a reload with the network off to open the app.
self.addEventListener('message', (event) => {
  const msg = event.data;
  if (!msg || msg.type !== 'cache-shell' || !Array.isArray(msg.urls)) return;
  event.waitUntil(cacheShell(msg.urls));
});

async function cacheShell(urls) {
  const cache = await caches.open(CACHE);
  await Promise.all(
    urls
      .filter((u) => typeof u === 'string' && new URL(u).origin === self.location.origin)
      .map(async (u) => {
        if (await cache.match(u)) return;
        try {
          const res = await fetch(u, { credentials: 'same-origin' });
          if (res.ok && res.type === 'basic') await cache.put(u, res);
        } catch {
          // Offline already, or gone: the network-first handler will try again on the next load.
        }
      }),
  );
}
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

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
    const hit = await cache.match(req, { ignoreSearch: req.mode === 'navigate' });
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
