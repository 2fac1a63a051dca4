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
    # only= as the command line's comma-separated text
    assert np.array_equal(g.metrics(only="core,pagerank", frame=False)["pagerank"], m["pagerank"])


def test_metrics_since_match_the_cli(snap):
    # the cascades' times run from 0 to about 2e8 s: counted after 1e8 s, as metrics --since
    cols = ["adoptions", "exposures", "conversions", "conversion_rate"]
    m = clout.load(snap).metrics(only=cols, since=1e8, frame=False)
    cli = table(run("metrics", snap, "--only", ",".join(cols), "--since", "100000000", "-q"))
    whole = clout.load(snap).metrics(only=cols, frame=False)
    for c in cols:
        assert np.array_equal(np.asarray(m[c], dtype=float), np.array([float(r[c]) for r in cli])), c
    assert 0 < m["conversions"].sum() < whole["conversions"].sum()
    with pytest.raises(clout.CloutError, match="time to count from"):
        clout.load(snap).metrics(only=cols, since=float("nan"))


def test_pagerank_layout_same_bits(snap, tmp_path):
    kept = str(tmp_path / "kept.clout")
    X = os.path.join(SRC, "datasets", "stackexchange_christianity_cascades")
    run("ingest", "-q", "--header", "--edges", os.path.join(X, "graph.txt"), "--cascades",
        os.path.join(X, "train.txt"), "--pagerank-layout", "-o", kept)
    want = clout.load(snap).metrics(only=["pagerank"], frame=False)["pagerank"]
    got = clout.load(kept, pagerank_layout=True).metrics(only=["pagerank"], frame=False)["pagerank"]
    assert np.array_equal(np.asarray(got), np.asarray(want))
    data = bytearray(open(kept, "rb").read())
    at = data.index(b"idx32", data.index(b"\xa8pagerank")) + 40
    data[at] ^= 0x10
    bad = str(tmp_path / "bad.clout")
    open(bad, "wb").write(bytes(data))
    clout.load(bad)  # the layout is not read unasked
    with pytest.raises(clout.CloutError, match="PageRank's layout"):
        clout.load(bad, pagerank_layout=True)
    # saved from Python: the same file as the command line writes, and back without it
    saved = str(tmp_path / "saved.clout")
    clout.load(snap).save(saved, pagerank_layout=True)
    assert open(saved, "rb").read() == open(kept, "rb").read()
    assert table(run("info", saved))[0]["pagerank_layout"] == "true"
    clout.load(saved).save(saved, pagerank_layout=False)
    assert table(run("info", saved))[0]["pagerank_layout"] == "false"


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
    # counts are checked before any buffer is sized by them (numpy would raise its own errors, or
    # try to allocate terabytes for k = 10**12)
    for call in (lambda: g.im(-1), lambda: g.im(10**12), lambda: g.im(2.5), lambda: g.simulate(["33"], sims=-1),
                 lambda: g.compare(ks=()), lambda: g.compare(ks=(0, 5)), lambda: g.compare(sims=0)):
        with pytest.raises(clout.CloutError) as e:
            call()
        assert e.value.status == -1001
        assert "must be a whole number" in str(e.value) or "at least one k" in str(e.value)


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


