// Clustered synthetic rows for sizes where the engine's Gaussian mixture is slow to draw (above about
// 20k × 768 in JS): isotropic clusters around random centres, from a fixed xorshift. Rows come in
// order, a slice at a time, so a writer can stream a million of them to disk.

/**
 * The next rows of `clusters` clusters in d dimensions, row i in cluster i mod clusters; the centres
 * are `centreScale` noise units apart, close enough for a connected kNN graph, as real embeddings have.
 */
export function clusterStream(d: number, clusters: number, seed: number, centreScale: number): (rows: number) => Float32Array {
  let x = seed >>> 0 || 1;
  const u = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  // Sum of four uniforms: near-normal, unit variance after scaling.
  const g = () => (u() + u() + u() + u() - 2) * 1.7320508;
  const centres = new Float32Array(clusters * d);
  for (let i = 0; i < centres.length; i++) centres[i] = g() * centreScale;
  let row = 0;
  return (rows) => {
    const out = new Float32Array(rows * d);
    for (let i = 0; i < rows; i++, row++) {
      const c = (row % clusters) * d;
      for (let t = 0; t < d; t++) out[i * d + t] = centres[c + t]! + g();
    }
    return out;
  };
}
