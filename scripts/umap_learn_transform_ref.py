#!/usr/bin/python3
"""umap-learn's UMAP.transform on the bench's split, with the bench's new-point metrics.

Fits umap-learn on FIT, transforms NEW, times the transform, and prints one JSON line with the numbers
`npm run bench -- --transform` prints, under the same names and definitions (bench/transform-quality.ts),
so the two compare on the same split. Q = the new points, R = the fitted points, exact euclidean
neighbours (sklearn's euclidean_distances, ties to the lower row index, as the bench breaks them):
- new_knn_recall_15: mean over q of |N15_X(q; R) ∩ N15_E(q; R)| / 15;
- new_knn10_acc: q's label by majority vote of its 10 nearest R points in 2-D (a tie goes to the label
  seen first in FIT then NEW, as the bench codes them), with labels for both files;
- new_trustworthiness_15: sklearn.manifold.trustworthiness of Q alone.
On more than --sample new points, the metrics score numpy's default_rng(42) draw of --sample of them,
the same rows the bench scores.

Defaults are the bench's: n_neighbors 15, min_dist 0.1, n_epochs by the app's rule (500 up to 10,000
fitted rows, else 200; the transform then runs n_epochs // 3, as in umap-learn; mapstream runs all n_epochs).
`transform_s` is the second transform call's time: the first, on a few rows, compiles numba's kernels.
With --transform-onto FIT_EMB.npy, umap-learn's transform places the points onto that map (mapstream's
--out) instead of its own fit, which tells a difference made by the fit from one made by the transform.
With --score-ours FIT_EMB.npy NEW_EMB.npy it also scores mapstream's maps (the bench's --out and
--out-transform) with these definitions, as a check on the bench's own scorer.

    /usr/bin/python3 scripts/umap_learn_transform_ref.py --fit FIT.npy --new NEW.npy \\
        [--fit-labels y.npy --new-labels y2.npy] [--seed 42] [--seeds 5] [--score-ours FIT_EMB.npy NEW_EMB.npy]

Needs umap-learn 0.5.3 (Debian: apt-get install -y umap-learn python3-sklearn).
"""
import argparse
import json
import time

import numpy as np
from sklearn.manifold import trustworthiness
from sklearn.metrics.pairwise import euclidean_distances


def nearest(queries, rows, k):
    """Exact k nearest rows of each query, nearest first, ties to the lower index."""
    out = np.empty((len(queries), k), dtype=np.int64)
    for s in range(0, len(queries), 256):
        d = euclidean_distances(queries[s:s + 256], rows, squared=True)
        out[s:s + 256] = np.argsort(d, axis=1, kind='stable')[:, :k]
    return out


def codes(*label_sets):
    """Integer codes in first-seen order over all sets together, as the bench codes labels."""
    index = {}
    out = []
    for labels in label_sets:
        out.append(np.array([index.setdefault(str(v), len(index)) for v in labels], dtype=np.int64))
    return out


def sample_rows(m, size):
    if m <= size:
        return np.arange(m)
    return np.sort(np.random.default_rng(42).choice(m, size, replace=False))


def new_point_metrics(x_fit, e_fit, x_new, e_new, y_fit, y_new, sample):
    xq, eq = x_new[sample], e_new[sample]
    n_x = nearest(xq, x_fit, 15)
    n_e = nearest(eq, e_fit, 15)
    recall = float(np.mean([len(set(a) & set(b)) / 15 for a, b in zip(n_x, n_e)]))
    accuracy = None
    if y_fit is not None and y_new is not None:
        votes = y_fit[n_e[:, :10]]
        n_classes = int(max(y_fit.max(), y_new.max())) + 1
        pred = np.array([np.bincount(v, minlength=n_classes).argmax() for v in votes])
        accuracy = float(np.mean(pred == y_new[sample]))
    trust = float(trustworthiness(xq, eq, n_neighbors=15))
    return {'new_knn_recall_15': round(recall, 4), 'new_knn10_acc': None if accuracy is None else round(accuracy, 4),
            'new_trustworthiness_15': round(trust, 4), 'transform_scored': int(len(sample))}


