"""clout from Python: a ctypes binding over libclout (no compiler needed).

Graphs from snapshots, files, numpy arrays, networkx or python-igraph; the key-user metrics table
as numpy arrays (or a pandas DataFrame); influence maximization, Monte Carlo simulation, the IM
experiment and influence scores, with clout's errors raised as CloutError. The library is found
through $CLOUT_LIB (a path to libclout.so), then `pkg-config --variable=libdir clout`, then the
build tree beside this package (../build/libclout.so), then the system's loader.

    import clout
    g = clout.load("wiki.clout")                  # or clout.ingest(edges="wiki.txt.gz")
    m = g.metrics(only=["pagerank", "core"])      # {"user": [...], "pagerank": ndarray, ...}
    seeds, spread = g.im(k=10)                    # user ids, estimated spread after each seed
    g.simulate(seeds, sims=10000)                 # {"spread": ..., "stderr": ...}
    g.compare(ks=[1, 5, 10])                      # the table of clout compare
    g.score()                                     # {"user", "score", "<feature>_contrib"...}

Every call runs in C with the GIL released (ctypes releases it around every foreign call).
Ctrl-C stops a running call: it raises KeyboardInterrupt once the call has cleaned up.
clout.set_progress(fn) receives (phase, done, total) from long calls (clout.tqdm_progress() draws
them with tqdm when it is installed). The metrics columns are views of clout's own buffers (no
copy; the table is freed with the last array); the other results are numpy arrays filled once.
"""
import ctypes as C
import os
import signal
import subprocess
import threading

import numpy as np

__all__ = ["CloutError", "Graph", "load", "ingest", "from_edges", "from_networkx", "from_igraph", "version",
           "set_progress", "tqdm_progress"]

MSG_LEN = 512


