// Shared by the specs that add digits to a 400-digit map through the UI: the rows as a CSV with
// metadata, the add step driven as a user does, and the library's open button.
import type { Page } from '@playwright/test';
import { loadDigits } from '../test/fixtures/digits';
import { expect } from './fixtures';

export const digits = loadDigits();
export const D = digits.d;
export const FIT_N = 400;
export const FIT_NAME = 'digits-400.csv';
const HEADER = [...Array.from({ length: D }, (_, j) => `p${j}`), 'label', 'note'];

/** Digits rows [from, to) as a CSV: the pixels, the digit as `label`, and a `note` naming the row. */
export function digitsCsv(from: number, to: number, note: (i: number) => string): Buffer {
  const lines = [HEADER.join(',')];
  for (let i = from; i < to; i++) lines.push([...digits.data.subarray(i * D, (i + 1) * D), `d${digits.labels[i]}`, note(i)].join(','));
  return Buffer.from(`${lines.join('\n')}\n`);
}

export const points = (page: Page) => page.evaluate(() => window.__mapstream!.points);

/** Open the add step, read `file` and press "Add N points". */
export async function addFile(page: Page, file: { name: string; mimeType: string; buffer: Buffer }, rows: number): Promise<void> {
  await page.getByTestId('add-points').click();
  const step = page.getByTestId('add-points-step');
  await step.getByTestId('add-points-file').setInputFiles(file);
  await expect(step.getByTestId('preview-rows')).toHaveText(`rows: ${rows}`);
  await expect(step.getByTestId('preview-refusal')).toHaveCount(0);
  await expect(step.getByTestId('add-points-confirm')).toBeEnabled();
  await step.getByTestId('add-points-confirm').click();
  await expect(step).toHaveCount(0);
}

export const openFromLibrary = (page: Page, name: string) => page.getByTestId('library-entry').filter({ hasText: name }).getByTestId('library-open').click();