def run_umap_learn(a, x_fit, x_new, seed, n_epochs, onto=None):
    import umap
    model = umap.UMAP(n_neighbors=a.n_neighbors, min_dist=a.min_dist, n_epochs=n_epochs, random_state=seed, transform_seed=seed)
    t0 = time.perf_counter()
    e_fit = model.fit_transform(x_fit)
    fit_s = time.perf_counter() - t0
    if onto is not None:
        # transform reads only embedding_ of the fitted map: this places the points onto another map.
        model.embedding_ = e_fit = onto.copy()
    before = model.embedding_.copy()
    model.transform(x_new[:min(len(x_new), 32)])
    t0 = time.perf_counter()
    e_new = model.transform(x_new)
    transform_s = time.perf_counter() - t0
    moved = float(np.max(np.abs(model.embedding_ - before)))
    return e_fit, e_new, {'impl': 'umap-learn', 'version': umap.__version__, 'seed': seed, 'fit_s': round(fit_s, 2),
                          'transform_s': round(transform_s, 3), 'transform_n': int(len(x_new)), 'fitted_moved': moved,
                          'transform_epochs': n_epochs // 3}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--fit', required=True)
    ap.add_argument('--new', required=True)
    ap.add_argument('--fit-labels')
    ap.add_argument('--new-labels')
    ap.add_argument('--n-neighbors', type=int, default=15)
    ap.add_argument('--min-dist', type=float, default=0.1)
    ap.add_argument('--n-epochs', type=int)
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--seeds', type=int, default=1, help='run seeds SEED .. SEED+SEEDS-1 and print their mean too')
    ap.add_argument('--sample', type=int, default=2000)
    ap.add_argument('--score-ours', nargs=2, metavar=('FIT_EMB', 'NEW_EMB'))
    ap.add_argument('--no-umap-learn', action='store_true')
    ap.add_argument('--transform-onto', metavar='FIT_EMB', help="run umap-learn's transform onto this fitted map (e.g. mapstream's --out) instead of its own, to tell the fit's share of a difference from the transform's")
    a = ap.parse_args()
    x_fit = np.load(a.fit).astype(np.float32)
    x_new = np.load(a.new).astype(np.float32)
    if x_new.shape[1] != x_fit.shape[1]:
        raise SystemExit(f'{a.new} has {x_new.shape[1]} columns but {a.fit} has {x_fit.shape[1]}')
    y_fit = y_new = None
    if a.fit_labels and a.new_labels:
        y_fit, y_new = codes(np.load(a.fit_labels, allow_pickle=False), np.load(a.new_labels, allow_pickle=False))
    n_epochs = a.n_epochs or (500 if len(x_fit) <= 10000 else 200)
    sample = sample_rows(len(x_new), a.sample)
    base = {'n': int(len(x_fit)), 'd': int(x_fit.shape[1]), 'n_neighbors': a.n_neighbors, 'min_dist': a.min_dist, 'n_epochs': n_epochs}
    if a.score_ours:
        e_fit, e_new = (np.load(f).astype(np.float32) for f in a.score_ours)
        print(json.dumps({'impl': 'mapstream (scored here)', **base, **new_point_metrics(x_fit, e_fit, x_new, e_new, y_fit, y_new, sample)}), flush=True)
    if a.no_umap_learn:
        return
    rows = []
    onto = np.load(a.transform_onto).astype(np.float32) if a.transform_onto else None
    for seed in range(a.seed, a.seed + a.seeds):
        e_fit, e_new, line = run_umap_learn(a, x_fit, x_new, seed, n_epochs, onto)
        if onto is not None:
            line['onto'] = a.transform_onto
        line = {**line, **base, **new_point_metrics(x_fit, e_fit, x_new, e_new, y_fit, y_new, sample)}
        rows.append(line)
        print(json.dumps(line), flush=True)
    if len(rows) > 1:
        keys = ['new_knn_recall_15', 'new_knn10_acc', 'new_trustworthiness_15', 'transform_s', 'fitted_moved']
        mean = {k: None if rows[0][k] is None else round(float(np.mean([r[k] for r in rows])), 4) for k in keys}
        print(json.dumps({'impl': 'umap-learn', 'mean_of_seeds': [r['seed'] for r in rows], **base, **mean}), flush=True)


if __name__ == '__main__':
    main()
