// WGSL sources of the GPU kNN: row norms, distance tiles, and the running top-k merge. Every program
// is ours: tfjs's WebGPU backend provides the device, and these run on it directly (see README,
// "WebGPU backend"). The layout's kernel is in wgsl-layout.ts.

/** Row norms, and for cosine the rows scaled to unit length, in place: one invocation per row. */
export const PREP_WGSL = /* wgsl */ `
struct P { rows: u32, d: u32, cosine: u32, pad: u32 };
@group(0) @binding(0) var<storage, read_write> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> norms: array<f32>;
@group(0) @binding(2) var<uniform> p: P;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= p.rows) { return; }
  let o = i * p.d;
  var s = 0.0;
  for (var t = 0u; t < p.d; t++) { let v = X[o + t]; s += v * v; }
  if (p.cosine == 1u) {
    let inv = select(0.0, inverseSqrt(s), s > 0.0);
    for (var t = 0u; t < p.d; t++) { X[o + t] = X[o + t] * inv; }
    norms[i] = select(0.0, 1.0, s > 0.0);
  } else {
    norms[i] = s;
  }
}
`;

// The three distance kernels below differ in tile size and in how each invocation accumulates its tile;
// their bindings, the staging of operand slices into workgroup memory and the final store are shared
// text, so a fix to any of them (e.g. the self-distance rule) lands in every variant.

/** Bindings and uniforms of every distance kernel (gpu-compute.ts binds them in this order). */
const DIST_BINDINGS = /* wgsl */ `struct P { nq: u32, nb: u32, d: u32, qStart: u32, bStart: u32, cosine: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<storage, read> Q: array<f32>;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> qn: array<f32>;
@group(0) @binding(3) var<storage, read> xn: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<uniform> p: P;`;

/**
 * Stage one k-slice of the query rows (Q → As) and data rows (X → Bs) into workgroup memory,
 * transposed to [k][row]; zero past the ends. Each of the 256 invocations loads `perInvocation`
 * elements of each operand; `kt` is the slice width and `tile` the tile's rows, as WGSL expressions.
 * Indented to sit in the body of the kernels' k0 loop.
 */
function stageSlice(perInvocation: string, kt: string, tile: string): string {
  return /* wgsl */ `for (var t = 0u; t < ${perInvocation}; t++) {
      let e = tid + t * 256u;
      let r = e / ${kt};
      let c = e % ${kt};
      let gk = k0 + c;
      var av = 0.0;
      var bv = 0.0;
      if (row0 + r < p.nq && gk < p.d) { av = Q[(row0 + r) * p.d + gk]; }
      if (col0 + r < p.nb && gk < p.d) { bv = X[(col0 + r) * p.d + gk]; }
      As[c * ${tile} + r] = av;
      Bs[c * ${tile} + r] = bv;
    }
    workgroupBarrier();`;
}

/**
 * Turn the dot product `dot` of query row r and data row c into the stored distance: cosine 1 − q·x
 * (unit rows) or squared euclidean |q|² + |x|² − 2 q·x, clamped at 0; a query's own row is +inf.
 * Lines after the first are indented by `indent` to sit in the caller's block.
 */
function storeDistance(indent: string): string {
  return /* wgsl */ `var v: f32;
${indent}if (p.cosine == 1u) { v = 1.0 - dot; } else { v = qn[r] + xn[c] - 2.0 * dot; }
${indent}v = max(v, 0.0);
${indent}if (p.qStart + r == p.bStart + c) { v = 3.0e38; }
${indent}out[r * p.nb + c] = v;`;
}

/**
 * Distances of a query chunk (nq × d) to a data block (nb × d): a 64 × 64 output tile per
 * workgroup, 4 × 4 per invocation, through 16-wide slices of both operands in workgroup memory.
 * Squared euclidean = |q|² + |x|² − 2 q·x, or cosine 1 − q·x on unit rows. A query's own row is +inf.
 */
