import type { Metric } from '../engine/types';

/**
 * The UMAP parameters as the user typed them (form fields, link keys): text until validated, so a
 * half-typed value survives a link round trip and the form can name what is wrong with it.
 */
export interface ParamsFormState {
  nNeighbors: string;
  minDist: string;
  spread: string;
  nEpochs: string;
  metric: Metric;
  seed: string;
  nComponents: '2' | '3';
}
