"""LightGCN (He et al., SIGIR 2020) in PyTorch, written from the paper for tools/bench/gnn: the
reference clout's `lightgcn train` is measured against, on the same files with the same settings.

    python3 lightgcn_torch.py TRAIN TEST [--epochs N] [--eval-every N] [--layers L] [--dim D]
                              [--social TRUST] [--seed S]

TRAIN, TEST: lines "user item [count]" (tabs, commas or blanks; a header line naming no number is
skipped). Users and items are those of TRAIN (as clout's graph has them); test pairs of users TRAIN
lacks are skipped and items TRAIN lacks count as misses, as clout counts them. Prints CSV
epoch,loss,recall@20,ndcg@20,seconds (seconds: training time so far, evaluation excluded).

The model: E0 ~ N(0, 0.1^2); F = mean over k = 0..L of A_hat^k E0 with A_hat = D^-1/2 [0 R; R' 0]
D^-1/2; per epoch |R| samples (user uniform among users with an item, positive uniform among its
items, negative uniform among the others), shuffled, in batches: BPR loss mean(softplus(s_neg -
s_pos)) + l2/2 (|u0|^2 + |p0|^2 + |n0|^2) / batch, Adam. --social TRUST: the user rows average the
item aggregation with the friends' (D_S^-1/2 S D_S^-1/2), as clout's --social.
"""
import argparse
import math
import re
import sys
import time

import numpy as np
import torch


def read_pairs(path):
    out = []
    with open(path) as f:
        for line in f:
            parts = re.split(r"[\s,]+", line.strip())
            if len(parts) < 2 or not parts[0]:
                continue
            if not out and not parts[0].lstrip("-").isdigit():
                continue  # header
            out.append((parts[0], parts[1]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("test")
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--eval-every", type=int, default=10)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=2048)
    ap.add_argument("--social", default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)

    train = read_pairs(a.train)
    users, items = {}, {}
    for u, i in train:
        users.setdefault(u, len(users))
        items.setdefault(i, len(items))
    pairs = sorted({(users[u], items[i]) for u, i in train})
    n, m = len(users), len(items)
    tu = np.array([p[0] for p in pairs], dtype=np.int64)
    ti = np.array([p[1] for p in pairs], dtype=np.int64)
    pos_sets = [set() for _ in range(n)]
    for u, i in pairs:
        pos_sets[u].add(i)
    pos_lists = [np.array(sorted(s), dtype=np.int64) for s in pos_sets]

    test = {}
    for u, i in read_pairs(a.test):
        if u not in users:
            continue
        test.setdefault(users[u], []).append(items.get(i, -1))

    # the normalized bipartite adjacency (and the social block)
    du = np.bincount(tu, minlength=n).astype(np.float64)
    di = np.bincount(ti, minlength=m).astype(np.float64)
    w = 1.0 / np.sqrt(du[tu] * di[ti])
    rows = [tu, ti + n]
    cols = [ti + n, tu]
    vals = [w, w]
    if a.social:
        fr = read_pairs(a.social)
        sp = {(users[x], users[y]) for x, y in fr if x in users and y in users and x != y}
        sp |= {(y, x) for x, y in sp}
        sp = sorted(sp)
        su = np.array([p[0] for p in sp], dtype=np.int64)
        sv = np.array([p[1] for p in sp], dtype=np.int64)
        ds = np.bincount(su, minlength=n).astype(np.float64)
        half = np.where((ds > 0) & (du > 0), 0.5, 1.0)
        vals[0] = vals[0] * half[tu]
        rows.append(su)
        cols.append(sv)
        vals.append(half[su] / np.sqrt(ds[su] * ds[sv]))
    idx = torch.tensor(np.vstack([np.concatenate(rows), np.concatenate(cols)]))
    A = torch.sparse_coo_tensor(idx, torch.tensor(np.concatenate(vals), dtype=torch.float32), (n + m, n + m)).coalesce()
    A = A.to_sparse_csr()
    At = A.to_sparse_coo().t().coalesce().to_sparse_csr() if a.social else A

    E0 = torch.nn.Parameter(torch.randn(n + m, a.dim) * 0.1)
    opt = torch.optim.Adam([E0], lr=a.lr)

    class Prop(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return A @ x

        @staticmethod
        def backward(ctx, g):
            return At @ g

    def propagate():
        e = E0
        acc = E0
        for _ in range(a.layers):
            e = Prop.apply(e)
            acc = acc + e
        return acc / (a.layers + 1)

    active = np.array([u for u in range(n) if len(pos_lists[u])], dtype=np.int64)
    train_mask = torch.zeros(n, m, dtype=torch.bool)
    train_mask[torch.tensor(tu), torch.tensor(ti)] = True
    tusers = sorted(test)
    idcg = np.cumsum([1.0 / math.log2(j + 2) for j in range(20)])

    def evaluate():
        with torch.no_grad():
            F = propagate()
            U, I = F[:n], F[n:]
            rec = ndcg = 0.0
            for b in range(0, len(tusers), 512):
                us = tusers[b:b + 512]
                s = U[us] @ I.t()
                s[train_mask[us]] = -float("inf")
                top = torch.topk(s, 20, dim=1).indices.numpy()
                for r, u in enumerate(us):
                    gt = set(test[u])
                    hits = [1.0 if x in gt else 0.0 for x in top[r]]
                    rec += sum(hits) / len(test[u])
                    ndcg += sum(h / math.log2(j + 2) for j, h in enumerate(hits)) / idcg[min(len(test[u]), 20) - 1]
            return rec / len(tusers), ndcg / len(tusers)

    print("epoch,loss,recall@20,ndcg@20,seconds")
    spent = 0.0
    for ep in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        S = len(pairs)
        us = active[rng.integers(0, len(active), S)]
        ps = np.array([pos_lists[u][rng.integers(0, len(pos_lists[u]))] for u in us], dtype=np.int64)
        ns = rng.integers(0, m, S)
        for k in range(S):
            while ns[k] in pos_sets[us[k]]:
                ns[k] = rng.integers(0, m)
        perm = rng.permutation(S)
        us, ps, ns = torch.tensor(us[perm]), torch.tensor(ps[perm]), torch.tensor(ns[perm])
        total, nb = 0.0, 0
        for b in range(0, S, a.batch):
            u, p, q = us[b:b + a.batch], ps[b:b + a.batch] + n, ns[b:b + a.batch] + n
            F = propagate()
            fu, fp, fq = F[u], F[p], F[q]
            bpr = torch.nn.functional.softplus((fu * fq).sum(1) - (fu * fp).sum(1)).mean()
            reg = 0.5 * (E0[u].pow(2).sum() + E0[p].pow(2).sum() + E0[q].pow(2).sum()) / len(u)
            loss = bpr + a.l2 * reg
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            nb += 1
        spent += time.perf_counter() - t0
        if a.eval_every and (ep % a.eval_every == 0 or ep == a.epochs):
            r, g = evaluate()
            print(f"{ep},{total / nb},{r},{g},{spent:.3f}", flush=True)
        else:
            print(f"{ep},{total / nb},,,{spent:.3f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