def test_compare_and_score_match_the_cli(snap):
    g = clout.load(snap)
    c = g.compare(algos=("imm", "degree", "pagerank"), ks=(1, 5, 3), sims=300, eps=0.2)
    cli = table(run("compare", snap, "--algos", "imm,degree,pagerank", "-k", "1,5,3", "--sims", "300",
                    "--epsilon", "0.2", "-q"))
    assert c["algo"] == [r["algo"] for r in cli] and c["k"] == [int(r["k"]) for r in cli]
    assert c["spread"] == [float(r["spread"]) for r in cli]
    assert c["stderr"] == [float(r["stderr"]) for r in cli]
    assert c["selected_k"] == [5] * len(cli)
    feats = ["out_degree", "pagerank", "core", "conversions"]
    s = g.score(features=feats, weights={"out_degree": 1, "pagerank": 2, "core": 0.5, "conversions": -1},
                normalize="minmax")
    cli = table(run("score", snap, "--features", ",".join(feats), "--weights",
                    "out_degree=1,pagerank=2,core=0.5,conversions=-1", "--normalize", "minmax", "-q"))
    assert s["user"] == [r["user"] for r in cli]
    assert np.array_equal(s["score"], [float(r["score"]) for r in cli])
    for f in feats:
        assert np.array_equal(s[f + "_contrib"], [float(r[f + "_contrib"]) for r in cli]), f
    s = g.score(features=feats, normalize="log-zscore", gate="conversions")
    cli = table(run("score", snap, "--features", ",".join(feats), "--normalize", "log-zscore", "--gate",
                    "conversions", "-q"))
    assert np.array_equal(s["score"], [float(r["score"]) for r in cli])
    assert np.array_equal(s["conversions_contrib"], [float(r["conversions_contrib"]) for r in cli])
    passes = np.array([float(x) for x in g.metrics(only=["conversions"])["conversions"]]) > 0
    assert 0 < passes.sum() < len(passes) and len(set(s["score"][~passes])) == 1
    assert s["score"][~passes][0] < s["score"][passes].min()
    with pytest.raises(ValueError):
        g.score(features=feats, gate="adoptions")
    # a dict of weights names some features (the others weigh 0, as --weights name=value), never others
    s = g.score(features=feats, weights={"pagerank": 2})
    cli = table(run("score", snap, "--features", ",".join(feats), "--weights", "pagerank=2", "-q"))
    assert np.array_equal(s["score"], [float(r["score"]) for r in cli])
    assert not s["core_contrib"].any() and s["pagerank_contrib"].any()
    with pytest.raises(ValueError, match="'gossip' is not one of the features"):
        g.score(features=feats, weights={"pagerank": 2, "gossip": 1})
    with pytest.raises(ValueError, match="'core' is named twice"):
        g.score(features=["core", "pagerank", "core"])


def test_ingest_equals_the_cli(snap, tmp_path):
    X = os.path.join(SRC, "datasets", "stackexchange_christianity_cascades")
    g = clout.ingest(edges=os.path.join(X, "graph.txt"), cascades=os.path.join(X, "train.txt"), header=True)
    h = clout.load(snap)
    assert g.user_ids() == h.user_ids()
    for a, b in zip(g.ties(), h.ties()):
        assert np.array_equal(a, b)
    with pytest.raises(clout.CloutError) as e:
        clout.ingest(edges=str(tmp_path / "missing.txt"))
    assert e.value.status == -1003 and "missing.txt" in str(e.value)


def test_igraph_round_trip_and_reference(snap):
    import igraph
    g = clout.load(snap)
    ig = g.to_igraph()
    src, dst, w = g.ties()
    assert ig.vcount() == g.n and ig.ecount() == len(src) and ig.vs["name"] == g.user_ids()
    # PageRank of the exported graph by igraph against clout's own
    pr = np.array(ig.pagerank(damping=0.85))
    mine = g.metrics(only=["pagerank"], frame=False)["pagerank"]
    assert np.max(np.abs(pr - mine)) < 1e-6
    back = clout.from_igraph(ig)
    assert back.user_ids() == g.user_ids()
    for a, b in zip(back.ties(), g.ties()):
        assert np.array_equal(a, b)
    # undirected: each tie once in igraph, both ways in clout
    u = clout.from_edges([0, 1, 2], [1, 2, 0], n=4, undirected=True)
    iu = u.to_igraph()
    assert not iu.is_directed() and iu.ecount() == 3 and len(u.ties()[0]) == 6


def test_weighted_undirected_pagerank(tmp_path):
    """An undirected graph with weights, its ties written both ways with repeats (NetHEPT):
    PageRank converges to a tight tolerance and agrees with igraph's on the same ties."""
    import igraph
    path = str(tmp_path / "nethept.clout")
    run("ingest", "-q", "--undirected", "--edges", os.path.join(SRC, "datasets", "nethept", "NetHEPT.txt.gz"),
        "-o", path)
    g = clout.load(path)
    src, dst, w = g.ties()
    ig = igraph.Graph(n=g.n, edges=list(zip(src.tolist(), dst.tolist())), directed=True)
    ref = np.array(ig.pagerank(damping=0.85, weights=w.astype(float).tolist()))
    rows = list(csv.DictReader(io.StringIO(run("metrics", path, "--only", "pagerank", "--tol", "1e-12", "-q"))))
    mine = np.array([float(r["pagerank"]) for r in rows])
    assert [r["user"] for r in rows] == g.user_ids()
    assert np.max(np.abs(mine - ref)) < 1e-10


def test_networkx_round_trip(snap):
    nx = pytest.importorskip("networkx")
    g = clout.load(snap)
    G = g.to_networkx()
    assert G.number_of_nodes() == g.n and G.number_of_edges() == len(g.ties()[0])
    back = clout.from_networkx(G)
    assert sorted(back.user_ids()) == sorted(g.user_ids())
    core = nx.core_number(nx.Graph(G))
    mine = dict(zip(g.user_ids(), g.metrics(only=["core"], frame=False)["core"]))
    assert all(core[u] == mine[u] for u in core)


