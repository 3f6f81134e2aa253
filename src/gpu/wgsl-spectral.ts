// WGSL of the spectral init's Lanczos solve on the GPU (gpu-spectral.ts): the basis lives on the
// device as rows of one buffer, and every step is a fixed series of these kernels, so a pass is
// recorded once and read back only for its scalars (α, β) and, at its end, the Ritz vectors.

/** Rows of 256 invocations × 4 each per dots workgroup. */
export const DOT_BLOCK = 1024;

/** The scalar kernel's operations (P.op). */
export const OP = { alpha: 1, beta: 2, norm: 3 } as const;

// One parameter record for every kernel: which rows of `vecs` a dispatch reads and writes.
const PARAMS = /* wgsl */ `
struct P { n: u32, dst: u32, src: u32, cnt: u32, blocks: u32, op: u32, j: u32, rowStride: u32 };
@group(0) @binding(0) var<uniform> p: P;
`;

/** vecs[dst] = M · vecs[src], M = D^−½ W D^−½ as CSR rows (one invocation per row). */
export const SPMV_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(1) var<storage, read> ptr: array<i32>;
@group(0) @binding(2) var<storage, read> cols: array<i32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read_write> vecs: array<f32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.n) { return; }
  let x = p.src * p.n;
  var s = 0.0;
  for (var e = u32(ptr[i]); e < u32(ptr[i + 1u]); e++) { s += w[e] * vecs[x + u32(cols[e])]; }
  vecs[p.dst * p.n + i] = s;
}
`;

/** Partial dot products of vecs[dst] with vecs[src + j] for j < cnt: one workgroup per (block, j). */
export const DOTS_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(1) var<storage, read> vecs: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
var<workgroup> acc: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let x = p.dst * p.n;
  let y = (p.src + wg.y) * p.n;
  var s = 0.0;
  for (var r = 0u; r < 4u; r++) {
    let i = wg.x * ${DOT_BLOCK}u + r * 256u + lid.x;
    if (i < p.n) { s += vecs[x + i] * vecs[y + i]; }
  }
  acc[lid.x] = s;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h >>= 1u) {
    if (lid.x < h) { acc[lid.x] += acc[lid.x + h]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { partials[wg.y * p.blocks + wg.x] = acc[0]; }
}
`;

/**
 * coef[j] = ⟨vecs[dst], vecs[src + j]⟩ whole, one invocation per j: for small n (DIRECT_DOTS_BELOW),
 * where the blocked dots' barriers and the extra reduce dispatch cost more than the sums themselves
 * (a software adapter runs the blocked form several times slower there).
 */
export const DIRECT_DOTS_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(1) var<storage, read> vecs: array<f32>;
@group(0) @binding(2) var<storage, read_write> coef: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= p.cnt) { return; }
  let x = p.dst * p.n;
  let y = (p.src + j) * p.n;
  var s = vec4<f32>(0.0);
  var i = 0u;
  for (; i + 4u <= p.n; i += 4u) {
    s += vec4<f32>(vecs[x + i], vecs[x + i + 1u], vecs[x + i + 2u], vecs[x + i + 3u]) * vec4<f32>(vecs[y + i], vecs[y + i + 1u], vecs[y + i + 2u], vecs[y + i + 3u]);
  }
  var t = s.x + s.y + s.z + s.w;
  for (; i < p.n; i++) { t += vecs[x + i] * vecs[y + i]; }
  coef[j] = t;
}
`;

/** Below this many points the solve's dot products run whole per invocation (DIRECT_DOTS_WGSL). */
export const DIRECT_DOTS_BELOW = 32_768;

/** coef[j] = the sum of dots' partials for j (one workgroup per j). */
export const REDUCE_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(1) var<storage, read> partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> coef: array<f32>;
var<workgroup> acc: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  var s = 0.0;
  for (var b = lid.x; b < p.blocks; b += 256u) { s += partials[wg.x * p.blocks + b]; }
  acc[lid.x] = s;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h >>= 1u) {
    if (lid.x < h) { acc[lid.x] += acc[lid.x + h]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { coef[wg.x] = acc[0]; }
}
`;

/**
 * The step's scalar bookkeeping in one invocation. scal holds α (m), β (m), then 1/norm and norm.
 * alpha: α_j = coef[0], and the three-term coefficients (β_{j−1}, α_j) into coef; beta: β_j = ‖w‖ and
 * its inverse (0 past a breakdown); norm: the start vector's norm and inverse.
 */
export function scalarWgsl(m: number): string {
  return /* wgsl */ `${PARAMS}
@group(0) @binding(1) var<storage, read_write> coef: array<f32>;
@group(0) @binding(2) var<storage, read_write> scal: array<f32>;
const M: u32 = ${m}u;
@compute @workgroup_size(1)
fn main() {
  if (p.op == ${OP.alpha}u) {
    let a = coef[0];
    scal[p.j] = a;
    if (p.j > 0u) { coef[0] = scal[M + p.j - 1u]; coef[1] = a; } else { coef[0] = a; }
  } else {
    let b = sqrt(max(coef[0], 0.0));
    if (p.op == ${OP.beta}u) { scal[M + p.j] = b; }
    scal[2u * M] = select(0.0, 1.0 / b, b > 1e-10);
    scal[2u * M + 1u] = b;
  }
}
`;
}

/** vecs[dst] −= Σ_{j<cnt} coef[j] · vecs[src + j]. */
export const SUBTRACT_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(1) var<storage, read> coef: array<f32>;
@group(0) @binding(2) var<storage, read_write> vecs: array<f32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.n) { return; }
  var s = vecs[p.dst * p.n + i];
  for (var j = 0u; j < p.cnt; j++) { s -= coef[j] * vecs[(p.src + j) * p.n + i]; }
  vecs[p.dst * p.n + i] = s;
}
`;

/** vecs[dst] = vecs[src] / ‖·‖, the inverse norm the scalar kernel left in scal. */
export function scaleWgsl(m: number): string {
  return /* wgsl */ `${PARAMS}
@group(0) @binding(1) var<storage, read> scal: array<f32>;
@group(0) @binding(2) var<storage, read_write> vecs: array<f32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.n) { return; }
  vecs[p.dst * p.n + i] = vecs[p.src * p.n + i] * scal[${2 * m}u];
}
`;
}

/** out[i·cnt + c] = Σ_{j<steps} ritz[c·steps + j] · basis_j[i], basis_j = vecs[src + j]; steps is P.j. */
export const COMBINE_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(1) var<storage, read> ritz: array<f32>;
@group(0) @binding(2) var<storage, read> vecs: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.rowStride;
  if (i >= p.n) { return; }
  for (var c = 0u; c < p.cnt; c++) {
    var s = 0.0;
    for (var j = 0u; j < p.j; j++) { s += ritz[c * p.j + j] * vecs[(p.src + j) * p.n + i]; }
    out[i * p.cnt + c] = s;
  }
}
`;
