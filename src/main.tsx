import { render } from 'solid-js/web';
import { App } from './ui/App';
import { registerServiceWorker } from './app/service-worker';
import './ui/app.css';
import { restrictConnections } from './share/csp';

// Before anything connects: the page may reach its own origin and a linked dataset's, nothing else.
restrictConnections(location.search);

const root = document.getElementById('root');
if (!root) throw new Error('index.html is missing #root');
render(() => <App />, root);
if (import.meta.env.PROD) void registerServiceWorker();
