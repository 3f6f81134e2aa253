import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '../src/io/sha256';

describe('Sha256', () => {
  it("equals Node's SHA-256 for every length around the block edges, fed in uneven pieces", () => {
    const data = new Uint8Array(300);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
    for (const len of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200, 300]) {
      const bytes = data.subarray(0, len);
      const h = new Sha256();
      for (let p = 0; p < len; p += 7) h.update(bytes.subarray(p, Math.min(len, p + 7)));
      expect(h.hex(), `length ${len}`).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});
