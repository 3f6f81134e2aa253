// The bench's profile table: self time per function from Chromium's .cpuprofile samples, summed over
// the slices and Workers a run was profiled in.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script module, without types
import { peakHeap, selfTimes } from '../scripts/lib/cpu-profile.mjs';

const frame = (functionName: string, lineNumber: number) => ({ functionName, url: 'w.js', lineNumber, scriptId: '1', columnNumber: 0 });

describe('selfTimes', () => {
  it('charges each sample the time to the next one, by function, heaviest first, across profiles', () => {
    const nodes = [
      { id: 1, callFrame: frame('', 0) },
      { id: 2, callFrame: frame('sqdist', 9) },
      { id: 3, callFrame: frame('lookup', 47) },
    ];
    // Samples at 0, 1, 3 and 6 ms: sqdist 1 + 3 ms, lookup 2 ms; the last sample has no next one.
    const a = { nodes, samples: [2, 3, 2, 3], timeDeltas: [0, 1000, 2000, 3000] };
    const b = { nodes, samples: [3, 1], timeDeltas: [0, 5000] };
    const rows = selfTimes([a, b]) as { name: string; line: number; ms: number }[];
    expect(rows.map((r) => [r.name, r.line, r.ms])).toEqual([
      ['lookup', 48, 7],
      ['sqdist', 10, 4],
      ['(anonymous)', 1, 0],
    ]);
  });
});

describe('peakHeap', () => {
  it("keeps each measure's own peak over a Worker's slices, in MB, and reads a missing field as 0", () => {
    const MB = 2 ** 20;
    let p = peakHeap(null, { usedSize: 3 * MB, totalSize: 8 * MB, backingStorageSize: 500 * MB });
    p = peakHeap(p, { usedSize: 5 * MB, totalSize: 6 * MB, backingStorageSize: 200 * MB });
    expect(p).toEqual({ usedMb: 5, totalMb: 8, backingMb: 500 });
    expect(peakHeap(null, { usedSize: MB, totalSize: 2 * MB })).toEqual({ usedMb: 1, totalMb: 2, backingMb: 0 });
  });
});
