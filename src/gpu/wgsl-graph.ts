// WGSL of the graph phase's smoothing on the GPU (gpu-smooth-knn.ts).

/**
 * umap-learn's smooth_knn_dist, one invocation per row: the WGSL twin of smooth-knn-dist.ts (same
 * local connectivity, bisection, tolerance and floors), in f32. Rows with a non-finite distance never
 * come here (WGSL does not promise IEEE infinities): the CPU smooths those.
 */
export const SMOOTH_KNN_WGSL = /* wgsl */ `
struct P { n: u32, k: u32, start: u32, count: u32, localConnectivity: f32, meanAll: f32, rowStride: u32, pad: u32 };
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> dist: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
const TOLERANCE: f32 = 1e-5;
const MIN_SCALE: f32 = 1e-3;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x + gid.y * p.rowStride;
  if (r >= p.count) { return; }
  let base = (p.start + r) * p.k;
  let goal = log2(f32(p.k));
  let index = u32(floor(p.localConnectivity));
  let interp = p.localConnectivity - f32(index);
  // The index-th and (index + 1)-th non-zero distances (1-based), as the CPU's nonZero array holds them.
  var nz = 0u;
  var rowSum = 0.0;
  var below = 0.0;
  var at = 0.0;
  var last = 0.0;
  for (var j = 0u; j < p.k; j++) {
    let v = dist[base + j];
    rowSum += v;
    if (v > 0.0) {
      nz++;
      last = v;
      if (nz == index) { below = v; }
      if (nz == index + 1u) { at = v; }
    }
  }
  var rho = 0.0;
  if (f32(nz) >= p.localConnectivity) {
    if (index > 0u) {
      rho = below;
      if (interp > TOLERANCE) { rho += interp * (at - below); }
    } else {
      rho = interp * at;
    }
  } else if (nz > 0u) {
    rho = last;
  }
  var lo = 0.0;
  var hi = -1.0; // −1: no upper bound yet
  var mid = 1.0;
  for (var it = 0u; it < 64u; it++) {
    var psum = 0.0;
    for (var j = 1u; j < p.k; j++) {
      let dd = dist[base + j] - rho;
      psum += select(1.0, exp(-(dd / mid)), dd > 0.0);
    }
    if (abs(psum - goal) < TOLERANCE) { break; }
    if (psum > goal) {
      hi = mid;
      mid = (lo + hi) / 2.0;
    } else {
      lo = mid;
      if (hi < 0.0) { mid *= 2.0; } else { mid = (lo + hi) / 2.0; }
    }
  }
  if (rho > 0.0) {
    let meanRow = rowSum / f32(p.k);
    if (mid < MIN_SCALE * meanRow) { mid = MIN_SCALE * meanRow; }
  } else if (mid < MIN_SCALE * p.meanAll) {
    mid = MIN_SCALE * p.meanAll;
  }
  out[2u * r] = rho;
  out[2u * r + 1u] = mid;
}
`;
