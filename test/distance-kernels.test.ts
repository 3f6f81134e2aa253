import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotAt, sqDistAt } from '../src/engine/distance';
import { decodeBase64 } from '../src/engine/wasm/decode-base64';
import { DISTANCE_WASM_PRIVATE, DISTANCE_WASM_RELAXED_PRIVATE } from '../src/engine/wasm/distance-wasm';

// Chromium compiles relaxed SIMD by default; Node 20 only behind this flag, set before any compile.
setFlagsFromString('--experimental-wasm-relaxed-simd');

type Kernel = (a: number, b: number, d: number) => number;

/** Both rows in a fresh memory, and the module's two kernels over it. */
function kernelsOver(b64: string, p: Float32Array, q: Float32Array): { sq: number; dot: number } {
  const memory = new WebAssembly.Memory({ initial: Math.ceil((8 * p.length + 16) / 65536) || 1 });
  const rows = new Float32Array(memory.buffer, 0, 2 * p.length);
  rows.set(p, 0);
  rows.set(q, p.length);
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(b64)), { env: { memory } });
  const rowBytes = 4 * p.length;
  return { sq: (exports.sqdist as Kernel)(0, rowBytes, p.length), dot: (exports.dot as Kernel)(0, rowBytes, p.length) };
}

const rowPair = fc
  .integer({ min: 1, max: 300 })
  .chain((d) =>
    fc.tuple(
      fc.float32Array({ minLength: d, maxLength: d, min: -100, max: 100, noNaN: true, noDefaultInfinity: true }),
      fc.float32Array({ minLength: d, maxLength: d, min: -100, max: 100, noNaN: true, noDefaultInfinity: true }),
    ),
  );

describe('the SIMD distance kernels', () => {
  it('fused (relaxed SIMD) and plain: the distances of the JavaScript kernels, to float32 accumulation error', () => {
    fc.assert(
      fc.property(rowPair, ([p, q]) => {
        const sq = sqDistAt(p, 0, q, 0, p.length);
        let scale = 0;
        for (let t = 0; t < p.length; t++) scale += Math.abs(p[t]! * q[t]!);
        const dot = dotAt(p, 0, q, 0, p.length);
        for (const b64 of [DISTANCE_WASM_PRIVATE, DISTANCE_WASM_RELAXED_PRIVATE]) {
          const k = kernelsOver(b64, p, q);
          // Float32 sums of d terms: relative error below d · 2^-24 of the sum of magnitudes.
          const tol = (p.length + 4) * 2 ** -23;
          expect(Math.abs(k.sq - sq)).toBeLessThanOrEqual(tol * sq + 1e-30);
          expect(Math.abs(k.dot - dot)).toBeLessThanOrEqual(tol * scale + 1e-30);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the relaxed build fuses every vector accumulate and nothing else', () => {
    const plain = decodeBase64(DISTANCE_WASM_PRIVATE);
    const fused = decodeBase64(DISTANCE_WASM_RELAXED_PRIVATE);
    // relaxed_madd is the prefixed opcode 0xfd 0x85 0x02; each replaces an f32x4.mul + f32x4.add pair.
    const count = (b: Uint8Array, op: number[]) => {
      let c = 0;
      for (let i = 0; i + op.length <= b.length; i++) if (op.every((x, t) => b[i + t] === x)) c++;
      return c;
    };
    expect(count(plain, [0xfd, 0x85, 0x02])).toBe(0);
    expect(count(fused, [0xfd, 0x85, 0x02])).toBe(8);
  });
});
