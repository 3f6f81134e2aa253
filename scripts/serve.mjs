#!/usr/bin/env node
// Serves the built app: node scripts/serve.mjs [--root dist] [--base /x/] [--no-isolate] [--port N] [--vary HEADER]
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './lib/static-server.mjs';

const argv = process.argv.slice(2);
const opts = { root: fileURLToPath(new URL('../dist', import.meta.url)), basePath: '/', isolate: true, port: 0 };
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--base') opts.basePath = argv[++i];
  else if (arg === '--root') opts.root = argv[++i];
  else if (arg === '--port') opts.port = Number(argv[++i]);
  else if (arg === '--no-isolate') opts.isolate = false;
  else if (arg === '--vary') opts.vary = argv[++i];
  else {
    console.error(`Unknown argument ${arg}\nUsage: node scripts/serve.mjs [--root dist] [--base /x/] [--no-isolate] [--port N] [--vary HEADER]`);
    process.exit(2);
  }
}

const server = await startStaticServer(opts);
console.log(`Serving ${opts.root} at ${server.url} (${opts.isolate ? 'cross-origin isolated' : 'not isolated'})`);
const stop = () => server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
