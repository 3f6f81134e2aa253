// Reproduces numpy's `np.sort(np.random.default_rng(seed).choice(n, m, replace=False))` bit for bit, so
// our quality numbers are computed on exactly the sample the shared Python scorer uses
// (/work/shared/tools/embedding_quality.py). Sampling noise alone would otherwise exceed the 0.002 we
// want the two to agree within. Verified against numpy 1.24 (SeedSequence + PCG64, Generator.choice).

const M32 = 0xffffffff;
const M64 = (1n << 64n) - 1n;
const M128 = (1n << 128n) - 1n;
const PCG_MULT = 0x2360ed051fc65da44385df649fccf645n;

/** SeedSequence(seed).generate_state(4, uint64) for a non-negative integer seed. */
function seedSequenceState(seed: number): bigint[] {
  // The integer is split into little-endian uint32 words (at least one).
  const entropy: number[] = [];
  let rest = BigInt(seed);
  do {
    entropy.push(Number(rest & 0xffffffffn));
    rest >>= 32n;
  } while (rest > 0n);

  let hashConst = 0x43b0d7e5;
  const hashmix = (value: number): number => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, 0x931e8875) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(0xca01f9dd, x) - Math.imul(0x4973f715, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };

  const pool = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) pool[i] = hashmix(i < entropy.length ? entropy[i]! : 0);
  for (let src = 0; src < 4; src++) {
    for (let dst = 0; dst < 4; dst++) if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
  }
  for (let src = 4; src < entropy.length; src++) {
    for (let dst = 0; dst < 4; dst++) pool[dst] = mix(pool[dst]!, hashmix(entropy[src]!));
  }

  let hashB = 0x8b51f9dd;
  const words: number[] = [];
  for (let i = 0; i < 8; i++) {
    let v = (pool[i % 4]! ^ hashB) >>> 0;
    hashB = Math.imul(hashB, 0x58f38ded) >>> 0;
    v = Math.imul(v, hashB) >>> 0;
    words.push((v ^ (v >>> 16)) >>> 0);
  }
  const out: bigint[] = [];
  for (let i = 0; i < 8; i += 2) out.push((BigInt(words[i + 1]!) << 32n) | BigInt(words[i]!));
  return out;
}

/** numpy's PCG64 (XSL-RR 128/64) with its buffered 32-bit draws and Lemire bounded integers. */
class Pcg64 {
  private state = 0n;
  private readonly inc: bigint;
  private spare: number | null = null;

  constructor(seed: number) {
    const [s0, s1, i0, i1] = seedSequenceState(seed);
    // pcg64_set_seed takes seed[0] / inc[0] as the high halves.
    const initState = (s0! << 64n) | s1!;
    const initSeq = (i0! << 64n) | i1!;
    this.inc = ((initSeq << 1n) | 1n) & M128;
    this.step();
    this.state = (this.state + initState) & M128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULT + this.inc) & M128;
  }

  next64(): bigint {
    this.step();
    const s = this.state;
    const x = ((s >> 64n) ^ s) & M64;
    const rot = s >> 122n;
    return ((x >> rot) | (x << ((64n - rot) & 63n))) & M64;
  }

  next32(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const v = this.next64();
    this.spare = Number(v >> 32n);
    return Number(v & 0xffffffffn);
  }

  /** Uniform integer in [0, max], numpy's random_bounded_uint64 for max < 2^32. */
  bounded(max: number): number {
    if (max === 0) return 0;
    if (max === M32) return this.next32();
    const excl = max + 1;
    let m = BigInt(this.next32()) * BigInt(excl);
    let leftover = Number(m & 0xffffffffn);
    if (leftover < excl) {
      const threshold = (M32 - max) % excl;
      while (leftover < threshold) {
        m = BigInt(this.next32()) * BigInt(excl);
        leftover = Number(m & 0xffffffffn);
      }
    }
    return Number(m >> 32n);
  }
}

/** Sorted `default_rng(seed).choice(n, m, replace=False)`; m >= n gives every index. */
export function numpyChoiceSorted(n: number, m: number, seed: number): Int32Array {
  if (m >= n) return Int32Array.from({ length: n }, (_, i) => i);
  if (n > M32) throw new RangeError('numpyChoiceSorted: n must be below 2^32');
  const rng = new Pcg64(seed);
  let out: Int32Array;
  if (n > 10000 && m > Math.floor(n / 50)) {
    // Tail shuffle: the last m slots of a partial Fisher–Yates over 0..n-1.
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i >= Math.max(n - m, 1); i--) {
      const j = rng.bounded(i);
      const t = idx[j]!;
      idx[j] = idx[i]!;
      idx[i] = t;
    }
    out = idx.slice(n - m);
  } else {
    // Floyd's algorithm; numpy's hash set only changes the order, which the final sort discards.
    const chosen = new Set<number>();
    for (let j = n - m; j < n; j++) {
      const v = rng.bounded(j);
      chosen.add(chosen.has(v) ? j : v);
    }
    out = Int32Array.from(chosen);
  }
  return out.sort();
}
