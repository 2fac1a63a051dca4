"""The Python bindings against the command line on the bundled data: the same metrics table, the
same IM seeds and spreads, the same simulated spread; errors as CloutError."""
import csv
import io
import os
import subprocess

import numpy as np
import pytest

import clout

SRC = os.environ.get("SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("CLOUT", os.path.join(SRC, "build", "clout"))


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def snap(tmp_path_factory):
    d = tmp_path_factory.mktemp("py")
    path = str(d / "se.clout")
    X = os.path.join(SRC, "datasets", "stackexchange_christianity_cascades")
    run("ingest", "-q", "--header", "--edges", os.path.join(X, "graph.txt"), "--cascades",
        os.path.join(X, "train.txt"), "-o", path)
    return path


def table(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_metrics_match_the_cli(snap):
    g = clout.load(snap)
    cols = ["out_degree", "pagerank", "core", "reach_2", "conversions", "ic_range"]
    m = g.metrics(only=cols, hops=2, rr_sets=20000)
    cli = table(run("metrics", snap, "--hops", "2", "--only", ",".join(cols), "--rr-sets", "20000", "-q"))
    assert m["user"] == [r["user"] for r in cli]
    for c in cols:
        want = np.array([float(r[c]) for r in cli])
        # the CLI prints the shortest text that reads back exactly: equal bits
        assert np.array_equal(np.asarray(m[c], dtype=float), want), c


def test_im_and_simulate_match_the_cli(snap):
    g = clout.load(snap)
    seeds, spread = g.im(5, algo="imm", eps=0.2, seed=3)
    cli = table(run("im", snap, "-k", "5", "--algo", "imm", "--epsilon", "0.2", "--seed", "3", "-q"))
    assert seeds == [r["user"] for r in cli]
    assert np.array_equal(spread, [float(r["spread"]) for r in cli])
    s = g.simulate(seeds, sims=2000, seed=3)
    with open(os.path.join(os.path.dirname(snap), "seeds.txt"), "w") as f:
        f.write("\n".join(seeds) + "\n")
    rec = table(run("simulate", snap, "--seeds", os.path.join(os.path.dirname(snap), "seeds.txt"),
                    "--sims", "2000", "--seed", "3", "-q"))[0]
    assert s["spread"] == float(rec["spread"])
    assert abs(s["stderr"] - float(rec["stderr"])) <= 1e-12 * s["stderr"]
    assert len(s["sizes"]) == 2000 and s["sizes"].min() >= len(seeds)


def test_errors_raise(snap, tmp_path):
    with pytest.raises(clout.CloutError) as e:
        clout.load(str(tmp_path / "missing.clout"))
    assert e.value.status == -1003 and "missing.clout" in str(e.value)
    bad = tmp_path / "bad.clout"
    bad.write_bytes(b"not a snapshot at all")
    with pytest.raises(clout.CloutError) as e:
        clout.load(str(bad))
    assert e.value.status == -1002
    g = clout.load(snap)
    with pytest.raises(clout.CloutError):
        g.im(10**6)  # more seeds than users
    with pytest.raises(clout.CloutError):
        g.metrics(only=["gossip"])
    with pytest.raises(KeyError):
        g.simulate(["no such user"])


def test_from_edges_is_the_ingested_graph(tmp_path):
    # the same ties as an edge list file and as numpy arrays, with names and weights
    rng = np.random.default_rng(4)
    src = rng.integers(0, 300, 3000)
    dst = rng.integers(0, 300, 3000)
    w = rng.integers(1, 5, 3000).astype(np.float32)
    names = [f"u{i}" for i in range(300)]
    path = tmp_path / "e.txt"
    path.write_text("".join(f"u{a} u{b} {c:g}\n" for a, b, c in zip(src, dst, w)))
    run("ingest", "-q", "--edges", str(path), "-o", str(tmp_path / "e.clout"))
    g = clout.from_edges(src, dst, weights=w, names=names)
    g.save(str(tmp_path / "a.clout"))
    cols = "out_degree,w_out_degree,pagerank,core"
    a = table(run("metrics", str(tmp_path / "a.clout"), "--only", cols, "-q"))
    b = table(run("metrics", str(tmp_path / "e.clout"), "--only", cols, "-q"))
    # users are numbered in another order (names first vs first appearance): compare by id;
    # PageRank's sums then run in another order too
    ma = {r["user"]: r for r in a}
    mb = {r["user"]: r for r in b}
    for u, r in mb.items():
        for c in ("out_degree", "w_out_degree", "core"):
            assert ma[u][c] == r[c], (u, c)
        assert abs(float(ma[u]["pagerank"]) - float(r["pagerank"])) < 1e-12
    # users without ties exist in the arrays' graph (n = 300), not in the file's
    assert g.n == 300
    with pytest.raises(clout.CloutError):
        clout.from_edges([0, 5], [1, 2], n=3)
    with pytest.raises(clout.CloutError):
        clout.from_edges([0], [1], weights=[-1.0])
