import { expect, test } from './fixtures';

const localPath = (rel: string) => decodeURIComponent(new URL(rel, import.meta.url).pathname);
const bad = (name: string) => localPath(`./fixtures/bad/${name}`);
const shared = (name: string) => decodeURIComponent(new URL(`../public/demo/digits/${name}`, import.meta.url).pathname);

test('bad rows: the offer to drop them loads the rest, with a warning', async ({ page, consoleErrors }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(bad('nan-rows.csv'));
  await expect(page.getByTestId('error')).toContainText('2 rows in all have problems like this');
  const drop = page.getByTestId('drop-bad-rows');
  await expect(drop).toHaveText('Drop 2 bad rows');
  await drop.click();
  await expect(page.getByTestId('dataset')).toContainText('nan-rows.csv: 18 × 3');
  await expect(page.getByTestId('preview-warning').first()).toContainText('Dropped 2 bad rows');
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('preview: first rows, vector columns, rows, memory; label column can be changed', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(shared('digits.csv'));
  await expect(page.getByTestId('dataset')).toContainText('digits.csv: 1,797 × 64, 10 label values');
  await expect(page.getByTestId('preview-vector')).toContainText('p0, p1 … p63 — dimension 64');
  await expect(page.getByTestId('preview-table').locator('tbody tr')).toHaveCount(5);
  await expect(page.getByTestId('preview-rows')).toHaveText('rows: 1,797');
  await expect(page.getByTestId('preview-memory')).toContainText('memory for the job: ≈');
  await expect(page.getByTestId('preview-meta')).toContainText('metadata: label');
  await expect(page.getByTestId('preview-duplicates')).toHaveCount(0);
  await page.getByTestId('label-column').selectOption('');
  await expect(page.getByTestId('dataset')).toHaveText('digits.csv: 1,797 × 64');
  await page.getByTestId('label-column').selectOption('label');
  await expect(page.getByTestId('dataset')).toContainText('10 label values');
});

test('Projector pair opened together, then mapped', async ({ page, consoleErrors }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles([shared('digits.metadata.tsv'), shared('digits.vectors.tsv')]);
  await expect(page.getByTestId('dataset')).toContainText('digits.vectors.tsv: 1,797 × 64, 10 label values');
  await page.getByTestId('param-n_epochs').fill('20');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => ['done', 'error'].includes(window.__mapstream?.status ?? ''), null, { timeout: 120_000 });
  expect(await page.evaluate(() => [window.__mapstream!.status, window.__mapstream!.points])).toEqual(['done', 1797]);
  expect(consoleErrors).toEqual([]);
});

test('JSON with two vector fields: the field can be switched, re-reading the file', async ({ page }) => {
  await page.goto('./');
  const rows = Array.from({ length: 30 }, (_, i) => ({ embedding: [i, i % 7, i % 3], clip: [i % 5, i, i % 2, 1 - i], label: i % 2 ? 'odd' : 'even' }));
  await page.getByTestId('file-input').setInputFiles({ name: 'two.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(rows)) });
  await expect(page.getByTestId('dataset')).toContainText('two.json: 30 × 3, 2 label values');
  await page.getByTestId('vector-field').selectOption('clip');
  await expect(page.getByTestId('dataset')).toContainText('two.json: 30 × 4, 2 label values');
});

test('CSV delimiter and header can be overridden', async ({ page }) => {
  await page.goto('./');
  // Space-separated text is not auto-detected: read as one text column until the user says "space".
  const text = 'a b c\n' + Array.from({ length: 20 }, (_, i) => `${i} ${i % 4} ${(i * 3) % 7}`).join('\n') + '\n';
  await page.getByTestId('file-input').setInputFiles({ name: 'spaced.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await expect(page.getByTestId('error')).toContainText('spaced.csv has no numeric columns');
  await page.getByTestId('csv-delimiter').selectOption(' ');
  await expect(page.getByTestId('dataset')).toContainText('spaced.csv: 20 × 3');
  await expect(page.getByTestId('error')).toHaveCount(0);
  await page.getByTestId('csv-header').uncheck();
  await expect(page.getByTestId('error')).toContainText('spaced.csv has no numeric columns');
  await page.getByTestId('csv-header').check();
  await expect(page.getByTestId('dataset')).toContainText('spaced.csv: 20 × 3');
});

test('dimension limit is settable', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(shared('digits.csv'));
  await expect(page.getByTestId('dataset')).toContainText('1,797 × 64');
  await page.getByTestId('max-dim').fill('32');
  await page.getByTestId('max-dim').dispatchEvent('change');
  await expect(page.getByTestId('error')).toContainText('the vectors have 64 dimensions (64 numeric columns), above the limit of 32');
});

test('paste box: small CSV pasted as text', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('paste-toggle').click();
  const text = 'x,y,kind\n' + Array.from({ length: 40 }, (_, i) => `${i % 9},${(i * 5) % 11},${i % 3 ? 'b' : 'a'}`).join('\n');
  await page.getByTestId('paste-input').fill(text);
  await page.getByTestId('paste-load').click();
  await expect(page.getByTestId('dataset')).toContainText('pasted.csv: 40 × 2, 2 label values');
});

test('parquet, json and jsonl files load through the file input', async ({ page }) => {
  await page.goto('./');
  const { toJsonl, toParquet } = await import('../scripts/lib/embedding-formats.mjs');
  const n = 50;
  const d = 6;
  const data = Float32Array.from({ length: n * d }, (_, i) => ((i * 37) % 101) / 10);
  const labels = Array.from({ length: n }, (_, i) => `c${i % 4}`);
  await page.getByTestId('file-input').setInputFiles({ name: 'x.parquet', mimeType: 'application/octet-stream', buffer: Buffer.from(toParquet(data, n, d, labels, 16)) });
  await expect(page.getByTestId('dataset')).toContainText('x.parquet: 50 × 6, 4 label values');
  await page.getByTestId('file-input').setInputFiles({ name: 'x.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(toJsonl(data, n, d, labels)) });
  await expect(page.getByTestId('dataset')).toContainText('x.jsonl: 50 × 6, 4 label values');
});

test('warnings: identical rows, duplicates, fewer rows than n_neighbors + 1', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(bad('identical.csv'));
  await expect(page.getByTestId('dataset')).toContainText('identical.csv: 20 × 3');
  await expect(page.getByTestId('preview-warning')).toContainText('All 20 rows are identical');
  await expect(page.getByTestId('preview-duplicates')).toHaveText('duplicate rows: 19');
  await page.getByTestId('file-input').setInputFiles(bad('ten-rows.csv'));
  await expect(page.getByTestId('preview-too-few')).toContainText('10 rows is fewer than n_neighbors + 1 = 16');
});

test('without cross-origin isolation the parsed vectors are transferred, and a job runs on them', async ({ page, openURL }) => {
  await page.goto(`${openURL}?coi=0`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await page.getByTestId('file-input').setInputFiles(shared('digits.csv'));
  await expect(page.getByTestId('dataset')).toContainText('digits.csv: 1,797 × 64, 10 label values');
  await page.getByTestId('param-n_epochs').fill('20');
  await page.getByTestId('run').click();
  await page.waitForFunction(() => ['done', 'error'].includes(window.__mapstream?.status ?? ''), null, { timeout: 120_000 });
  expect(await page.evaluate(() => [window.__mapstream!.status, window.__mapstream!.points])).toEqual(['done', 1797]);
});
