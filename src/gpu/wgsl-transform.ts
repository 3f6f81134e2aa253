// WGSL of the transform's SGD: new points against the fixed fitted map. The kNN half of a transform
// reuses the fit's distance and top-k kernels (wgsl-knn.ts) with the new rows as the queries.

import { SGD_WGSL } from './wgsl-sgd';

/**
 * A step's epochs for every new point, one invocation per point: the WGSL twin of
 * transform-layout.ts's transformEpochRange (same per-point schedule, same hash-based negative
 * samples keyed by the point, same tabulated gradients), in f32. An invocation reads its own edges
 * and the fitted map and writes only its own position, so there are no write races, and a point's
 * result does not depend on the other points in its batch. The epochs of the step come as an array
 * (epoch number, its key, its learning rate), all computed on the host as the CPU path computes them.
 */
export function transformLayoutWgsl(dim: number, k: number): string {
  return /* wgsl */ `
const DIM: u32 = ${dim}u;
const K: u32 = ${k}u;
struct P {
  m: u32, n: u32, nNeg: u32, count: u32,
  a: f32, b: f32, gamma: f32, exactBelow: f32,
  size: u32, rowStride: u32, nEpochs: f32, pad: u32,
};
struct Epoch { epoch: u32, key: u32, alpha: f32, pad: u32 };
@group(0) @binding(0) var<storage, read> indices: array<i32>;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> keys: array<u32>;
@group(0) @binding(3) var<storage, read> fitted: array<f32>;
@group(0) @binding(4) var<storage, read_write> pos: array<f32>;
@group(0) @binding(5) var<storage, read> attractT: array<f32>;
@group(0) @binding(6) var<storage, read> repelT: array<f32>;
@group(0) @binding(7) var<uniform> p: P;
@group(0) @binding(8) var<storage, read> epochs: array<Epoch>;

${SGD_WGSL}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.m) { return; }
  var cur: array<f32, DIM>;
  for (var t = 0u; t < DIM; t++) { cur[t] = pos[i * DIM + t]; }
  // Each edge is scheduled against the point's own strongest edge, as on the CPU.
  var wmax = 0.0;
  for (var s = 0u; s < K; s++) { wmax = max(wmax, weights[i * K + s]); }
  let cut = wmax / p.nEpochs;
  let key = keys[i];
  for (var q = 0u; q < p.count; q++) {
    let E = epochs[q];
    let fe = f32(E.epoch);
    let alpha = E.alpha;
    let pointKey = hash32(E.key ^ key);
    for (var s = 0u; s < K; s++) {
      let w = weights[i * K + s];
      if (!(w > 0.0 && w >= cut)) { continue; }
      let eps = wmax / w;
      if (!(floor((fe + 1.0) / eps) > floor(fe / eps))) { continue; }
      let jo = u32(indices[i * K + s]) * DIM;
      var d2 = 0.0;
      for (var t = 0u; t < DIM; t++) { let dd = cur[t] - fitted[jo + t]; d2 += dd * dd; }
      if (d2 > 0.0) {
        let coeff = attract(d2);
        for (var t = 0u; t < DIM; t++) { cur[t] += clip4(coeff * (cur[t] - fitted[jo + t])) * alpha; }
      }
      var r = hash32(pointKey ^ ((s + 1u) * 0x85ebca77u));
      for (var n = 0u; n < p.nNeg; n++) {
        r = hash32(r + 0x6d2b79f5u);
        let ko = mulhi(r, p.n) * DIM;
        var dn = 0.0;
        for (var t = 0u; t < DIM; t++) { let dd = cur[t] - fitted[ko + t]; dn += dd * dd; }
        if (dn > 0.0) {
          let coeff = repel(dn);
          for (var t = 0u; t < DIM; t++) { cur[t] += clip4(coeff * (cur[t] - fitted[ko + t])) * alpha; }
        } else {
          // On top of a fitted point: pushed with the clip value so they separate, as on the CPU.
          for (var t = 0u; t < DIM; t++) { cur[t] += 4.0 * alpha; }
        }
      }
    }
  }
  for (var t = 0u; t < DIM; t++) { pos[i * DIM + t] = cur[t]; }
}
`;
}