def test_progress_phases(snap):
    # every phase is announced (done 0) before its counts and ends (done < 0); phases nest
    events = []
    clout.set_progress(lambda phase, done, total: events.append((phase, done)))
    try:
        g = clout.load(snap)
        g.im(k=5)
        g.metrics(only=["core", "clustering"])
    finally:
        clout.set_progress(None)
    open_ = []
    for phase, done in events:
        if done < 0:
            assert open_ and open_[-1] == phase, (phase, open_)
            open_.pop()
        elif not open_ or open_[-1] != phase:
            assert done == 0, (phase, done)
            open_.append(phase)
    assert not open_, open_
    names = {p for p, _ in events}
    assert {"RR sets", "greedy selection", "core", "clustering"} <= names, names


def test_progress_and_ctrl_c(snap, tmp_path):
    seen = []
    clout.set_progress(lambda phase, done, total: seen.append(phase))
    try:
        clout.load(snap).metrics(only=["ic_range"], rr_sets=3_000_000)
    finally:
        clout.set_progress(None)
    assert seen and all(isinstance(p, str) for p in seen)
    # Ctrl-C in the middle of a long call: the call stops, KeyboardInterrupt is raised
    script = tmp_path / "long.py"
    script.write_text(
        "import signal, sys, time, clout\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "import numpy as np\n"
        "r = np.random.default_rng(1)\n"
        "g = clout.from_edges(r.integers(0, 50000, 400000), r.integers(0, 50000, 400000))\n"
        "print('ready', flush=True)\n"
        "t0 = time.time()\n"
        "try:\n"
        "    g.metrics(only=['betweenness'], frame=False)  # about 20 s of work\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted %.2f' % (time.time() - t0), flush=True)\n"
        "    sys.exit(3)\n")
    import signal
    import time
    p = subprocess.Popen(["/usr/bin/python3", str(script)], stdout=subprocess.PIPE, text=True, env=os.environ)
    assert p.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=30)
    assert p.returncode == 3, out
    assert float(out.split()[1]) < 10


def test_user_ids_are_fast(snap):
    g = clout.from_edges(np.arange(200000), np.arange(1, 200001))
    import time
    t0 = time.perf_counter()
    ids = g.user_ids()
    assert len(ids) == 200001 and ids[5] == "5"
    assert time.perf_counter() - t0 < 1.0


def test_metrics_columns_are_views(snap):
    g = clout.load(snap)
    m = g.metrics(only=["pagerank", "core"], frame=False)
    pr, core = m["pagerank"], m["core"]
    assert not pr.flags.owndata and not core.flags.owndata  # clout's buffers, not copies
    del m
    import gc
    gc.collect()
    # the table stays alive while a column is viewed
    assert abs(pr.sum() - 1.0) < 1e-9 and core.min() >= 0


def test_evaluate_matches_the_cli(snap, tmp_path):
    g = clout.load(snap)
    m = g.metrics(only=["out_degree", "pagerank", "core", "conversions"], frame=False)
    cols = ["out_degree", "pagerank", "core"]
    with open(tmp_path / "s.csv", "w") as f:
        f.write("user," + ",".join(cols) + "\n")
        for i, u in enumerate(m["user"]):
            f.write(u + "," + ",".join(repr(float(m[c][i])) for c in cols) + "\n")
    with open(tmp_path / "t.csv", "w") as f:
        f.write("user,conversions\n")
        for i, u in enumerate(m["user"]):
            f.write(f"{u},{int(m['conversions'][i])}\n")
    cli = table(run("evaluate", "--scores", str(tmp_path / "s.csv"), "--truth", str(tmp_path / "t.csv"), "--k", "5,50",
                    "--bootstrap", "50", "--seed", "3", "--baseline", "pagerank", "-q"))
    e = clout.evaluate({c: m[c] for c in cols}, m["conversions"], k=(5, 50), bootstrap=50, seed=3, baseline="pagerank")
    assert len(cli) == len(e["value"]) == 3 * (3 + 2 * 2)
    num = lambda x: float(x) if x != "" else float("nan")
    for i, r in enumerate(cli):
        assert (r["column"], r["metric"]) == (e["column"][i], e["metric"][i])
        assert (int(r["k"]) if r["k"] else None) == e["k"][i]
        for key in ("value", "ci95_low", "ci95_high", "diff", "diff_ci95_low", "diff_ci95_high"):
            a, b = num(r[key]), e[key][i]
            assert a == b or (np.isnan(a) and np.isnan(b)), (i, key, a, b)
    with pytest.raises(clout.CloutError):
        clout.evaluate({"a": [1.0, 2.0]}, [1.0, 2.0, 3.0])
    with pytest.raises(clout.CloutError):
        clout.evaluate({"a": [1.0, float("nan")]}, [1.0, 2.0])
    with pytest.raises(clout.CloutError):
        clout.evaluate({"a": [1.0, 2.0]}, [1.0, 2.0], k=(0,))


