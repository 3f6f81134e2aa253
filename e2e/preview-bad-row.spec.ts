import AxeBuilder from '@axe-core/playwright';
import { writeFile } from 'node:fs/promises';
import { expect, test } from './fixtures';
import { DIGITS_CSV } from './explore-helpers';

const localPath = (rel: string) => decodeURIComponent(new URL(rel, import.meta.url).pathname);
const bad = (name: string) => localPath(`./fixtures/bad/${name}`);

test('an empty file after a good one: the error, and no "rows: counting…" or the previous file\'s count', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(DIGITS_CSV);
  await expect(page.getByTestId('preview-rows')).toHaveText('rows: 1,797');

  await page.getByTestId('file-input').setInputFiles(bad('empty.csv'));
  await expect(page.getByTestId('error')).toContainText('empty.csv is empty');
  await expect(page.getByTestId('preview-step')).not.toContainText('counting');
  await expect(page.getByTestId('preview-rows')).toHaveCount(0);
  await expect(page.getByTestId('preview-memory')).toHaveCount(0);
  // The data a Run would use are still the good file's.
  await expect(page.getByTestId('dataset')).toContainText('digits.csv: 1,797 × 64');
});

test('a bad value far past the first rows: the preview shows that row with the bad cell marked; dropping it clears both', async ({ page }, testInfo) => {
  const columns = ['name', ...Array.from({ length: 30 }, (_, j) => `e${j}`)];
  const lines = [columns.join(',')];
  for (let i = 1; i <= 6000; i++) {
    const cells = [`item ${i}`, ...Array.from({ length: 30 }, (_, j) => ((i * 31 + j * 7) % 97) / 10)];
    if (i === 4812) cells[18] = 'oops';
    lines.push(cells.join(','));
  }
  const file = testInfo.outputPath('far-bad.csv');
  await writeFile(file, `${lines.join('\n')}\n`);

  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(file);
  await expect(page.getByTestId('error')).toContainText("non-numeric value 'oops' at row 4812 (line 4813), column 'e17'");
  const row = page.getByTestId('bad-row');
  await expect(row.locator('figcaption')).toHaveText("Row 4,812 (line 4,813), column 'e17'");
  await expect(row.getByTestId('bad-cell')).toHaveText('oops');
  // The bad column's header is marked too, and its neighbours give the row's context.
  await expect(row.locator('th.bad')).toHaveText('e17');
  await expect(row.locator('th')).toContainText(['…', 'e14', 'e15', 'e16', 'e17', 'e18', 'e19', 'e20', '…']);
  // None of the first rows is the bad one.
  await expect(page.getByTestId('preview-table').locator('tr.bad')).toHaveCount(0);
  await expect(page.getByTestId('preview-step')).not.toContainText('counting');

  const axe = await new AxeBuilder({ page }).include('[data-testid="preview-step"]').analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  await page.getByTestId('drop-bad-rows').click();
  await expect(page.getByTestId('dataset')).toContainText('far-bad.csv: 5,999 × 30');
  await expect(page.getByTestId('bad-row')).toHaveCount(0);
  await expect(page.getByTestId('preview-rows')).toHaveText('rows: 5,999');
});

test('a bad row among the first rows is marked in the preview table, cell and all', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(bad('nan.csv'));
  await expect(page.getByTestId('error')).toContainText("NaN at row 4 (line 5), column 'y'");
  const marked = page.getByTestId('preview-table').locator('tbody tr.bad');
  await expect(marked).toHaveCount(1);
  await expect(marked.locator('td')).toHaveText(['10', 'NaN', '12']);
  await expect(marked.locator('td.bad')).toHaveText('NaN');
  await expect(page.getByTestId('preview-table').locator('tbody tr').nth(3)).toHaveClass(/bad/);
});

test('a ragged row shows its fields against the header, the missing one marked', async ({ page }) => {
  await page.goto('./');
  await page.getByTestId('file-input').setInputFiles(bad('ragged.csv'));
  await expect(page.getByTestId('error')).toContainText('ragged.csv: row 3 (line 4) has 2 fields, but the header has 3');
  const row = page.getByTestId('bad-row');
  await expect(row.locator('figcaption')).toHaveText('Row 3 (line 4): 2 fields where the columns are 3');
  await expect(row.locator('th')).toHaveText(['a', 'b', 'c']);
  await expect(row.locator('td')).toHaveText(['7', '8', '(missing)']);
});