export const DIST_WGSL_64 = /* wgsl */ `
${DIST_BINDINGS}

var<workgroup> As: array<f32, 1024>; // [k][row]
var<workgroup> Bs: array<f32, 1024>; // [k][col]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row0 = wg.y * 64u;
  let col0 = wg.x * 64u;
  let tid = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var i = 0u; i < 16u; i++) { acc[i] = 0.0; }
  for (var k0 = 0u; k0 < p.d; k0 += 16u) {
    ${stageSlice('4u', '16u', '64u')}
    for (var kk = 0u; kk < 16u; kk++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        a[i] = As[kk * 64u + lid.y + 16u * i];
        b[i] = Bs[kk * 64u + lid.x + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i * 4u + j] = acc[i * 4u + j] + a[i] * b[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + lid.y + 16u * i;
    if (r >= p.nq) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let c = col0 + lid.x + 16u * j;
      if (c >= p.nb) { continue; }
      let dot = acc[i * 4u + j];
      ${storeDistance('      ')}
    }
  }
}
`;

/**
 * Distances of a query chunk (nq × d) to a data block (nb × d): a 128 × 128 output tile per
 * workgroup of 16 × 16, 8 × 8 per invocation, through 16-wide slices of both operands held in
 * workgroup memory (16 KiB, WebGPU's guaranteed minimum).
 * Squared euclidean = |q|² + |x|² − 2 q·x, or cosine 1 − q·x on unit rows. A query's own row is +inf.
 */
export const DIST_WGSL_128 = /* wgsl */ `
${DIST_BINDINGS}

const T: u32 = 128u;
const KT: u32 = 16u;
const R: u32 = 8u;
var<workgroup> As: array<f32, 2048>; // [k][row]
var<workgroup> Bs: array<f32, 2048>; // [k][col]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row0 = wg.y * T;
  let col0 = wg.x * T;
  let tid = lid.y * 16u + lid.x;
  var acc: array<f32, 64>;
  for (var i = 0u; i < 64u; i++) { acc[i] = 0.0; }
  for (var k0 = 0u; k0 < p.d; k0 += KT) {
    ${stageSlice('8u', 'KT', 'T')}
    for (var kk = 0u; kk < KT; kk++) {
      var a: array<f32, 8>;
      var b: array<f32, 8>;
      for (var i = 0u; i < R; i++) {
        a[i] = As[kk * T + lid.y + 16u * i];
        b[i] = Bs[kk * T + lid.x + 16u * i];
      }
      for (var i = 0u; i < R; i++) {
        for (var j = 0u; j < R; j++) { acc[i * R + j] = fma(a[i], b[j], acc[i * R + j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < R; i++) {
    let r = row0 + lid.y + 16u * i;
    if (r >= p.nq) { continue; }
    for (var j = 0u; j < R; j++) {
      let c = col0 + lid.x + 16u * j;
      if (c >= p.nb) { continue; }
      let dot = acc[i * R + j];
      ${storeDistance('      ')}
    }
  }
}
`;

/**
 * The same distances with the register tile fully unrolled (R × R scalars per invocation, tile
 * 16·R): no dynamically indexed private arrays, which GPU compilers may otherwise put in local memory.
 */
