import { describe, expect, it } from 'vitest';
import { newPointQuality, newPointSample } from '../bench/transform-quality';
import { sampleIndices } from '../bench/quality';
import type { Matrix } from '../src/engine/types';

const mat = (rows: number[][]): Matrix => ({ data: Float32Array.from(rows.flat()), n: rows.length, d: rows[0]!.length });
const onLine = (xs: number[]): Matrix => mat(xs.map((x) => [x, 0]));

// Fitted points at 0, 10, 20, 30, 40 on a line, mapped where they are. New points at 1, 29, 41, 12, 36;
// the first is misplaced at 19 in the map, the others land where they are.
const fitted = mat([[0], [10], [20], [30], [40]]);
const fittedMap = onLine([0, 10, 20, 30, 40]);
const added = mat([[1], [29], [41], [12], [36]]);
const addedMap = onLine([19, 29, 41, 12, 36]);

describe('new-point quality on a hand-checked line (k = 2, 3-NN vote)', () => {
  const q = newPointQuality({ fitted, fittedMap, added, addedMap, fittedLabels: [0, 0, 1, 1, 1], addedLabels: [0, 1, 1, 0, 1] }, 2, 3);

  it('recall: the misplaced point keeps 1 of its 2 true fitted neighbours ({0, 10} vs {20, 10}), the rest keep both', () => {
    expect(q.recall15).toBeCloseTo((0.5 + 4) / 5, 12);
  });

  it('accuracy: the misplaced point votes {20, 10, 30} → label 1 (its label is 0); the other four are right', () => {
    expect(q.accuracy10).toBeCloseTo(4 / 5, 12);
  });

  it('trustworthiness of Q alone: the point at 29 has map neighbour 1 at high-D rank 4, penalty 2 of 5·2·3', () => {
    // sklearn.manifold.trustworthiness on these five rows gives 0.8666666666666667.
    expect(q.trustworthiness15).toBeCloseTo(1 - (2 * 2) / (5 * 2 * (2 * 5 - 3 * 2 - 1)), 12);
    expect(q.scored).toBe(5);
  });

  it('a sample scores only its rows: the four well-placed points are perfect', () => {
    const s = newPointQuality({ fitted, fittedMap, added, addedMap, fittedLabels: [0, 0, 1, 1, 1], addedLabels: [0, 1, 1, 0, 1], sample: Int32Array.from([1, 2, 3, 4]) }, 1, 1);
    expect(s.scored).toBe(4);
    expect(s.recall15).toBe(1);
    expect(s.accuracy10).toBe(1);
  });

  it('without labels for both sides there is no accuracy', () => {
    expect(newPointQuality({ fitted, fittedMap, added, addedMap, fittedLabels: [0, 0, 1, 1, 1] }, 2, 3).accuracy10).toBeNull();
  });
});

describe('new-point quality on a map that keeps the geometry', () => {
  // A 6 × 7 grid of fitted points, mapped at 4× scale (exact in float32): the same neighbours, ties included, in both spaces.
  const grid: number[][] = [];
  for (let i = 0; i < 6; i++) for (let j = 0; j < 7; j++) grid.push([i, j]);
  const news: number[][] = [];
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) news.push([i + 0.31 + 0.01 * j, j + 0.13 + 0.007 * i]);
  const scale = (m: Matrix) => ({ ...m, data: m.data.map((v) => 4 * v) });
  const labels = grid.map(([i]) => (i! < 3 ? 0 : 1));
  const newLabels = news.map(([x]) => (x! < 2.5 ? 0 : 1));

  it('scores 1 on every number', () => {
    const q = newPointQuality({ fitted: mat(grid), fittedMap: scale(mat(grid)), added: mat(news), addedMap: scale(mat(news)), fittedLabels: labels, addedLabels: newLabels });
    expect(q).toEqual({ scored: 36, recall15: 1, accuracy10: 1, trustworthiness15: 1 });
  });

  it('new points never count each other as neighbours: all piled onto one fitted point they still find R around it', () => {
    const piled = mat(news.map(() => [0, 0]));
    const q = newPointQuality({ fitted: mat(grid), fittedMap: mat(grid), added: piled, addedMap: piled }, 3, 3);
    expect(q.recall15).toBe(1);
  });
});

describe('new-point quality: shapes and the shared sample', () => {
  it('names a shape mismatch', () => {
    expect(() => newPointQuality({ fitted, fittedMap: onLine([0, 10, 20, 30]), added, addedMap }, 2, 3)).toThrow(/5 fitted rows but 4 fitted map rows/);
    expect(() => newPointQuality({ fitted, fittedMap, added: mat([[1, 1]]), addedMap: onLine([1]) }, 2, 3)).toThrow(/2 columns, the fitted ones 1/);
    expect(() => newPointQuality({ fitted, fittedMap, added, addedMap, fittedLabels: [0], addedLabels: [0, 1, 1, 0, 1] }, 2, 3)).toThrow(/1 labels for 5 fitted rows/);
  });

  it('takes every new point up to the cap, else the numpy draw the Python twin makes', () => {
    expect(Array.from(newPointSample(297, 2000))).toEqual(Array.from({ length: 297 }, (_, i) => i));
    expect(Array.from(newPointSample(10_000, 2000))).toEqual(Array.from(sampleIndices(10_000, 2000, 42)));
  });
});
