// WGSL that both SGD programs (the fit's layout, wgsl-layout.ts, and the transform's, wgsl-transform.ts)
// share: the hash behind their negative samples and the tabulated gradients. The two must agree with
// each other and with the CPU (sgd-layout.ts, gradient-table.ts), so there is one copy.

/**
 * The shared functions. The program that includes them declares a uniform `p` with fields
 * a, b, gamma, exactBelow and size, and the gradient tables `attractT` and `repelT`.
 */
export const SGD_WGSL = /* wgsl */ `
fn hash32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

// floor(a·b / 2³²), exact: the host computes the same product exactly in float64.
fn mulhi(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u;
  let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
}

fn lookup(isAttract: bool, d2: f32) -> f32 {
  let x = (d2 / (1.0 + d2)) * f32(p.size);
  let i = u32(x);
  if (i >= p.size) { if (isAttract) { return attractT[p.size]; } return repelT[p.size]; }
  var lo: f32; var hi: f32;
  if (isAttract) { lo = attractT[i]; hi = attractT[i + 1u]; } else { lo = repelT[i]; hi = repelT[i + 1u]; }
  return lo + (x - f32(i)) * (hi - lo);
}

fn attract(d2: f32) -> f32 {
  if (d2 < p.exactBelow) {
    let pb = pow(d2, p.b);
    return (-2.0 * p.a * p.b * pb) / (d2 * (p.a * pb + 1.0));
  }
  return lookup(true, d2);
}

fn repel(d2: f32) -> f32 {
  if (d2 < p.exactBelow) {
    return (2.0 * p.gamma * p.b) / ((0.001 + d2) * (p.a * pow(d2, p.b) + 1.0));
  }
  return lookup(false, d2);
}

fn clip4(g: f32) -> f32 { return clamp(g, -4.0, 4.0); }
`;