class CloutError(RuntimeError):
    """A clout call failed: .status is clout's status code, str() its message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _find_library():
    cands = []
    if os.environ.get("CLOUT_LIB"):
        cands.append(os.environ["CLOUT_LIB"])
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "clout"], capture_output=True, text=True,
                                check=True).stdout.strip()
        if libdir:
            cands.append(os.path.join(libdir, "libclout.so"))
    except (OSError, subprocess.CalledProcessError):
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    cands.append(os.path.join(here, "..", "..", "build", "libclout.so"))
    cands.append("libclout.so")
    for c in cands:
        try:
            return C.CDLL(c)
        except OSError:
            continue
    raise ImportError("clout: libclout.so not found (set CLOUT_LIB, install clout, or build it in ../build)")


_lib = _find_library()


class _ProbModel(C.Structure):
    _fields_ = [("kind", C.c_int), ("p", C.c_double), ("seed", C.c_uint64), ("window", C.c_double),
                ("a", C.c_double), ("b", C.c_double)]


class _FeaturesOpts(C.Structure):
    _fields_ = [("only", C.c_char_p), ("hops", C.c_int), ("max_depth", C.c_int), ("damping", C.c_double),
                ("tol", C.c_double), ("max_iter", C.c_int), ("personal", C.POINTER(C.c_double)),
                ("betweenness_samples", C.c_int64), ("seed", C.c_uint64), ("lt", C.c_bool),
                ("prob", _ProbModel), ("rr_sets", C.c_int64), ("sims", C.c_int64), ("approx", C.c_bool),
                ("approx_registers", C.c_int), ("window", C.c_double), ("consume", C.c_bool),
                ("since", C.c_double)]


class _FeatureCol(C.Structure):
    _fields_ = [("name", C.c_char_p), ("type", C.c_int), ("ints", C.POINTER(C.c_int64)),
                ("reals", C.POINTER(C.c_double))]


class _Features(C.Structure):
    _fields_ = [("n", C.c_int64), ("ncols", C.c_int), ("cols", C.POINTER(_FeatureCol)),
                ("pagerank_iters", C.c_int), ("seconds", C.c_double * 11)]


class _ReadOpts(C.Structure):
    _fields_ = [("undirected", C.c_bool), ("dedupe", C.c_int), ("aggregate", C.c_int), ("header", C.c_bool),
                ("reverse", C.c_bool), ("skip_bad_lines", C.c_bool), ("sep", C.c_char),
                ("user_col", C.c_char_p), ("item_col", C.c_char_p), ("action_col", C.c_char_p),
                ("time_col", C.c_char_p), ("weight_col", C.c_char_p), ("date_cols", C.c_char_p),
                ("action_weights", C.c_char_p), ("default_action_weight", C.c_double),
                ("has_default_action_weight", C.c_bool), ("item_prefix", C.c_char_p), ("action", C.c_char_p),
                ("columns", C.c_char_p)]


class _ImParams(C.Structure):
    _fields_ = [("algo", C.c_int), ("lt", C.c_bool), ("k", C.c_int), ("eps", C.c_double), ("delta", C.c_double),
                ("seed", C.c_uint64), ("est_rse", C.c_double), ("sims", C.c_int64)]


_vp = C.c_void_p
_sig = {
    "clout_init": (C.c_int, [C.c_char_p]),
    "clout_snapshot_load": (C.c_int, [C.POINTER(_vp), C.c_char_p, C.c_char_p]),
    "clout_snapshot_load_parts": (C.c_int, [C.POINTER(_vp), C.c_char_p, C.c_uint, C.c_char_p]),
    "clout_graph_free": (None, [C.POINTER(_vp)]),
    "clout_graph_users": (C.c_int64, [_vp]),
    "clout_set_threads": (C.c_int, [C.c_int, C.c_char_p]),
    "clout_features_opts_init": (None, [C.POINTER(_FeaturesOpts)]),
    "clout_features_compute": (C.c_int, [_vp, C.POINTER(_FeaturesOpts), C.POINTER(C.POINTER(_Features)), C.c_char_p]),
    "clout_features_free": (None, [C.POINTER(C.POINTER(_Features))]),
    "clout_prob_parse": (C.c_int, [C.c_char_p, C.POINTER(_ProbModel), C.c_char_p]),
    "clout_influence_new": (C.c_int, [C.POINTER(_vp), _vp, C.POINTER(_ProbModel), C.c_uint, C.c_char_p]),
    "clout_influence_free": (None, [C.POINTER(_vp)]),
    "clout_im_params_init": (None, [C.POINTER(_ImParams)]),
    "clout_im_algo_parse": (C.c_int, [C.c_char_p, C.POINTER(C.c_int)]),
    "clout_im_select": (C.c_int, [_vp, _vp, C.POINTER(_ImParams), C.POINTER(C.c_int64), C.POINTER(C.c_double),
                                  _vp, C.c_char_p]),
    "clout_simulate": (C.c_int, [_vp, C.c_bool, C.POINTER(C.c_int64), C.c_int64, C.c_int64, C.c_uint64,
                                 C.POINTER(C.c_int64), C.POINTER(C.c_int64), C.c_char_p]),
    "clout_idmap_find": (C.c_int64, [_vp, C.c_char_p, C.c_size_t]),
    "clout_idmap_name": (C.c_char_p, [_vp, C.c_int64, C.POINTER(C.c_size_t)]),
    "clout_status_name": (C.c_char_p, [C.c_int]),
    "clout_read_opts_init": (None, [C.POINTER(_ReadOpts)]),
    "clout_builder_new": (C.c_int, [C.POINTER(_vp), C.POINTER(_ReadOpts), C.c_char_p]),
    "clout_builder_free": (None, [C.POINTER(_vp)]),
    "clout_builder_add_ties": (C.c_int, [_vp, C.c_int64, C.POINTER(C.c_char_p), C.POINTER(C.c_int64),
                                         C.POINTER(C.c_int64), C.POINTER(C.c_float), C.c_int64, C.c_char_p]),
    "clout_builder_finish": (C.c_int, [C.POINTER(_vp), C.POINTER(_vp), C.c_char_p]),
    "clout_snapshot_save": (C.c_int, [_vp, C.c_char_p, C.c_char_p]),
    "clout_graph_keep_pagerank_layout": (None, [_vp, C.c_bool]),
    "clout_idmap_blob": (None, [_vp, C.POINTER(C.c_void_p), C.POINTER(C.POINTER(C.c_int64))]),
    "clout_idmap_size": (C.c_int64, [_vp]),
    "clout_builder_add_edges": (C.c_int, [_vp, C.c_char_p, C.POINTER(_ReadOpts), C.c_char_p]),
    "clout_builder_add_log": (C.c_int, [_vp, C.c_char_p, C.POINTER(_ReadOpts), C.c_char_p]),
    "clout_builder_add_cascades": (C.c_int, [_vp, C.c_char_p, C.POINTER(_ReadOpts), C.c_char_p]),
    "clout_simulate_prefixes": (C.c_int, [_vp, C.c_bool, C.POINTER(C.c_int64), C.POINTER(C.c_int64), C.c_int,
                                          C.c_int64, C.c_uint64, C.POINTER(C.c_int64), C.c_char_p]),
    "clout_normalize": (C.c_int, [C.POINTER(C.c_double), C.c_int64, C.c_int, C.POINTER(C.c_double), C.c_char_p]),
    "clout_norm_parse": (C.c_int, [C.c_char_p, C.POINTER(C.c_int)]),
    "clout_score_sum": (C.c_int, [C.POINTER(C.c_double), C.c_int64, C.c_int, C.POINTER(C.c_double),
                                  C.POINTER(C.c_double), C.POINTER(C.c_double), C.c_char_p]),
    "clout_score_gate": (C.c_int, [C.POINTER(C.c_double), C.c_int64, C.c_int, C.POINTER(C.c_double),
                                   C.POINTER(C.c_double), C.c_char_p]),
    "clout_set_progress_handler": (None, [C.c_void_p, C.c_void_p]),
    "clout_set_interruption_handler": (None, [C.c_void_p, C.c_void_p]),
    "clout_graph_social_edges": (C.c_int64, [_vp]),
    "clout_eval_interval": (C.c_int, [C.POINTER(C.c_double), C.POINTER(C.c_double), C.c_int64,
                                      C.POINTER(C.c_double), C.POINTER(C.c_double), C.c_char_p]),
    "clout_eval_bootstrap": (C.c_int, [C.POINTER(C.c_double), C.c_int, C.POINTER(C.c_double), C.c_int64,
                                       C.POINTER(C.c_int64), C.c_int, C.c_int64, C.c_uint64, C.POINTER(C.c_double),
                                       C.c_char_p]),
}
for _name, (_res, _args) in _sig.items():
    _f = getattr(_lib, _name)
    _f.restype = _res
    _f.argtypes = _args


def _check(status, msg):
    if status < 0:
        raise CloutError(status, msg.value.decode(errors="replace") or _lib.clout_status_name(status).decode())


_msg0 = C.create_string_buffer(MSG_LEN)
_check(_lib.clout_init(_msg0), _msg0)


def version():
    """The library's version string."""
    return "0.1.0"


