import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '../bench/npy-writer';

// The transform options are checked before anything is built or started: these exit at once.
function bench(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['scripts/bench.mjs', ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

describe('npm run bench: transform options', () => {
  it('refuses --transform-synthetic without --synthetic', () => {
    const r = bench('--data', 'x.npy', '--transform-synthetic', '100');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--transform-synthetic M needs --synthetic NxD');
  });

  it('refuses both kinds of new points at once, and a bad count', () => {
    expect(bench('--synthetic', '100x4', '--transform', 'n.npy', '--transform-synthetic', '10').stderr).toContain('at most one of --transform FILE and --transform-synthetic M');
    expect(bench('--synthetic', '100x4', '--transform-synthetic', '0').stderr).toContain('--transform-synthetic must be a row count ≥ 1 (got 0)');
  });

  it('refuses transform outputs without a transform, and a transform without mapstream', () => {
    expect(bench('--data', 'x.npy', '--out-transform', 'e.npy').stderr).toContain('need --transform FILE');
    expect(bench('--data', 'x.npy', '--transform', 'n.npy', '--no-ours', '--compare', 'umap-js').stderr).toContain('cannot be combined with --no-ours');
    expect(bench('--data', 'x.npy', '--transform', 'n.npy', '--out-transform', 'e.csv').stderr).toContain('--out-transform must be a .npy file (got e.csv)');
  });
});

describe('npm run bench: new points that do not fit the map', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-transform-'));
  const file = (name: string, rows: number, cols: number) => {
    const p = join(dir, name);
    writeFileSync(
      p,
      encodeNpy(
        Float32Array.from({ length: rows * cols }, (_, i) => (i * 7919) % 101),
        [rows, cols],
      ),
    );
    return p;
  };
  const fit = file('fit.npy', 40, 4);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a dimension mismatch before any browser starts', () => {
    const r = bench('--data', fit, '--transform', file('new3.npy', 5, 3), '--sample', '40');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/The new points \(.*new3\.npy\) have 3 dimensions, but the fitted data has 4\./);
  });

  it('names an empty batch', () => {
    const r = bench('--data', fit, '--transform', file('empty.npy', 0, 4), '--sample', '40');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('empty.npy has shape (0, 4): there are no values to map.');
  });
});
