import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { coords, DIGITS_CSV, DIGITS_NPY, DIGITS_LABELS, waitDone, waitInteractive } from './explore-helpers';

test('a digits demo link in two fresh contexts draws the same map, and its share link reproduces it', async ({ browser, baseURL }) => {
  const link = `${baseURL}?src=digits&seed=7&nn=12&color=cluster`;
  const runOnce = async (url: string) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await waitDone(page);
    await waitInteractive(page);
    expect(await page.evaluate(() => window.__mapstream!.points)).toBe(1797);
    await expect(page.getByTestId('legend')).toContainText('HDBSCAN cluster');
    await expect.poll(() => page.evaluate(() => window.__mapstream!.clusterCount ?? 0)).toBeGreaterThan(3);
    const c = await coords(page);
    const share = await page.evaluate(() => window.__mapstream!.shareLink ?? null);
    await context.close();
    return { c, share };
  };
  const first = await runOnce(link);
  const second = await runOnce(link);
  expect(first.c.length).toBe(1797 * 2);
  expect(second.c).toEqual(first.c);
  // The page's own link carries the source, parameters and view, and rebuilds the same map.
  expect(first.share).toContain('src=digits');
  expect(first.share).toContain('seed=7');
  expect(first.share).toContain('nn=12');
  const third = await runOnce(first.share!);
  expect(third.c).toEqual(first.c);
});

test('a synthetic swiss-roll link runs deterministically and its link never carries data', async ({ page, baseURL }) => {
  await page.goto(`${baseURL}?src=swissroll&n=1500&d=8&seed=3&epochs=100`);
  await waitDone(page);
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(1500);
  await expect(page.getByTestId('dataset')).toContainText('swissroll-1500x8');
  const c1 = await coords(page);
  await page.reload();
  await waitDone(page);
  expect(await coords(page)).toEqual(c1);
  const share = (await page.evaluate(() => window.__mapstream!.shareLink))!;
  expect(share.length).toBeLessThan(300);
  expect(new URL(share).searchParams.get('src')).toBe('swissroll');
});

test('a local file gets no link, and the UI says why', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles([DIGITS_NPY, DIGITS_LABELS]);
  await expect(page.getByTestId('dataset')).toContainText('1,797');
  await page.getByTestId('run').click();
  await waitDone(page);
  await expect(page.getByTestId('no-link-reason')).toContainText('file on your computer');
  await expect(page.getByTestId('share-link')).toHaveCount(0);
  expect(await page.evaluate(() => window.__mapstream!.shareLink)).toBeNull();
});

test('bad links and unreachable dataset URLs give clear messages', async ({ page, baseURL, serveApp }) => {
  await page.goto(`${baseURL}?src=nope`);
  await expect.poll(() => page.evaluate(() => window.__mapstream?.lastError)).toContain("Unknown map source 'nope'");
  await page.goto(`${baseURL}?src=blobs&n=5000000`);
  await expect.poll(() => page.evaluate(() => window.__mapstream?.lastError)).toContain('n must be a whole number from 20 to 1000000');
  // Another origin that sends no CORS headers: the browser refuses to let the page read it.
  const other = await serveApp({ isolate: false });
  await page.goto(`${baseURL}?src=url&url=${encodeURIComponent(`${other.url}demo/digits/digits.csv`)}`);
  await expect.poll(() => page.evaluate(() => window.__mapstream?.lastError), { timeout: 30_000 }).toContain('CORS');
});

test('a public dataset URL link loads through CORS, and the page can reach no other origin', async ({ page, baseURL }) => {
  const csv = readFileSync(DIGITS_CSV);
  await page.route('https://data.example.test/**', (route) => route.fulfill({ status: 200, body: csv, headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/csv' } }));
  await page.route('https://elsewhere.example.test/**', (route) => route.fulfill({ status: 200, body: 'x', headers: { 'Access-Control-Allow-Origin': '*' } }));
  await page.goto(`${baseURL}?src=url&url=${encodeURIComponent('https://data.example.test/sets/digits.csv')}&epochs=50`);
  await waitDone(page);
  expect(await page.evaluate(() => window.__mapstream!.points)).toBe(1797);
  expect(await page.evaluate(() => window.__mapstream!.shareLink)).toContain('url=https%3A%2F%2Fdata.example.test%2Fsets%2Fdigits.csv');
  // The connection policy allows the linked dataset's origin and nothing else.
  const results = await page.evaluate(async () => {
    const attempt = (u: string) =>
      fetch(u).then(
        () => 'ok',
        () => 'blocked',
      );
    return { data: await attempt('https://data.example.test/sets/digits.csv'), other: await attempt('https://elsewhere.example.test/x') };
  });
  expect(results).toEqual({ data: 'ok', other: 'blocked' });
});