# the graph struct's first fields (include/clout.h): S, R, T, users, items
class _GraphHead(C.Structure):
    _fields_ = [("S", _vp), ("R", _vp), ("T", _vp), ("users", _vp), ("items", _vp)]


class _GraphFlags(C.Structure):
    _fields_ = [("S", _vp), ("R", _vp), ("T", _vp), ("users", _vp), ("items", _vp), ("directed", C.c_bool)]


def _find_graphblas():
    for name in ("libgraphblas.so.7", "libgraphblas.so"):
        try:
            return C.CDLL(name)
        except OSError:
            continue
    raise ImportError("clout: libgraphblas not found")


_gb = _find_graphblas()
_gb.GrB_Matrix_nvals.argtypes = [C.POINTER(C.c_uint64), C.c_void_p]
_gb.GrB_Matrix_extractTuples_FP32.argtypes = [C.c_void_p, C.c_void_p, C.c_void_p, C.POINTER(C.c_uint64), C.c_void_p]


def _whole(name, v, lo, hi):
    """v as an int in [lo, hi], else CloutError(CLOUT_ERR_INVALID) before any buffer is sized by it"""
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= hi:
        raise CloutError(-1001, f"{name} must be a whole number from {lo} to {hi}, got {v!r}")
    return int(v)


def _idmap_names(m):
    n = _lib.clout_idmap_size(m)
    if n == 0:
        return []
    blob, off = C.c_void_p(), C.POINTER(C.c_int64)()
    _lib.clout_idmap_blob(m, C.byref(blob), C.byref(off))
    used = off[n]
    raw = C.string_at(blob.value, used)
    return [t.decode(errors="surrogateescape") for t in raw.split(b"\0")[:n]]


# ---------------------------------------------------------------- progress and Ctrl-C
_PROGRESS = C.CFUNCTYPE(None, C.c_char_p, C.c_double, C.c_double, C.c_char_p, C.c_double, C.c_void_p)
_INTERRUPT = C.CFUNCTYPE(C.c_bool, C.c_void_p)
_progress_fn = None
_interrupted = False


@_PROGRESS
def _on_progress(phase, done, total, unit, seconds, ctx):
    if _progress_fn is not None:
        try:
            _progress_fn(phase.decode(errors="replace"), done, total)
        except Exception:  # a broken callback must not break the computation
            pass


@_INTERRUPT
def _on_interrupt(ctx):
    # asked from the running call (the calling thread, at most every 5 ms): run the pending signal
    # handlers now, among them _on_sigint's, which only sets the flag
    if not _interrupted:
        C.pythonapi.PyErr_CheckSignals()
    return _interrupted


def _on_sigint(signum, frame):
    global _interrupted
    _interrupted = True


_lib.clout_set_interruption_handler(C.cast(_on_interrupt, C.c_void_p), None)


def set_progress(fn):
    """fn(phase, done, total) is called (at most 5 times a second) during long calls; done < 0
    ends a phase; total 0 means unknown. None turns it off."""
    global _progress_fn
    _progress_fn = fn
    _lib.clout_set_progress_handler(C.cast(_on_progress, C.c_void_p) if fn else None, None)