def test_split_items_is_the_by_hand_recipe(tmp_path):
    # score --learn --split-items R against its recipe done by hand: the items halved as
    # clout_item_halves says, one snapshot from the rows on the first half (the features) and one
    # from the rows on the other (metrics conversions: the target), a --target fit per split; the
    # weights are the mean of the R fits'
    import ctypes as C
    import random
    rng = random.Random(3)
    nu, ni = 80, 40
    # every user has ties, so every snapshot lists the same users
    ties = {(u, (u + 1) % nu) for u in range(nu)} | {(rng.randrange(nu), rng.randrange(nu)) for _ in range(400)}
    (tmp_path / "ties.txt").write_text("".join(f"u{a} u{b}\n" for a, b in sorted(ties) if a != b))
    rows = [(f"u{rng.randrange(nu)}", f"i{rng.randrange(ni)}", rng.randrange(10000)) for _ in range(1500)]
    (tmp_path / "log.csv").write_text("user,item,time\n" + "".join(f"{u},{i},{t}\n" for u, i, t in rows))
    ties_arg = ["--edges", str(tmp_path / "ties.txt")]
    run("ingest", "-q", *ties_arg, "--interactions", str(tmp_path / "log.csv"), "-o", str(tmp_path / "all.clout"))
    g = clout.load(str(tmp_path / "all.clout"))
    items = clout._idmap_names(C.cast(g._g, C.POINTER(clout._GraphHead)).contents.items)
    assert len(items) == ni
    halves = clout._lib.clout_item_halves
    halves.restype = C.c_int
    halves.argtypes = [C.c_int64, C.c_int64, C.c_uint64, C.c_void_p, C.c_char_p]
    feats = "out_degree,in_degree,pagerank,adoptions,exposures,conversions"
    seed, R = 4, 3
    by_hand = []
    for r in range(R):
        first = (C.c_uint8 * ni)()
        assert halves(ni, r, seed, first, C.create_string_buffer(256)) == 0
        a = {items[k] for k in range(ni) if first[k]}
        assert len(a) == ni // 2
        for name, keep in (("a", lambda i: i in a), ("b", lambda i: i not in a)):
            (tmp_path / f"{name}.csv").write_text(
                "user,item,time\n" + "".join(f"{u},{i},{t}\n" for u, i, t in rows if keep(i)))
            run("ingest", "-q", *ties_arg, "--interactions", str(tmp_path / f"{name}.csv"), "-o",
                str(tmp_path / f"{name}.clout"))
        run("metrics", str(tmp_path / "b.clout"), "--only", "conversions", "-q", "-o", str(tmp_path / "t.csv"))
        run("score", str(tmp_path / "a.clout"), "--features", feats, "--learn", "ridge", "--target",
            str(tmp_path / "t.csv"), "--target-col", "conversions", "--target-transform", "log1p", "--folds", "0",
            "--save-weights", str(tmp_path / f"w{r}.csv"), "-q", "-o", os.devnull)
        by_hand.append(table((tmp_path / f"w{r}.csv").read_text()))
    run("score", str(tmp_path / "all.clout"), "--features", feats, "--learn", "ridge", "--split-items", str(R),
        "--seed", str(seed), "--target-transform", "log1p", "--folds", "0", "--save-weights",
        str(tmp_path / "w.csv"), "-q", "-o", os.devnull)
    got = table((tmp_path / "w.csv").read_text())
    assert [w["feature"] for w in got] == feats.split(",") + ["(intercept)"]
    for j, w in enumerate(got):
        want = np.mean([float(h[j]["weight"]) for h in by_hand])
        se = np.mean([float(h[j]["se"]) for h in by_hand])
        assert abs(float(w["weight"]) - want) < 1e-9 * max(1, abs(want)), (w["feature"], w["weight"], want)
        assert abs(float(w["se"]) - se) < 1e-9 * max(1, se), (w["feature"], w["se"], se)
    # the splits differ, so the mean is not any one fit
    assert len({h[0]["weight"] for h in by_hand}) == R
    assert int(got[0]["users"]) == nu
