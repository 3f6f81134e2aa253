import type { BrowserContext } from '@playwright/test';
import { expect, test } from './fixtures';
import { mixture, openApp, submit, waitForJob } from './jobs-helpers';

// Every Worker a job starts has an error path: a script that does not load, and a WebAssembly
// module the Worker may not compile, end in a message on the job or in a run that completes
// without it, never in a job that waits forever. (The page's own Workers: offline.spec.ts.)

const N = 1500;
const D = 8;
const data = mixture(N, D, 41).data;
const params = { nEpochs: 30, knnChunkSize: 300, backend: 'cpu', seed: 2 };

test("a job whose Worker's script does not load fails with a message; the next job runs", async ({ browser, appServer }) => {
  // No service worker, so page.route sees every Worker script request.
  const context = await browser.newContext({ serviceWorkers: 'block', baseURL: appServer.url });
  const page = await context.newPage();
  try {
    await openApp(page);
    await page.route('**/assets/umap.worker-*.js', (route) => route.abort());
    const id = await submit(page, data, N, D, params);
    const failed = await waitForJob(page, id, "j.state === 'failed'");
    expect(failed.error).toContain("Could not start the job's Worker: its script did not load");
    await page.unroute('**/assets/umap.worker-*.js');
    const next = await submit(page, data, N, D, params);
    await waitForJob(page, next, "j.state === 'completed'");
  } finally {
    await context.close();
  }
});

/** Serve the Worker scripts matching `glob` with this Content-Security-Policy, which governs the Worker. */
async function workerPolicy(context: BrowserContext, glob: string, policy: string): Promise<void> {
  await context.route(glob, async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': policy } });
  });
}

test('a job whose compute Workers may not start (a Worker policy that forbids them) fails with a message', async ({ browser, appServer }) => {
  const context = await browser.newContext({ serviceWorkers: 'block', baseURL: appServer.url });
  const page = await context.newPage();
  try {
    await openApp(page);
    // The compute Workers' own script requests come from the job Worker, out of page.route's sight;
    // the job Worker's policy is what refuses them.
    await workerPolicy(context, '**/assets/umap.worker-*.js', "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'");
    const id = await submit(page, data, N, D, params);
    const failed = await waitForJob(page, id, "j.state === 'failed'");
    expect(failed.error).toContain('Could not start a compute Worker');
  } finally {
    await context.close();
  }
});

test('Workers that may not compile WebAssembly (a CSP without wasm-unsafe-eval) still complete the job', async ({ browser, appServer }) => {
  const context = await browser.newContext({ serviceWorkers: 'block', baseURL: appServer.url });
  const page = await context.newPage();
  try {
    await openApp(page);
    const ref = await submit(page, data, N, D, params);
    await waitForJob(page, ref, "j.state === 'completed'");
    for (const script of ['**/assets/umap.worker-*.js', '**/assets/compute.worker-*.js']) await workerPolicy(context, script, "default-src 'self'; script-src 'self'");
    const id = await submit(page, data, N, D, params);
    const done = await waitForJob(page, id, "j.state === 'completed' || j.state === 'failed'");
    expect(done.error).toBeNull();
    expect(await page.evaluate((i) => window.__mapstreamJobs!.log(i), id)).toContainEqual(expect.stringContaining('Distance kernels: JavaScript'));
    expect(await page.evaluate((i) => window.__mapstreamJobs!.log(i), ref)).not.toContainEqual(expect.stringContaining('Distance kernels: JavaScript'));
  } finally {
    await context.close();
  }
});
