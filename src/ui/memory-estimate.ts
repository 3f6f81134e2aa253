/**
 * Bytes a UMAP job holds at its peak: the float32 vectors (once, shared; once more per Worker in
 * transfer mode), the kNN lists (index + distance), the symmetric fuzzy graph in CSR (row offsets,
 * column, weight, epochs-per-sample, both directions) and a few copies of the embedding.
 */
export function estimateJobBytes(n: number, d: number, nNeighbors: number, opts: { shared: boolean; workers: number; nComponents?: number }): number {
  const vectors = n * d * 4 * (opts.shared ? 1 : 1 + opts.workers);
  const knn = n * nNeighbors * 8;
  const graph = 2 * n * nNeighbors * (4 + 4 + 4) + n * 4;
  const embedding = n * (opts.nComponents ?? 2) * 4 * 3;
  return vectors + knn + graph + embedding;
}

export function formatBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1 << 20) return `${(b / 1024).toFixed(0)} KB`;
  if (b < 1 << 30) return `${(b / (1 << 20)).toFixed(b < 10 << 20 ? 1 : 0)} MB`;
  return `${(b / (1 << 30)).toFixed(2)} GB`;
}
