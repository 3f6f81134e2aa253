#!/usr/bin/python3
"""umap-learn's UMAP.transform on the digits split the engine's transform test uses, for comparison.

Fits on the first 1,500 rows of the bundled digits demo, transforms the other 297, and prints, for the
new points: recall@15 (exact 15-NN among the fitted points in the original space vs in the 2-D map),
10-NN accuracy (majority label of the 10 nearest fitted points in 2-D), trustworthiness@15 of the new
points alone, and the transform's time. Same parameters as the engine's defaults: n_neighbors=15,
min_dist=0.1, euclidean. Needs umap-learn (Debian: apt-get install -y umap-learn python3-sklearn).

    /usr/bin/python3 scripts/umap_learn_transform_ref.py [--seeds 5]
"""
import argparse
import os
import time

import numpy as np
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors
import umap

HERE = os.path.dirname(os.path.abspath(__file__))
DIGITS = os.path.join(HERE, '..', 'public', 'demo', 'digits')
N_FIT = 1500


def measure(x_fit, y_fit, x_new, y_new, seed):
    model = umap.UMAP(n_neighbors=15, min_dist=0.1, random_state=seed, transform_seed=seed)
    e_fit = model.fit_transform(x_fit)
    # The first transform also compiles numba code; time a second, identical call.
    model.transform(x_new)
    t0 = time.perf_counter()
    e_new = model.transform(x_new)
    seconds = time.perf_counter() - t0
    n_x = NearestNeighbors(n_neighbors=15).fit(x_fit).kneighbors(x_new, return_distance=False)
    n_e = NearestNeighbors(n_neighbors=15).fit(e_fit).kneighbors(e_new, return_distance=False)
    recall = np.mean([len(set(a) & set(b)) / 15 for a, b in zip(n_x, n_e)])
    votes = y_fit[n_e[:, :10]]
    pred = np.array([np.bincount(v, minlength=10).argmax() for v in votes])
    accuracy = float(np.mean(pred == y_new))
    trust = trustworthiness(x_new, e_new, n_neighbors=15)
    return recall, accuracy, trust, seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seeds', type=int, default=5)
    args = ap.parse_args()
    x = np.load(os.path.join(DIGITS, 'digits.npy')).astype(np.float32)
    y = np.load(os.path.join(DIGITS, 'digits.labels.npy')).astype(np.int64)
    x_fit, y_fit, x_new, y_new = x[:N_FIT], y[:N_FIT], x[N_FIT:], y[N_FIT:]
    print(f'umap-learn {umap.__version__}: fit {len(x_fit)}, transform {len(x_new)}')
    rows = []
    for seed in range(args.seeds):
        r = measure(x_fit, y_fit, x_new, y_new, seed)
        rows.append(r)
        print(f'seed {seed}: recall@15 {r[0]:.3f}  10-NN accuracy {r[1]:.3f}  trustworthiness@15 {r[2]:.3f}  transform {r[3]:.2f} s')
    m = np.mean(np.array(rows), axis=0)
    print(f'mean:   recall@15 {m[0]:.3f}  10-NN accuracy {m[1]:.3f}  trustworthiness@15 {m[2]:.3f}  transform {m[3]:.2f} s')


if __name__ == '__main__':
    main()
