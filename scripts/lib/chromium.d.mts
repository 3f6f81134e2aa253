import type { Browser, LaunchOptions } from 'playwright-core';

export const CHROMIUM_ARGS: string[];
export function findChromium(): Promise<string>;
export function findChromiumSync(): string;
export function launchChromium(opts?: LaunchOptions): Promise<Browser>;
