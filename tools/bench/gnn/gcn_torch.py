"""A two-layer GCN (Kipf and Welling, ICLR 2017) in PyTorch, written from the paper for
tools/bench/gnn: the reference clout's `gcn train` is measured against.

    python3 gcn_torch.py EDGES LABELS [--seeds 10] [--epochs 200] [--patience 20]

Same model and settings as clout's defaults: A_hat = D^-1/2 (A + I) D^-1/2 of the edges read as
undirected (self-loops dropped first), identity features, hidden 64, ReLU, dropout 0.5 before each
layer, Adam lr 0.01 with weight decay 5e-4 on the first layer, a random 60/20/20 split of the
labelled nodes per seed, early stopping on the validation loss (patience epochs), best weights
kept. Prints one CSV row per seed (seed,test_accuracy,seconds) and the mean and standard deviation.
"""
import argparse
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("edges")
    ap.add_argument("labels")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--patience", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    lab = {}
    for line in open(a.labels):
        u, c = line.split()[:2]
        lab[u] = c
    ix = {}
    pairs = set()
    import gzip
    op = gzip.open if a.edges.endswith(".gz") else open
    for line in op(a.edges, "rt"):
        u, v = line.split()[:2]
        if u == v:
            continue
        for x in (u, v):
            ix.setdefault(x, len(ix))
        pairs.add((ix[u], ix[v]))
        pairs.add((ix[v], ix[u]))
    n = len(ix)
    classes = sorted(set(lab.values()), key=lambda c: (float(c), c))
    cix = {c: k for k, c in enumerate(classes)}
    y = torch.full((n,), -1, dtype=torch.long)
    for u, c in lab.items():
        if u in ix:
            y[ix[u]] = cix[c]
    r = [p[0] for p in pairs] + list(range(n))
    c = [p[1] for p in pairs] + list(range(n))
    deg = np.bincount(r, minlength=n).astype(np.float64)
    val = 1.0 / np.sqrt(deg[r] * deg[c])
    A = torch.sparse_coo_tensor(torch.tensor([r, c]), torch.tensor(val, dtype=torch.float32), (n, n)).coalesce()
    labelled = torch.nonzero(y >= 0).flatten()
    print("seed,test_accuracy,seconds")
    accs, secs = [], []
    for seed in range(1, a.seeds + 1):
        t0 = time.perf_counter()
        torch.manual_seed(seed)
        perm = labelled[torch.randperm(len(labelled))]
        ntr, nva = round(0.6 * len(perm)), round(0.2 * len(perm))
        tr, va, te = perm[:ntr], perm[ntr:ntr + nva], perm[ntr + nva:]
        W0 = torch.nn.Parameter(torch.empty(n, 64))
        W1 = torch.nn.Parameter(torch.empty(64, len(classes)))
        torch.nn.init.xavier_uniform_(W0)
        torch.nn.init.xavier_uniform_(W1)
        b0 = torch.nn.Parameter(torch.zeros(64))
        b1 = torch.nn.Parameter(torch.zeros(len(classes)))
        opt = torch.optim.Adam([dict(params=[W0, b0], weight_decay=5e-4), dict(params=[W1, b1], weight_decay=0)], lr=0.01)
        X = torch.eye(n)

        def forward(train):
            h = F.dropout(X, 0.5, train)
            h = torch.relu(torch.sparse.mm(A, h @ W0) + b0)
            h = F.dropout(h, 0.5, train)
            return torch.sparse.mm(A, h @ W1) + b1

        best, best_state, since = float("inf"), None, 0
        for ep in range(a.epochs):
            opt.zero_grad()
            loss = F.cross_entropy(forward(True)[tr], y[tr])
            loss.backward()
            opt.step()
            with torch.no_grad():
                vl = F.cross_entropy(forward(False)[va], y[va]).item()
            if vl < best:
                best, since = vl, 0
                best_state = [p.detach().clone() for p in (W0, b0, W1, b1)]
            else:
                since += 1
                if since >= a.patience:
                    break
        with torch.no_grad():
            for p, q in zip((W0, b0, W1, b1), best_state):
                p.copy_(q)
            acc = (forward(False)[te].argmax(1) == y[te]).float().mean().item()
        secs.append(time.perf_counter() - t0)
        accs.append(acc)
        print(f"{seed},{acc},{secs[-1]:.3f}", flush=True)
    print(f"# mean {statistics.mean(accs):.4f} sd {statistics.stdev(accs) if len(accs) > 1 else 0:.4f} "
          f"seconds per run {statistics.median(secs):.3f}")


if __name__ == "__main__":
    sys.exit(main())