def tqdm_progress():
    """A progress callback drawing one tqdm bar per phase (None when tqdm is not installed)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    bars = {}

    def fn(phase, done, total):
        bar = bars.get(phase)
        if done < 0:
            if bar is not None:
                bar.close()
                del bars[phase]
            return
        if bar is None:
            bar = bars[phase] = tqdm(total=total or None, desc=phase, leave=False)
        bar.n = done
        bar.refresh()
    return fn


def _call(fn, *args):
    """A library call; Ctrl-C during it makes the call stop and clean up, then raises
    KeyboardInterrupt (from the main thread; elsewhere the call runs to its end)."""
    global _interrupted
    _interrupted = False
    prev = None
    if threading.current_thread() is threading.main_thread():
        prev = signal.signal(signal.SIGINT, _on_sigint)
    try:
        st = fn(*args)
    finally:
        if prev is not None:
            signal.signal(signal.SIGINT, prev)
    if _interrupted or st == -1011:
        _interrupted = False
        raise KeyboardInterrupt
    return st


class _FeaturesOwner:
    """Keeps a features table alive while arrays view its columns."""

    def __init__(self, F):
        self.F = F

    def __del__(self):
        if _lib is not None and self.F:
            _lib.clout_features_free(C.byref(self.F))


class Graph:
    """A clout graph (loaded, ingested or built from arrays)."""

    def __init__(self, handle):
        self._g = handle

    def __del__(self):
        if getattr(self, "_g", None):
            _lib.clout_graph_free(C.byref(self._g))

    @property
    def n(self):
        """Number of users."""
        return _lib.clout_graph_users(self._g)

    def _users_map(self):
        return C.cast(self._g, C.POINTER(_GraphHead)).contents.users

    def user_ids(self):
        """The users' ids, in index order (read from the id map's bytes in one piece)."""
        return _idmap_names(self._users_map())

    def index(self, user):
        """The index of a user id (KeyError when absent)."""
        b = str(user).encode()
        i = _lib.clout_idmap_find(self._users_map(), b, len(b))
        if i < 0:
            raise KeyError(user)
        return i

    def save(self, path, pagerank_layout=None):
        """Write the graph as a .clout snapshot (atomically). pagerank_layout True keeps PageRank's
        layout in it (as `clout ingest --pagerank-layout`), False leaves it out; None: as the graph
        was loaded or ingested."""
        if pagerank_layout is not None:
            _lib.clout_graph_keep_pagerank_layout(self._g, bool(pagerank_layout))
        msg = C.create_string_buffer(MSG_LEN)
        _check(_lib.clout_snapshot_save(self._g, os.fsencode(path), msg), msg)

    def metrics(self, only=None, hops=3, seed=1, rr_sets=200000, sims=200, prob="wc", model="ic", approx=False,
                frame=None, since=None):
        """The features table (clout metrics) as {"user": ids, column: numpy array, ...}, or as a
        pandas DataFrame indexed by user when frame is True (frame None: when pandas is
        installed). since (epoch seconds): adoptions, exposures and conversions counted after
        that time, as metrics --since."""
        out = self._metrics(only, hops, seed, rr_sets, sims, prob, model, approx, since)
        if frame is None:
            try:
                import pandas  # noqa: F401
                frame = True
            except ImportError:
                frame = False
        if frame:
            import pandas as pd
            return pd.DataFrame({k: v for k, v in out.items() if k != "user"}, index=pd.Index(out["user"], name="user"))
        return out

    def _metrics(self, only, hops, seed, rr_sets, sims, prob, model, approx, since=None):
        if isinstance(only, str):
            only = only.split(",")
        o = _FeaturesOpts()
        _lib.clout_features_opts_init(C.byref(o))
        if since is not None:
            o.since = float(since)
        only_b = ",".join(only).encode() if only else None
        o.only = only_b
        o.hops, o.seed, o.rr_sets, o.sims, o.approx, o.lt = hops, seed, rr_sets, sims, approx, model == "lt"
        msg = C.create_string_buffer(MSG_LEN)
        _check(_lib.clout_prob_parse(prob.encode(), C.byref(o.prob), msg), msg)
        o.prob.seed = seed
        F = C.POINTER(_Features)()
        _check(_call(_lib.clout_features_compute, self._g, C.byref(o), C.byref(F), msg), msg)
        owner = _FeaturesOwner(F)
        out = {"user": self.user_ids()}
        f = F.contents
        for c in range(f.ncols):
            col = f.cols[c]
            # a view of clout's column, no copy: the table is freed with the last array viewing it
            if col.ints:
                buf = (C.c_int64 * f.n).from_address(C.addressof(col.ints.contents)) if f.n else (C.c_int64 * 0)()
                arr = np.frombuffer(buf, dtype=np.int64)
            else:
                buf = (C.c_double * f.n).from_address(C.addressof(col.reals.contents)) if f.n else (C.c_double * 0)()
                arr = np.frombuffer(buf, dtype=np.float64)
            buf._owner = owner
            out[col.name.decode()] = arr
        return out

    def _influence(self, prob, seed):
        pm = _ProbModel()
        msg = C.create_string_buffer(MSG_LEN)
        _check(_lib.clout_prob_parse(prob.encode(), C.byref(pm), msg), msg)
        pm.seed = seed
        P = _vp()
        _check(_lib.clout_influence_new(C.byref(P), self._g, C.byref(pm), 0, msg), msg)
        return P

    def im(self, k, algo="imm", model="ic", prob="wc", eps=0.1, seed=1):
        """k seeds (user ids, in the order chosen) and the spread estimate after each (NaN for
        the baselines), as `clout im`."""
        p = _ImParams()
        _lib.clout_im_params_init(C.byref(p))
        a = C.c_int()
        if _lib.clout_im_algo_parse(algo.encode(), C.byref(a)) < 0:
            raise CloutError(-1001, f"unknown algorithm '{algo}'")
        k = _whole("k", k, 1, self.n)
        p.algo, p.k, p.eps, p.seed, p.lt = a.value, k, eps, seed, model == "lt"
        seeds = np.zeros(k, dtype=np.int64)
        spread = np.full(k, np.nan)
        msg = C.create_string_buffer(MSG_LEN)
        P = self._influence(prob, seed)
        try:
            _check(_call(_lib.clout_im_select, self._g, P, C.byref(p), seeds.ctypes.data_as(C.POINTER(C.c_int64)),
                                        spread.ctypes.data_as(C.POINTER(C.c_double)), None, msg), msg)
        finally:
            _lib.clout_influence_free(C.byref(P))
        ids = self.user_ids()
        return [ids[i] for i in seeds], spread

    def simulate(self, seeds, sims=10000, model="ic", prob="wc", seed=1):
        """Monte Carlo spread of a seed set (user ids), as `clout simulate`: a dict with spread,
        stderr, depth and the sizes of every simulation."""
        sims = _whole("sims", sims, 1, 10**9)
        idx = np.array([self.index(u) for u in seeds], dtype=np.int64)
        sizes = np.zeros(sims, dtype=np.int64)
        depths = np.zeros(sims, dtype=np.int64)
        msg = C.create_string_buffer(MSG_LEN)
        P = self._influence(prob, seed)
        try:
            _check(_call(_lib.clout_simulate, P, model == "lt", idx.ctypes.data_as(C.POINTER(C.c_int64)), len(idx), sims,
                                       seed, sizes.ctypes.data_as(C.POINTER(C.c_int64)),
                                       depths.ctypes.data_as(C.POINTER(C.c_int64)), msg), msg)
        finally:
            _lib.clout_influence_free(C.byref(P))
        mean = sizes.mean()
        se = sizes.std(ddof=1) / np.sqrt(sims) if sims > 1 else 0.0
        return {"spread": float(mean), "stderr": float(se), "depth": float(depths.mean()), "sizes": sizes}


    # ------------------------------------------------------------ ties, networkx, igraph
    def ties(self):
        """The ties the algorithms read, as numpy arrays (src, dst, weight) of user indices in row
        order; an undirected graph lists both directions."""
        S = C.cast(self._g, C.POINTER(_GraphHead)).contents.S
        nv = C.c_uint64()
        _gb.GrB_Matrix_nvals(C.byref(nv), C.c_void_p(S))
        m = nv.value
        I = np.zeros(m, dtype=np.uint64)
        J = np.zeros(m, dtype=np.uint64)
        X = np.zeros(m, dtype=np.float32)
        got = C.c_uint64(m)
        if _gb.GrB_Matrix_extractTuples_FP32(I.ctypes.data_as(C.c_void_p), J.ctypes.data_as(C.c_void_p),
                                             X.ctypes.data_as(C.c_void_p), C.byref(got), C.c_void_p(S)) != 0:
            raise CloutError(-1007, "GraphBLAS could not extract the ties")
        return I.astype(np.int64), J.astype(np.int64), X

    @property
    def directed(self):
        return bool(C.cast(self._g, C.POINTER(_GraphFlags)).contents.directed)

    def to_networkx(self):
        """A networkx DiGraph (Graph when undirected) with the user ids as nodes and the tie
        weights as 'weight'."""
        import networkx as nx
        src, dst, w = self.ties()
        ids = self.user_ids()
        G = nx.DiGraph() if self.directed else nx.Graph()
        G.add_nodes_from(ids)
        G.add_weighted_edges_from((ids[a], ids[b], float(x)) for a, b, x in zip(src.tolist(), dst.tolist(), w.tolist()))
        return G

    def to_igraph(self):
        """A python-igraph Graph: vertex attribute 'name' the user ids, edge attribute 'weight'."""
        import igraph
        src, dst, w = self.ties()
        if not self.directed:
            keep = src < dst
            src, dst, w = src[keep], dst[keep], w[keep]
        g = igraph.Graph(n=self.n, edges=np.column_stack([src, dst]).tolist(), directed=self.directed)
        g.vs["name"] = self.user_ids()
        g.es["weight"] = w.tolist()
        return g

    # ------------------------------------------------------------ the IM experiment, scores
    def compare(self, algos=("imm", "opim-c", "degree-discount", "pagerank", "degree"), ks=(1, 5, 10, 25, 50),
                sims=10000, model="ic", prob="wc", eps=0.1, seed=1):
        """The table of `clout compare`: each algorithm selects once at the largest k, every
        prefix is scored on the same simulations. Rows as a dict of lists: algo, k, spread,
        stderr, seconds (the selection's), selected_k."""
        import time
        ks = [_whole("each k", k, 1, self.n) for k in ks]
        if not ks:
            raise CloutError(-1001, "ks: give at least one k")
        sims = _whole("sims", sims, 1, 10**9)
        kmax = max(ks)
        order = sorted(ks)
        kk = np.array(order, dtype=np.int64)
        out = {"algo": [], "k": [], "spread": [], "stderr": [], "seconds": [], "selected_k": []}
        msg = C.create_string_buffer(MSG_LEN)
        P = self._influence(prob, seed)
        try:
            for algo in algos:
                p = _ImParams()
                _lib.clout_im_params_init(C.byref(p))
                a = C.c_int()
                if _lib.clout_im_algo_parse(algo.encode(), C.byref(a)) < 0:
                    raise CloutError(-1001, f"unknown algorithm '{algo}'")
                p.algo, p.k, p.eps, p.seed, p.lt, p.sims = a.value, kmax, eps, seed, model == "lt", 1000
                seeds = np.zeros(kmax, dtype=np.int64)
                spread = np.zeros(kmax)
                t0 = time.perf_counter()
                _check(_call(_lib.clout_im_select, self._g, P, C.byref(p), seeds.ctypes.data_as(C.POINTER(C.c_int64)),
                             spread.ctypes.data_as(C.POINTER(C.c_double)), None, msg), msg)
                secs = time.perf_counter() - t0
                sizes = np.zeros(len(order) * sims, dtype=np.int64)
                _check(_call(_lib.clout_simulate_prefixes, P, model == "lt", seeds.ctypes.data_as(C.POINTER(C.c_int64)),
                             kk.ctypes.data_as(C.POINTER(C.c_int64)), len(order), sims, seed + 7,
                             sizes.ctypes.data_as(C.POINTER(C.c_int64)), msg), msg)
                sizes = sizes.reshape(len(order), sims).astype(np.float64)
                for k in ks:
                    row = sizes[order.index(k)]
                    # sums in order (cumsum), as the command line adds them: the same bits
                    m = np.cumsum(row)[-1] / sims
                    se = np.sqrt(np.cumsum((row - m) ** 2)[-1] / (sims - 1) / sims) if sims > 1 else 0.0
                    for key, v in (("algo", algo), ("k", k), ("spread", float(m)), ("stderr", float(se)),
                                   ("seconds", secs), ("selected_k", kmax)):
                        out[key].append(v)
        finally:
            _lib.clout_influence_free(C.byref(P))
        return out

    def score(self, features=("out_degree", "in_degree", "pagerank", "core", "reach_2", "ic_range", "conversion_rate"),
              weights=None, normalize="zscore", hops=3, seed=1, rr_sets=200000, sims=200, prob="wc", model="ic",
              gate=None):
        """I_u = sum_j w_j f_j(u) over columns of the features table, normalized as `clout score
        --normalize` (weights default 1): {"user", "score", "<feature>_contrib"...}, the numbers of
        `clout score --features ...`. weights: a dict (features it does not name weigh 0, as with
        `--weights name=value`) or one number per feature. gate: one of the features; users whose
        value is not above 0 score last, tied, with contributions 0 (`clout score --gate`)."""
        features = list(features)
        twice = sorted({f for f in features if features.count(f) > 1})
        if twice:
            raise ValueError(f"features: '{twice[0]}' is named twice")
        if gate is not None and gate not in features:
            raise ValueError(f"gate: '{gate}' is not one of the features")
        if isinstance(weights, dict):
            unknown = sorted(set(weights) - set(features))
            if unknown:
                raise ValueError(f"weights: '{unknown[0]}' is not one of the features")
            weights = [weights.get(f, 0.0) for f in features]
        w = np.ones(len(features)) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.shape != (len(features),):
            raise ValueError("one weight per feature")
        how = C.c_int()
        if _lib.clout_norm_parse(normalize.encode(), C.byref(how)) < 0:
            raise CloutError(-1001, f"normalize: expected zscore, minmax, rank, none or log-zscore, got '{normalize}'")
        m = self._metrics(features, hops, seed, rr_sets, sims, prob, model, False)
        n, nf = self.n, len(features)
        X = np.zeros((n, nf))
        msg = C.create_string_buffer(MSG_LEN)
        for j, f in enumerate(features):
            col = np.ascontiguousarray(m[f], dtype=np.float64)
            out = np.zeros(n)
            _check(_lib.clout_normalize(col.ctypes.data_as(C.POINTER(C.c_double)), n, how.value,
                                        out.ctypes.data_as(C.POINTER(C.c_double)), msg), msg)
            X[:, j] = out
        X = np.ascontiguousarray(X)
        score = np.zeros(n)
        contrib = np.zeros((n, nf))
        _check(_lib.clout_score_sum(X.ctypes.data_as(C.POINTER(C.c_double)), n, nf, w.ctypes.data_as(C.POINTER(C.c_double)),
                                    score.ctypes.data_as(C.POINTER(C.c_double)),
                                    contrib.ctypes.data_as(C.POINTER(C.c_double)), msg), msg)
        if gate is not None:
            g = np.ascontiguousarray(m[gate], dtype=np.float64)
            _check(_lib.clout_score_gate(g.ctypes.data_as(C.POINTER(C.c_double)), n, nf,
                                         score.ctypes.data_as(C.POINTER(C.c_double)),
                                         contrib.ctypes.data_as(C.POINTER(C.c_double)), msg), msg)
        res = {"user": m["user"], "score": score}
        for j, f in enumerate(features):
            res[f + "_contrib"] = contrib[:, j].copy()
        return res


def _interval(v, base=None):
    """the 95% percentile interval of v (minus base: a paired difference), clout_eval_interval"""
    v = np.ascontiguousarray(v, dtype=np.float64)
    b = None if base is None else np.ascontiguousarray(base, dtype=np.float64)
    lo, hi = C.c_double(), C.c_double()
    msg = C.create_string_buffer(MSG_LEN)
    _check(_lib.clout_eval_interval(v.ctypes.data_as(C.POINTER(C.c_double)),
                                    None if b is None else b.ctypes.data_as(C.POINTER(C.c_double)), len(v),
                                    C.byref(lo), C.byref(hi), msg), msg)
    return lo.value, hi.value


def evaluate(scores, truth, k=(10, 50, 100), bootstrap=1000, seed=1, baseline=None):
    """Score columns against observed influence, as `clout evaluate`: scores a dict name -> array
    (one value per user, the users in truth's order), truth an array. Spearman, Kendall's tau-b,
    AUC (truth > 0), precision@k and NDCG@k of every column, each with its 95% percentile interval
    from `bootstrap` resamples of the users drawn from `seed` (the same draws as the command line's,
    for every column: the same figures). baseline: a column name; each row then also has diff and
    its paired interval. Returns the rows as a dict of lists: column, metric, k, value, ci95_low,
    ci95_high (+ diff, diff_ci95_low, diff_ci95_high)."""
    names = list(scores)
    if not names:
        raise CloutError(-1001, "scores: give at least one column")
    if baseline is not None and baseline not in names:
        raise CloutError(-1001, f"baseline: '{baseline}' is not one of the score columns")
    t = np.ascontiguousarray(truth, dtype=np.float64)
    n = len(t)
    S = np.ascontiguousarray(np.stack([np.asarray(scores[c], dtype=np.float64) for c in names]))
    if t.ndim != 1 or S.shape != (len(names), n):
        raise CloutError(-1001, f"every score column needs one value per truth value ({n})")
    ks = np.ascontiguousarray([_whole("each k", x, 1, 2**62) for x in k], dtype=np.int64)
    boot = _whole("bootstrap", bootstrap, 0, 1000000)
    nm = 3 + 2 * len(ks)
    vals = np.zeros(len(names) * nm * (boot + 1))
    msg = C.create_string_buffer(MSG_LEN)
    _check(_call(_lib.clout_eval_bootstrap, S.ctypes.data_as(C.POINTER(C.c_double)), len(names),
                 t.ctypes.data_as(C.POINTER(C.c_double)), n, ks.ctypes.data_as(C.POINTER(C.c_int64)), len(ks),
                 boot, _whole("seed", seed, 0, 2**64 - 1), vals.ctypes.data_as(C.POINTER(C.c_double)), msg), msg)
    vals = vals.reshape(len(names), nm, boot + 1)
    slots = [("spearman", None), ("kendall", None), ("auc", None)] + [("precision", int(x)) for x in ks] + \
            [("ndcg", int(x)) for x in ks]
    keys = ["column", "metric", "k", "value", "ci95_low", "ci95_high"]
    if baseline is not None:
        keys += ["diff", "diff_ci95_low", "diff_ci95_high"]
        b = vals[names.index(baseline)]
    out = {key: [] for key in keys}
    for q, name in enumerate(names):
        for x, (metric, kk) in enumerate(slots):
            v = vals[q, x]
            lo, hi = _interval(v[:boot])
            row = [name, metric, kk, float(v[boot]), lo, hi]
            if baseline is not None:
                row += [float(v[boot] - b[x, boot]), *_interval(v[:boot], b[x, :boot])]
            for key, val in zip(keys, row):
                out[key].append(val)
    return out


def load(path, threads=None, pagerank_layout=False):
    """Load a .clout snapshot (CloutError on a missing or bad file). pagerank_layout: also load
    PageRank's layout when the snapshot keeps one (`clout ingest --pagerank-layout`), checked, so
    every PageRank on this graph skips its transpose (a damaged layout is a CloutError)."""
    msg = C.create_string_buffer(MSG_LEN)
    if threads:
        _check(_lib.clout_set_threads(int(threads), msg), msg)
    g = _vp()
    _check(_call(_lib.clout_snapshot_load_parts, C.byref(g), os.fsencode(path), 1 if pagerank_layout else 0, msg),
           msg)
    return Graph(g)


_DEDUPE = {"sum": 0, "max": 1, "first": 2}


def from_edges(src, dst, weights=None, n=None, names=None, undirected=False, dedupe="sum"):
    """A graph from tie arrays (numpy or sequences of ints 0..n-1): src[k] -> dst[k] with
    weights[k] (default 1). names: the users' ids (default "0".."n-1"); n defaults to len(names)
    or the largest index + 1. Self-loops are dropped; repeated ties combine by dedupe."""
    src = np.ascontiguousarray(src, dtype=np.int64)
    dst = np.ascontiguousarray(dst, dtype=np.int64)
    if src.shape != dst.shape or src.ndim != 1:
        raise ValueError("src and dst must be 1-d arrays of the same length")
    if n is None:
        n = len(names) if names is not None else (int(max(src.max(), dst.max())) + 1 if len(src) else 0)
    w = None
    if weights is not None:
        w = np.ascontiguousarray(weights, dtype=np.float32)
        if w.shape != src.shape:
            raise ValueError("weights must have one entry per tie")
    cnames = None
    if names is not None:
        if len(names) != n:
            raise ValueError("names must have n entries")
        cnames = (C.c_char_p * n)(*[str(x).encode() for x in names])
    o = _ReadOpts()
    _lib.clout_read_opts_init(C.byref(o))
    o.undirected = bool(undirected)
    o.dedupe = _DEDUPE[dedupe]
    msg = C.create_string_buffer(MSG_LEN)
    b = _vp()
    _check(_lib.clout_builder_new(C.byref(b), C.byref(o), msg), msg)
    try:
        _check(_call(_lib.clout_builder_add_ties, b, n, cnames, src.ctypes.data_as(C.POINTER(C.c_int64)),
                                           dst.ctypes.data_as(C.POINTER(C.c_int64)),
                                           w.ctypes.data_as(C.POINTER(C.c_float)) if w is not None else None,
                                           len(src), msg), msg)
        g = _vp()
        _check(_call(_lib.clout_builder_finish, C.byref(b), C.byref(g), msg), msg)
        return Graph(g)
    finally:
        _lib.clout_builder_free(C.byref(b))


def ingest(edges=(), interactions=(), cascades=(), undirected=False, dedupe="sum", header=False, reverse=False,
           user_col=None, item_col=None, action_col=None, time_col=None, weight_col=None, date_cols=None,
           action_weights=None, action=None, columns=None, aggregate="sum"):
    """A graph from files, as `clout ingest`: edge lists (edges), interaction logs with a header
    (interactions) and cascade files (cascades), each a path or a list of paths (.gz read
    directly). The options are ingest's, applied to every file; a list entry (path, {option:
    value}) overrides some for that file only, as options placed before a file do on the
    command line, e.g. interactions=["listens.tsv", ("tags.tsv", {"date_cols": "year,month,day"})]."""
    as_list = (lambda x: [x] if isinstance(x, (str, bytes, os.PathLike)) else list(x))
    o = _ReadOpts()
    _lib.clout_read_opts_init(C.byref(o))
    o.undirected, o.dedupe, o.header, o.reverse = bool(undirected), _DEDUPE[dedupe], bool(header), bool(reverse)
    o.aggregate = {"sum": 0, "max": 1, "last": 2, "count": 3}[aggregate]
    keep = []
    texts = ("user_col", "item_col", "action_col", "time_col", "weight_col", "date_cols", "action_weights", "action",
             "columns")

    def apply(opts, values):
        for field, val in values.items():
            if field not in texts:
                raise ValueError(f"ingest: '{field}' cannot be set per file (one of {', '.join(texts)})")
            b = None if val is None else str(val).encode()
            keep.append(b)
            setattr(opts, field, b)

    apply(o, {f: v for f, v in (("user_col", user_col), ("item_col", item_col), ("action_col", action_col),
                                 ("time_col", time_col), ("weight_col", weight_col), ("date_cols", date_cols),
                                 ("action_weights", action_weights), ("action", action), ("columns", columns))
              if v is not None})
    msg = C.create_string_buffer(MSG_LEN)
    b = _vp()
    _check(_lib.clout_builder_new(C.byref(b), C.byref(o), msg), msg)
    try:
        for fn, paths in ((_lib.clout_builder_add_edges, edges), (_lib.clout_builder_add_log, interactions),
                          (_lib.clout_builder_add_cascades, cascades)):
            for entry in ([paths] if isinstance(paths, tuple) and len(paths) == 2 and isinstance(paths[1], dict)
                          else as_list(paths)):
                fo = o
                if isinstance(entry, tuple):
                    entry, over = entry
                    fo = _ReadOpts()
                    C.pointer(fo)[0] = o
                    apply(fo, over)
                _check(_call(fn, b, os.fsencode(entry), C.byref(fo), msg), msg)
        g = _vp()
        _check(_call(_lib.clout_builder_finish, C.byref(b), C.byref(g), msg), msg)
        return Graph(g)
    finally:
        _lib.clout_builder_free(C.byref(b))


def from_networkx(G, weight="weight"):
    """A clout graph from a networkx graph: nodes become users (ids str(node)), edges ties with
    the edge attribute `weight` (default 1); an undirected graph gives ties both ways."""
    nodes = list(G.nodes())
    ix = {u: i for i, u in enumerate(nodes)}
    src = np.fromiter((ix[u] for u, v in G.edges()), dtype=np.int64, count=G.number_of_edges())
    dst = np.fromiter((ix[v] for u, v in G.edges()), dtype=np.int64, count=G.number_of_edges())
    w = np.fromiter((d.get(weight, 1.0) for _, _, d in G.edges(data=True)), dtype=np.float32,
                    count=G.number_of_edges())
    return from_edges(src, dst, w, n=len(nodes), names=[str(u) for u in nodes], undirected=not G.is_directed())


def from_igraph(g, weight="weight"):
    """A clout graph from a python-igraph Graph: vertex attribute 'name' (else the vertex index)
    as user ids, edge attribute `weight` (default 1); undirected graphs give ties both ways."""
    el = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    names = g.vs["name"] if "name" in g.vs.attributes() else [str(i) for i in range(g.vcount())]
    w = np.asarray(g.es[weight], dtype=np.float32) if weight in g.es.attributes() else None
    return from_edges(el[:, 0], el[:, 1], w, n=g.vcount(), names=[str(x) for x in names],
                      undirected=not g.is_directed())
