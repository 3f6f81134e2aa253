// mapstream's service worker. Two jobs, both for same-origin GET requests only:
// 1. Add COOP/COEP headers, so the page is cross-origin isolated (SharedArrayBuffer, one shared copy
//    of the data for every Worker) even on static hosts that cannot set headers.
// 2. Keep a copy of the app shell and assets, so a reload with the network off still opens the app.
// It never sees user data: files are read locally and never fetched, and other origins pass through.
const CACHE = 'mapstream-shell-v1';

self.addEventListener('install', () => self.skipWaiting());
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
