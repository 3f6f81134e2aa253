#!/usr/bin/env python3
"""Reference timings from native umap-learn (Debian's python3-umap-learn) on the same .npy the bench uses.

Usage: /usr/bin/python3 scripts/umap_learn_ref.py --data X.npy [--out EMB.npy] [--n-neighbors 15]
                                                 [--min-dist 0.1] [--seed 42] [--threads 2]

Prints one JSON line like the bench's: impl, n, d, wall_s (kNN + graph + init + optimise, JIT warm-up
excluded by a small fit first), phase seconds, peak_rss_mb. Quality is scored separately, with the
same scorer for every implementation (../shared/tools/embedding_quality.py or the bench's metrics).
"""
import argparse, json, os, resource, sys, time

p = argparse.ArgumentParser()
p.add_argument('--data', required=True)
p.add_argument('--out')
p.add_argument('--n-neighbors', type=int, default=15)
p.add_argument('--min-dist', type=float, default=0.1)
p.add_argument('--seed', type=int, default=42)
p.add_argument('--threads', type=int, default=2)
a = p.parse_args()
os.environ.setdefault('NUMBA_NUM_THREADS', str(a.threads))

import numpy as np
import umap
from umap import umap_ as U
from pynndescent import NNDescent

X = np.load(a.data).astype(np.float32)
n, d = X.shape

# Warm-up: compiles every numba kernel the real run uses (not counted, as for the anchors).
t = time.time()
umap.UMAP(n_neighbors=a.n_neighbors, min_dist=a.min_dist).fit(np.random.RandomState(0).rand(2100, d).astype(np.float32))
warm = time.time() - t

rs = np.random.RandomState(a.seed)
t0 = time.time()
knn_i, knn_d, _ = U.nearest_neighbors(X, a.n_neighbors, 'euclidean', {}, False, rs, low_memory=True, n_jobs=a.threads)
t1 = time.time()
graph, sigmas, rhos = U.fuzzy_simplicial_set(X, a.n_neighbors, rs, 'euclidean', knn_indices=knn_i, knn_dists=knn_d)
t2 = time.time()
n_epochs = 500 if n <= 10000 else 200
a_, b_ = U.find_ab_params(1.0, a.min_dist)
g = graph.tocoo(); g.sum_duplicates()
init = U.spectral_layout(X, g, 2, rs, metric='euclidean', metric_kwds={})
t3 = time.time()
emb, _ = U.simplicial_set_embedding(X, graph, 2, 1.0, a_, b_, 1.0, 5, n_epochs, init, rs, 'euclidean', {}, False, {}, False, parallel=True)
t4 = time.time()
if a.out:
    np.save(a.out, emb.astype(np.float32))
print(json.dumps({
    'impl': 'umap-learn', 'version': umap.__version__, 'backend': 'native', 'n': n, 'd': d,
    'wall_s': round(t4 - t0, 2), 'jit_warmup_s': round(warm, 1),
    'phases': {'knn': round(t1 - t0, 2), 'graph': round(t2 - t1, 2), 'init': round(t3 - t2, 2), 'optimise': round(t4 - t3, 2)},
    'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    'epochs': n_epochs, 'threads': a.threads,
}))
