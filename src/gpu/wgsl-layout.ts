// WGSL of the GPU layout: one SGD epoch per dispatch. Like the kNN kernels (wgsl-knn.ts) it runs
// directly on the device that tfjs's WebGPU backend provides (see README, "WebGPU backend").

import { SGD_WGSL } from './wgsl-sgd';

/**
 * One SGD epoch, one invocation per point: the WGSL twin of sgd-layout.ts's epoch (same sampling
 * schedule, same pull as head and as tail of each sampled edge, same hash-based negative samples,
 * same tabulated gradients), in f32.
 */
export function layoutWgsl(dim: number): string {
  return /* wgsl */ `
const DIM: u32 = ${dim}u;
struct P {
  n: u32, epoch: u32, nNeg: u32, epochKey: u32,
  alpha: f32, a: f32, b: f32, gamma: f32,
  exactBelow: f32, size: u32, rowStride: u32, pad: u32,
};
@group(0) @binding(0) var<storage, read> ptr: array<i32>;
@group(0) @binding(1) var<storage, read> tail: array<i32>;
@group(0) @binding(2) var<storage, read> eps: array<f32>;
@group(0) @binding(3) var<storage, read> prev: array<f32>;
@group(0) @binding(4) var<storage, read_write> next: array<f32>;
@group(0) @binding(5) var<storage, read> attractT: array<f32>;
@group(0) @binding(6) var<storage, read> repelT: array<f32>;
@group(0) @binding(7) var<uniform> p: P;

${SGD_WGSL}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x + gid.y * p.rowStride;
  if (j >= p.n) { return; }
  let jo = j * DIM;
  var cur: array<f32, DIM>;
  // The pull j gets as the tail of the reverse edges (from epoch-start positions), added at the end.
  var tailPull: array<f32, DIM>;
  for (var t = 0u; t < DIM; t++) { cur[t] = prev[jo + t]; tailPull[t] = 0.0; }
  let fe = f32(p.epoch);
  let e0 = u32(ptr[j]);
  let e1 = u32(ptr[j + 1u]);
  for (var e = e0; e < e1; e++) {
    let ep = eps[e];
    if (!(floor((fe + 1.0) / ep) > floor(fe / ep))) { continue; }
    let ko = u32(tail[e]) * DIM;
    var s2 = 0.0;
    for (var t = 0u; t < DIM; t++) { let dd = prev[jo + t] - prev[ko + t]; s2 += dd * dd; }
    if (s2 > 0.0) {
      let coeff = attract(s2);
      for (var t = 0u; t < DIM; t++) { tailPull[t] += clip4(coeff * (prev[jo + t] - prev[ko + t])) * p.alpha; }
    }
    var d2 = 0.0;
    for (var t = 0u; t < DIM; t++) { let dd = cur[t] - prev[ko + t]; d2 += dd * dd; }
    if (d2 > 0.0) {
      let coeff = attract(d2);
      for (var t = 0u; t < DIM; t++) { cur[t] += clip4(coeff * (cur[t] - prev[ko + t])) * p.alpha; }
    }
    var r = hash32(p.epochKey ^ (e * 0x85ebca77u));
    for (var s = 0u; s < p.nNeg; s++) {
      r = hash32(r + 0x6d2b79f5u);
      let kk = mulhi(r, p.n);
      if (kk == j) { continue; }
      let ko2 = kk * DIM;
      var dn = 0.0;
      for (var t = 0u; t < DIM; t++) { let dd = cur[t] - prev[ko2 + t]; dn += dd * dd; }
      if (dn > 0.0) {
        let coeff = repel(dn);
        for (var t = 0u; t < DIM; t++) { cur[t] += clip4(coeff * (cur[t] - prev[ko2 + t])) * p.alpha; }
      } else {
        for (var t = 0u; t < DIM; t++) { cur[t] += 4.0 * p.alpha; }
      }
    }
  }
  for (var t = 0u; t < DIM; t++) { next[jo + t] = cur[t] + tailPull[t]; }
}
`;
}
