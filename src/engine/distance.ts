// All distances accumulate in JS doubles while reading float32 rows: accurate and no slower.

/** Squared euclidean distance between rows i and j of one matrix. */
export function sqDist(data: Float32Array, d: number, i: number, j: number): number {
  let a = i * d;
  let b = j * d;
  const end = a + d;
  const end4 = a + (d & ~3);
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  while (a < end4) {
    const x0 = data[a]! - data[b]!;
    const x1 = data[a + 1]! - data[b + 1]!;
    const x2 = data[a + 2]! - data[b + 2]!;
    const x3 = data[a + 3]! - data[b + 3]!;
    s0 += x0 * x0;
    s1 += x1 * x1;
    s2 += x2 * x2;
    s3 += x3 * x3;
    a += 4;
    b += 4;
  }
  while (a < end) {
    const x = data[a++]! - data[b++]!;
    s0 += x * x;
  }
  return s0 + s1 + s2 + s3;
}

/** Dot product of rows i and j. */
export function dotRows(data: Float32Array, d: number, i: number, j: number): number {
  let a = i * d;
  let b = j * d;
  const end = a + d;
  const end4 = a + (d & ~3);
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  while (a < end4) {
    s0 += data[a]! * data[b]!;
    s1 += data[a + 1]! * data[b + 1]!;
    s2 += data[a + 2]! * data[b + 2]!;
    s3 += data[a + 3]! * data[b + 3]!;
    a += 4;
    b += 4;
  }
  while (a < end) s0 += data[a++]! * data[b++]!;
  return s0 + s1 + s2 + s3;
}
