/** package.json's version, set by vite.config.ts's `define` (absent under vitest and the bench build). */
declare const __APP_VERSION__: string | undefined;
