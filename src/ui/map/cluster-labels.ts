// Where each cluster's name goes on the map, and what it says.

export interface ClusterLabel {
  text: string;
  x: number;
  y: number;
  size: number;
}

/**
 * Each cluster's centroid (in the frame's [-1, 1] units) and name: the majority label of its points
 * when there is a label column, else "cluster N". Noise gets none.
 */
export function clusterLabels(x: Float32Array, y: Float32Array, clusters: Int32Array, labels: string[] | null): ClusterLabel[] {
  const sums = new Map<number, { x: number; y: number; n: number; votes: Map<string, number> }>();
  for (let i = 0; i < clusters.length; i++) {
    const c = clusters[i]!;
    if (c < 0) continue;
    let s = sums.get(c);
    if (!s) {
      s = { x: 0, y: 0, n: 0, votes: new Map() };
      sums.set(c, s);
    }
    s.x += x[i]!;
    s.y += y[i]!;
    s.n++;
    if (labels) s.votes.set(labels[i]!, (s.votes.get(labels[i]!) ?? 0) + 1);
  }
  const out: ClusterLabel[] = [];
  for (const [c, s] of [...sums].sort((a, b) => a[0] - b[0])) {
    let text = `cluster ${c}`;
    let best = 0;
    for (const [label, votes] of s.votes) {
      if (votes > best) {
        best = votes;
        text = label === '' ? text : label;
      }
    }
    out.push({ text, x: s.x / s.n, y: s.y / s.n, size: s.n });
  }
  return out;
}
