"""Sparse x dense peers for tools/bench/gnn: times torch's CSR product (1 and 2 threads) and scipy's
on the matrix and H clout-bench-spmm wrote to DIR, checks each result against clout's Y, and prints
the median seconds of REPS products.    python3 spmm_peers.py DIR [REPS]"""
import statistics
import sys
import time

import numpy as np

d_ = sys.argv[1]
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
n, m, nnz, d = map(int, open(f"{d_}/dims.txt").read().split())
ptr = np.fromfile(f"{d_}/ptr.bin", dtype="<i8")
idx = np.fromfile(f"{d_}/idx.bin", dtype="<i4")
val = np.fromfile(f"{d_}/val.bin", dtype="<f4")
H = np.fromfile(f"{d_}/H.bin", dtype="<f4").reshape(m, d)
Y = np.fromfile(f"{d_}/Y.bin", dtype="<f4").reshape(n, d)


def timed(fn):
    t = []
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        t.append(time.perf_counter() - t0)
    return statistics.median(t), out


try:
    import scipy.sparse as sp
    A = sp.csr_matrix((val, idx, ptr), shape=(n, m))
    s, out = timed(lambda: A @ H)
    print(f"scipy csr @ dense      {s:.4f} s  max difference {np.abs(out - Y).max():.3g}")
except ImportError:
    print("scipy: not installed (python3-scipy)")
try:
    import torch
    At = torch.sparse_csr_tensor(torch.from_numpy(ptr), torch.from_numpy(idx.astype(np.int64)), torch.from_numpy(val),
                                 size=(n, m))
    Ht = torch.from_numpy(H)
    for th in (1, 2):
        torch.set_num_threads(th)
        s, out = timed(lambda: At @ Ht)
        print(f"torch csr @ dense {th} thr {s:.4f} s  max difference {np.abs(out.numpy() - Y).max():.3g}")
except ImportError:
    print("torch: not installed (python3-torch)")
