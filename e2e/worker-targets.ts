// The dedicated Workers of a page as Chromium itself lists them (CDP Target.getTargets on the browser
// session): what the page has started and not yet lost, whatever the app believes it terminated.
// Dedicated Workers, nested ones included (a job Worker's compute pool), are targets of type 'worker'
// titled with the name they were started with; a browser session lists them without attaching.
import type { CDPSession, Page } from '@playwright/test';

interface TargetInfo {
  targetId: string;
  type: string;
  title: string;
  url: string;
  browserContextId?: string;
}

export interface WorkerTargets {
  /** The names of the context's live dedicated Workers, sorted. */
  names(): Promise<string[]>;
  close(): Promise<void>;
}

export async function workerTargets(page: Page): Promise<WorkerTargets> {
  const cdp: CDPSession = await page.context().browser()!.newBrowserCDPSession();
  const all = async () => ((await cdp.send('Target.getTargets')) as { targetInfos: TargetInfo[] }).targetInfos;
  // The page's own target tells which browser context is this test's (the browser may hold others).
  const mine = (await all()).find((t) => t.type === 'page' && t.url === page.url());
  if (!mine?.browserContextId) throw new Error(`no page target for ${page.url()}`);
  const context = mine.browserContextId;
  return {
    async names() {
      return (await all())
        .filter((t) => t.type === 'worker' && t.browserContextId === context)
        .map((t) => t.title)
        .sort();
    },
    close: () => cdp.detach(),
  };
}

/** A job's Workers: its job Worker and the compute pool it starts. */
export const isJobWorker = (name: string) => name === 'mapstream-job' || name.startsWith('mapstream-compute-');
