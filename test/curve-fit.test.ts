import { describe, expect, it } from 'vitest';
import { findAbParams } from '../src/engine/find-ab-params';

describe('findAbParams', () => {
  it('matches umap-learn find_ab_params for the defaults', () => {
    // umap-learn 0.5.3: find_ab_params(1.0, 0.1) = (1.5769434603113077, 0.8950608779109733)
    const { a, b } = findAbParams(1.0, 0.1);
    expect(a).toBeCloseTo(1.577, 2);
    expect(b).toBeCloseTo(0.895, 2);
  });
  it('matches for min_dist 0.5', () => {
    // umap-learn: find_ab_params(1.0, 0.5) ≈ (0.5830, 1.3341)
    const { a, b } = findAbParams(1.0, 0.5);
    expect(a).toBeCloseTo(0.583, 2);
    expect(b).toBeCloseTo(1.334, 2);
  });
});
