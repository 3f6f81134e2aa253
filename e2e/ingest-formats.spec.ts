// Issue #15's layouts through the real file input: a wide Parquet (one FLOAT column per dimension, as
// pandas writes it) and a deflated .npz, each read in the ingest Worker, previewed and mapped.
import { loadDigits } from '../test/fixtures/digits';
import { encodeNpy, int64Npy, npz, wideParquet } from '../test/helpers/format-fixtures';
import { expect, test } from './fixtures';

const { data, labels, n, d } = loadDigits();

const files = {
  parquet: { name: 'digits-wide.parquet', mimeType: 'application/octet-stream', buffer: Buffer.from(wideParquet(data, n, d, [{ name: 'label', data: Array.from(labels, String) }], 500)) },
  npz: { name: 'digits.npz', mimeType: 'application/octet-stream', buffer: Buffer.from(npz({ embeddings: encodeNpy(data, [n, d]), labels: int64Npy(labels) }, true)) },
};

for (const [kind, file] of Object.entries(files)) {
  test(`${kind}: preview, then a finished map`, async ({ page, consoleErrors }) => {
    await page.goto('./');
    await page.getByTestId('file-input').setInputFiles(file);
    await expect(page.getByTestId('dataset')).toContainText(`${file.name}: 1,797 × 64, 10 label values`);
    await expect(page.getByTestId('preview-vector')).toContainText('dimension 64');
    await expect(page.getByTestId('preview-rows')).toHaveText('rows: 1,797');
    await expect(page.getByTestId('preview-meta')).toContainText(kind === 'npz' ? 'labels' : 'label');
    await expect(page.getByTestId('error')).toHaveCount(0);
    await page.getByTestId('param-n_epochs').fill('20');
    await page.getByTestId('run').click();
    await page.waitForFunction(() => ['done', 'error'].includes(window.__mapstream?.status ?? ''), null, { timeout: 120_000 });
    expect(await page.evaluate(() => [window.__mapstream!.status, window.__mapstream!.points])).toEqual(['done', 1797]);
    expect(consoleErrors).toEqual([]);
  });
}
