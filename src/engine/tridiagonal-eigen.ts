/**
 * Eigen-decomposition of a symmetric tridiagonal matrix (diagonal `alpha`, off-diagonal `beta`) by
 * implicit QL with shifts. Lanczos reduces the graph Laplacian to this small problem (m ≤ ~100), so
 * an O(m³) dense method is plenty. Returns eigenvalues and column-major eigenvectors (m × m).
 */
export function tridiagonalEigen(alpha: Float64Array, beta: Float64Array): { values: Float64Array; vectors: Float64Array } {
  const m = alpha.length;
  const dd = Float64Array.from(alpha);
  const e = new Float64Array(m);
  for (let i = 0; i < m - 1; i++) e[i] = beta[i]!;
  const z = new Float64Array(m * m);
  for (let i = 0; i < m; i++) z[i * m + i] = 1;
  for (let l = 0; l < m; l++) {
    let iter = 0;
    let mm: number;
    do {
      for (mm = l; mm < m - 1; mm++) {
        const s = Math.abs(dd[mm]!) + Math.abs(dd[mm + 1]!);
        if (Math.abs(e[mm]!) <= Number.EPSILON * s) break;
      }
      if (mm !== l) {
        if (iter++ > 60) break;
        let g = (dd[l + 1]! - dd[l]!) / (2 * e[l]!);
        let r = Math.hypot(g, 1);
        g = dd[mm]! - dd[l]! + e[l]! / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        for (i = mm - 1; i >= l; i--) {
          let f = s * e[i]!;
          const b = c * e[i]!;
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            dd[i + 1]! -= p;
            e[mm] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = dd[i + 1]! - p;
          r = (dd[i]! - g) * s + 2 * c * b;
          p = s * r;
          dd[i + 1] = g + p;
          g = c * r - b;
          // Accumulate the rotation into the eigenvector matrix (stored row k, column i → z[k*m+i]).
          for (let k = 0; k < m; k++) {
            f = z[k * m + i + 1]!;
            z[k * m + i + 1] = s * z[k * m + i]! + c * f;
            z[k * m + i] = c * z[k * m + i]! - s * f;
          }
        }
        if (r === 0 && i >= l) continue;
        dd[l]! -= p;
        e[l] = g;
        e[mm] = 0;
      }
    } while (mm !== l);
  }
  // Return column-major: vectors[j*m + k] = component k of eigenvector j.
  const vectors = new Float64Array(m * m);
  for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) vectors[j * m + k] = z[k * m + j]!;
  return { values: dd, vectors };
}
