import { render } from 'solid-js/web';
import { App } from './ui/App';
import { registerServiceWorker } from './app/service-worker';
import { createAppStores, StoreProvider } from './ui/store';
import './ui/app.css';
import { restrictConnections } from './share/csp';

// Before anything connects: the page may reach its own origin and a linked dataset's, nothing else.
restrictConnections(location.search);

/** Read once at startup: a page opened for tests (either switch) gets the test hooks. */
function openedForTests(): boolean {
  if (new URLSearchParams(location.search).get('test') === '1') return true;
  try {
    return localStorage.getItem('mapstream.test') === '1';
  } catch {
    // Storage can be off (privacy settings); such a page is not a test page.
    return false;
  }
}

async function start(root: HTMLElement): Promise<void> {
  // Awaited before the stores exist, so the hooks are in place before any job or read can finish.
  const testing = openedForTests() ? await import('./testing/test-hooks') : null;
  render(() => {
    const stores = createAppStores();
    testing?.installTestHooks(stores);
    return (
      <StoreProvider stores={stores}>
        <App />
      </StoreProvider>
    );
  }, root);
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html is missing #root');
void start(root);
if (import.meta.env.PROD) void registerServiceWorker();