export function distWgslUnrolled(R: 4 | 8): string {
  const T = 16 * R;
  const ids = (f: (i: number, j: number) => string) => {
    const out: string[] = [];
    for (let i = 0; i < R; i++) for (let j = 0; j < R; j++) out.push(f(i, j));
    return out.join('\n    ');
  };
  const loads: string[] = [];
  for (let i = 0; i < R; i++) {
    loads.push(`let a${i} = As[kk * T + lid.y + ${16 * i}u];`);
    loads.push(`let b${i} = Bs[kk * T + lid.x + ${16 * i}u];`);
  }
  return /* wgsl */ `
${DIST_BINDINGS}

const T: u32 = ${T}u;
const KT: u32 = 16u;
var<workgroup> As: array<f32, ${T * 16}>; // [k][row]
var<workgroup> Bs: array<f32, ${T * 16}>; // [k][col]

fn put(r: u32, c: u32, dot: f32) {
  if (r >= p.nq || c >= p.nb) { return; }
  ${storeDistance('  ')}
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let row0 = wg.y * T;
  let col0 = wg.x * T;
  let tid = lid.y * 16u + lid.x;
    ${ids((i, j) => `var c${i}_${j} = 0.0;`)}
  for (var k0 = 0u; k0 < p.d; k0 += KT) {
    ${stageSlice(`${R}u`, 'KT', 'T')}
    for (var kk = 0u; kk < KT; kk++) {
      ${loads.join('\n      ')}
    ${ids((i, j) => `c${i}_${j} = fma(a${i}, b${j}, c${i}_${j});`)}
    }
    workgroupBarrier();
  }
    ${ids((i, j) => `put(row0 + lid.y + ${16 * i}u, col0 + lid.x + ${16 * j}u, c${i}_${j});`)}
}
`;
}

/**
 * Partial top-k of each query's row of distances, merged with the query's best k so far (from earlier
 * blocks): one workgroup per query. Each invocation keeps a sorted list of k over a strided
 * slice of the row; invocation 0 then merges the 64 lists and the previous best.
 */
export function topkWgsl(k: number, wg = 64): string {
  return /* wgsl */ `
const K: u32 = ${k}u;
const WG: u32 = ${wg}u;
struct P { nq: u32, nb: u32, bStart: u32, first: u32 };
@group(0) @binding(0) var<storage, read> dist: array<f32>;
@group(0) @binding(1) var<storage, read_write> bestD: array<f32>;
@group(0) @binding(2) var<storage, read_write> bestI: array<i32>;
@group(0) @binding(3) var<uniform> p: P;

var<workgroup> sd: array<f32, ${wg * k}>;
var<workgroup> si: array<i32, ${wg * k}>;

@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let q = wg.x + wg.y * 65535u;
  if (q >= p.nq) { return; }
  var ld: array<f32, K>;
  var li: array<i32, K>;
  for (var t = 0u; t < K; t++) { ld[t] = 3.2e38; li[t] = -1; }
  let row = q * p.nb;
  for (var j = lid.x; j < p.nb; j += WG) {
    let v = dist[row + j];
    if (v < ld[K - 1u]) {
      var pos = K - 1u;
      while (pos > 0u && ld[pos - 1u] > v) {
        ld[pos] = ld[pos - 1u];
        li[pos] = li[pos - 1u];
        pos--;
      }
      ld[pos] = v;
      li[pos] = i32(p.bStart + j);
    }
  }
  for (var t = 0u; t < K; t++) { sd[lid.x * K + t] = ld[t]; si[lid.x * K + t] = li[t]; }
  workgroupBarrier();
  if (lid.x != 0u) { return; }
  var head: array<u32, ${wg + 1}>;
  for (var l = 0u; l < WG + 1u; l++) { head[l] = 0u; }
  var outD: array<f32, K>;
  var outI: array<i32, K>;
  for (var t = 0u; t < K; t++) {
    var bestV = 3.3e38;
    var bestL = 0u;
    for (var l = 0u; l < WG; l++) {
      if (head[l] < K) {
        let v = sd[l * K + head[l]];
        if (v < bestV) { bestV = v; bestL = l; }
      }
    }
    if (p.first == 0u && head[WG] < K) {
      let v = bestD[q * K + head[WG]];
      if (v <= bestV) { bestV = v; bestL = WG; }
    }
    if (bestL == WG) {
      outD[t] = bestV;
      outI[t] = bestI[q * K + head[WG]];
    } else {
      outD[t] = bestV;
      outI[t] = si[bestL * K + head[bestL]];
    }
    head[bestL] = head[bestL] + 1u;
  }
  for (var t = 0u; t < K; t++) { bestD[q * K + t] = outD[t]; bestI[q * K + t] = outI[t]; }
}
`;
}
