/**
 * Register the service worker (isolation headers, and the whole app cached at install for offline
 * use). When the host did not make the page cross-origin isolated, reload once under the worker's
 * control so it is; if isolation still fails, the app runs in transfer mode. `?coi=0` opts out, to
 * use or test transfer mode on purpose.
 */
export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const optOut = new URL(location.href).searchParams.get('coi') === '0';
  if (optOut) return;
  try {
    const reg = await navigator.serviceWorker.register('./sw.js', { scope: './' });
    await navigator.serviceWorker.ready;
    const key = 'mapstream.coi-reload';
    if (!crossOriginIsolated && reg.active && !sessionStorage.getItem(key)) {
      sessionStorage.setItem(key, '1');
      if (navigator.serviceWorker.controller) location.reload();
      else navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    }
  } catch {
    // No service worker (private mode, file://): the app still works, online and in transfer mode.
  }
}
