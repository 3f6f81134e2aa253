import { describe, expect, it } from 'vitest';
import { DEFAULT_FORM, fieldProblems, readParams } from '../src/ui/params-form-model';

const form = (changes: Partial<typeof DEFAULT_FORM>) => ({ ...DEFAULT_FORM, ...changes });

describe('fieldProblems: the Run rules, told per field', () => {
  it('the defaults are fine, with or without data', () => {
    expect(fieldProblems(DEFAULT_FORM, null)).toEqual({});
    expect(fieldProblems(DEFAULT_FORM, 1797)).toEqual({});
  });

  it('syntax: each bad field has the message readParams throws for it', () => {
    const f = form({ nNeighbors: 'abc', minDist: '-1', seed: '1.5' });
    const problems = fieldProblems(f, 100);
    expect(problems.nNeighbors).toBe("n_neighbors must be a number (got 'abc').");
    expect(problems.minDist).toBe('min_dist must be ≥ 0 (got -1).');
    expect(problems.seed).toBe("seed must be a whole number (got '1.5').");
    expect(problems.spread).toBeUndefined();
    // Run reports the first of them, with the same words.
    expect(() => readParams(f)).toThrow(problems.nNeighbors);
  });

  it('ranges: spread, n_epochs, n_neighbors', () => {
    expect(fieldProblems(form({ spread: '0' }), null)).toEqual({ spread: 'spread must be > 0 (got 0).' });
    expect(fieldProblems(form({ nEpochs: '0' }), null)).toEqual({ nEpochs: 'n_epochs must be a positive integer or auto (got 0).' });
    expect(fieldProblems(form({ nEpochs: 'auto' }), null)).toEqual({});
    expect(fieldProblems(form({ nNeighbors: '1' }), null).nNeighbors).toBe('n_neighbors must be an integer ≥ 2 (got 1).');
  });

  it('rules across fields name the field their message starts with, using both values', () => {
    // min_dist 0.5 is fine with spread 1, and not with spread 0.2.
    expect(fieldProblems(form({ minDist: '0.5' }), null)).toEqual({});
    expect(fieldProblems(form({ minDist: '0.5', spread: '0.2' }), null)).toEqual({ minDist: 'min_dist (0.5) must not exceed spread (0.2).' });
    // n_neighbors against the data's size, once there are data.
    expect(fieldProblems(DEFAULT_FORM, null)).toEqual({});
    expect(fieldProblems(DEFAULT_FORM, 10).nNeighbors).toContain('The data has 10 points, but n_neighbors = 15 needs at least 16');
  });
});
