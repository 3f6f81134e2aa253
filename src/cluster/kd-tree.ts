/**
 * A static 2-D kd-tree over points given as separate x/y arrays. Nodes are stored in flat typed
 * arrays (no objects), because HDBSCAN walks it millions of times for 100k points and object trees
 * would spend that time in the garbage collector.
 */
export interface KdTree {
  /** Point indices, permuted so that each node covers one contiguous range. */
  order: Uint32Array;
  /** Per node: [start, end) into order, children (-1 for leaves), bounding box. */
  start: Uint32Array;
  end: Uint32Array;
  left: Int32Array;
  right: Int32Array;
  minX: Float64Array;
  maxX: Float64Array;
  minY: Float64Array;
  maxY: Float64Array;
  nodeCount: number;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

const LEAF_SIZE = 16;

export function buildKdTree(x: ArrayLike<number>, y: ArrayLike<number>): KdTree {
  const n = x.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // A tree with leaves of >= LEAF_SIZE/2 points has fewer than 4n/LEAF_SIZE + 1 nodes.
  const cap = Math.max(1, Math.ceil((4 * n) / LEAF_SIZE) + 1);
  const t: KdTree = {
    order,
    start: new Uint32Array(cap),
    end: new Uint32Array(cap),
    left: new Int32Array(cap),
    right: new Int32Array(cap),
    minX: new Float64Array(cap),
    maxX: new Float64Array(cap),
    minY: new Float64Array(cap),
    maxY: new Float64Array(cap),
    nodeCount: 0,
    x,
    y,
  };
  const stack: number[] = [];
  const root = newNode(t, 0, n);
  stack.push(root);
  while (stack.length > 0) {
    const node = stack.pop()!;
    const s = t.start[node]!;
    const e = t.end[node]!;
    if (e - s <= LEAF_SIZE) continue;
    // Split the wider side at its median, so depth stays log n whatever the data's shape.
    const byX = t.maxX[node]! - t.minX[node]! >= t.maxY[node]! - t.minY[node]!;
    const mid = (s + e) >>> 1;
    select(order, byX ? x : y, s, e - 1, mid);
    const l = newNode(t, s, mid);
    const r = newNode(t, mid, e);
    t.left[node] = l;
    t.right[node] = r;
    stack.push(l, r);
  }
  return t;
}

function newNode(t: KdTree, s: number, e: number): number {
  const id = t.nodeCount++;
  t.start[id] = s;
  t.end[id] = e;
  t.left[id] = -1;
  t.right[id] = -1;
  let a = Infinity;
  let b = -Infinity;
  let c = Infinity;
  let d = -Infinity;
  for (let i = s; i < e; i++) {
    const p = t.order[i]!;
    const px = t.x[p]!;
    const py = t.y[p]!;
    if (px < a) a = px;
    if (px > b) b = px;
    if (py < c) c = py;
    if (py > d) d = py;
  }
  t.minX[id] = a;
  t.maxX[id] = b;
  t.minY[id] = c;
  t.maxY[id] = d;
  return id;
}

/** Hoare-style quickselect: after it, order[k] has the k-th smallest key in [lo, hi]. */
function select(order: Uint32Array, key: ArrayLike<number>, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const pivot = key[order[(lo + hi) >>> 1]!]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (key[order[i]!]! < pivot) i++;
      while (key[order[j]!]! > pivot) j--;
      if (i <= j) {
        const tmp = order[i]!;
        order[i] = order[j]!;
        order[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Squared distance from (px, py) to the node's bounding box (0 inside). */
export function boxDist2(t: KdTree, node: number, px: number, py: number): number {
  const dx = px < t.minX[node]! ? t.minX[node]! - px : px > t.maxX[node]! ? px - t.maxX[node]! : 0;
  const dy = py < t.minY[node]! ? t.minY[node]! - py : py > t.maxY[node]! ? py - t.maxY[node]! : 0;
  return dx * dx + dy * dy;
}

/**
 * Distance from every point to its k-th nearest neighbour, the point itself counted as the first
 * (HDBSCAN's core distance with min_samples = k, as in scikit-learn and the hdbscan package).
 */
export function kthNeighbourDistances(t: KdTree, k: number): Float64Array {
  const n = t.order.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const search = kthDistanceSearch(t, k);
  for (let q = 0; q < n; q++) out[q] = search(t.x[q]!, t.y[q]!);
  return out;
}

/**
 * A search for the distance from any position to its k-th nearest point of the tree (a point at
 * that very position counts). Its buffers are reused across calls.
 */
export function kthDistanceSearch(t: KdTree, k: number): (px: number, py: number) => number {
  const kk = Math.min(k, t.order.length);
  // Max-heap of the kk best squared distances so far; heap[0] is the worst of them.
  const heap = new Float64Array(kk);
  const stack = new Int32Array(64 * 4);
  return (px, py) => {
    let size = 0;
    let sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const node = stack[--sp]!;
      if (size === kk && boxDist2(t, node, px, py) >= heap[0]!) continue;
      const l = t.left[node]!;
      if (l < 0) {
        for (let i = t.start[node]!; i < t.end[node]!; i++) {
          const p = t.order[i]!;
          const dx = t.x[p]! - px;
          const dy = t.y[p]! - py;
          const d2 = dx * dx + dy * dy;
          if (size < kk) {
            heapPush(heap, size++, d2);
          } else if (d2 < heap[0]!) {
            heapReplaceTop(heap, kk, d2);
          }
        }
        continue;
      }
      const r = t.right[node]!;
      // Nearer child last, so it is searched first and tightens the bound sooner.
      const dl = boxDist2(t, l, px, py);
      const dr = boxDist2(t, r, px, py);
      if (dl < dr) {
        stack[sp++] = r;
        stack[sp++] = l;
      } else {
        stack[sp++] = l;
        stack[sp++] = r;
      }
    }
    return Math.sqrt(heap[0]!);
  };
}

function heapPush(h: Float64Array, size: number, v: number): void {
  let i = size;
  h[i] = v;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p]! >= h[i]!) break;
    const tmp = h[p]!;
    h[p] = h[i]!;
    h[i] = tmp;
    i = p;
  }
}

function heapReplaceTop(h: Float64Array, size: number, v: number): void {
  h[0] = v;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < size && h[l]! > h[m]!) m = l;
    if (r < size && h[r]! > h[m]!) m = r;
    if (m === i) return;
    const tmp = h[m]!;
    h[m] = h[i]!;
    h[i] = tmp;
    i = m;
  }
}
