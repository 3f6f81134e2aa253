import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Fails fast with one clear message instead of every spec timing out on a 404.
export default function globalSetup(): void {
  const index = fileURLToPath(new URL('../dist/index.html', import.meta.url));
  if (!existsSync(index)) {
    throw new Error(`${index} is missing: build the app first (npm run build), or run npm test / npm run test:e2e.`);
  }
}
