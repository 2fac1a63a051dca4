"""clout from Python: a ctypes binding over libclout (no compiler needed).

A preview of the bindings: load a snapshot, the key-user metrics table as numpy arrays, influence
maximization and Monte Carlo simulation, with clout's errors raised as CloutError. The library is
found through $CLOUT_LIB (a path to libclout.so), then `pkg-config --variable=libdir clout`, then
the build tree beside this package (../build/libclout.so), then the system's loader.

    import clout
    g = clout.load("wiki.clout")
    m = g.metrics(only=["pagerank", "core"])      # {"user": [...], "pagerank": ndarray, ...}
    seeds, spread = g.im(k=10)                    # user ids, estimated spread after each seed
    g.simulate(seeds, sims=10000)                 # {"spread": ..., "stderr": ...}

Results are copied once from clout's arrays into numpy arrays; the calls run in C with the GIL
released (ctypes releases it around every foreign call).
"""
import ctypes as C
import os
import subprocess

import numpy as np

__all__ = ["CloutError", "Graph", "load", "from_edges", "version"]

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
                ("approx_registers", C.c_int), ("window", C.c_double), ("consume", C.c_bool)]


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


class Graph:
    """A loaded .clout snapshot."""

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
        """The users' ids, in index order."""
        m = self._users_map()
        return [_lib.clout_idmap_name(m, i, None).decode(errors="surrogateescape") for i in range(self.n)]

    def index(self, user):
        """The index of a user id (KeyError when absent)."""
        b = str(user).encode()
        i = _lib.clout_idmap_find(self._users_map(), b, len(b))
        if i < 0:
            raise KeyError(user)
        return i

    def save(self, path):
        """Write the graph as a .clout snapshot (atomically)."""
        msg = C.create_string_buffer(MSG_LEN)
        _check(_lib.clout_snapshot_save(self._g, os.fsencode(path), msg), msg)

    def metrics(self, only=None, hops=3, seed=1, rr_sets=200000, sims=200, prob="wc", model="ic", approx=False):
        """The features table (clout metrics) as {"user": ids, column: numpy array, ...}."""
        o = _FeaturesOpts()
        _lib.clout_features_opts_init(C.byref(o))
        only_b = ",".join(only).encode() if only else None
        o.only = only_b
        o.hops, o.seed, o.rr_sets, o.sims, o.approx, o.lt = hops, seed, rr_sets, sims, approx, model == "lt"
        msg = C.create_string_buffer(MSG_LEN)
        _check(_lib.clout_prob_parse(prob.encode(), C.byref(o.prob), msg), msg)
        o.prob.seed = seed
        F = C.POINTER(_Features)()
        _check(_lib.clout_features_compute(self._g, C.byref(o), C.byref(F), msg), msg)
        try:
            out = {"user": self.user_ids()}
            f = F.contents
            for c in range(f.ncols):
                col = f.cols[c]
                if col.ints:
                    out[col.name.decode()] = np.ctypeslib.as_array(col.ints, shape=(f.n,)).copy()
                else:
                    out[col.name.decode()] = np.ctypeslib.as_array(col.reals, shape=(f.n,)).copy()
            return out
        finally:
            _lib.clout_features_free(C.byref(F))

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
        p.algo, p.k, p.eps, p.seed, p.lt = a.value, k, eps, seed, model == "lt"
        seeds = np.zeros(k, dtype=np.int64)
        spread = np.full(k, np.nan)
        msg = C.create_string_buffer(MSG_LEN)
        P = self._influence(prob, seed)
        try:
            _check(_lib.clout_im_select(self._g, P, C.byref(p), seeds.ctypes.data_as(C.POINTER(C.c_int64)),
                                        spread.ctypes.data_as(C.POINTER(C.c_double)), None, msg), msg)
        finally:
            _lib.clout_influence_free(C.byref(P))
        ids = self.user_ids()
        return [ids[i] for i in seeds], spread

    def simulate(self, seeds, sims=10000, model="ic", prob="wc", seed=1):
        """Monte Carlo spread of a seed set (user ids), as `clout simulate`: a dict with spread,
        stderr, depth and the sizes of every simulation."""
        idx = np.array([self.index(u) for u in seeds], dtype=np.int64)
        sizes = np.zeros(sims, dtype=np.int64)
        depths = np.zeros(sims, dtype=np.int64)
        msg = C.create_string_buffer(MSG_LEN)
        P = self._influence(prob, seed)
        try:
            _check(_lib.clout_simulate(P, model == "lt", idx.ctypes.data_as(C.POINTER(C.c_int64)), len(idx), sims,
                                       seed, sizes.ctypes.data_as(C.POINTER(C.c_int64)),
                                       depths.ctypes.data_as(C.POINTER(C.c_int64)), msg), msg)
        finally:
            _lib.clout_influence_free(C.byref(P))
        mean = sizes.mean()
        se = sizes.std(ddof=1) / np.sqrt(sims) if sims > 1 else 0.0
        return {"spread": float(mean), "stderr": float(se), "depth": float(depths.mean()), "sizes": sizes}


def load(path, threads=None):
    """Load a .clout snapshot (CloutError on a missing or bad file)."""
    msg = C.create_string_buffer(MSG_LEN)
    if threads:
        _check(_lib.clout_set_threads(int(threads), msg), msg)
    g = _vp()
    _check(_lib.clout_snapshot_load(C.byref(g), os.fsencode(path), msg), msg)
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
        _check(_lib.clout_builder_add_ties(b, n, cnames, src.ctypes.data_as(C.POINTER(C.c_int64)),
                                           dst.ctypes.data_as(C.POINTER(C.c_int64)),
                                           w.ctypes.data_as(C.POINTER(C.c_float)) if w is not None else None,
                                           len(src), msg), msg)
        g = _vp()
        _check(_lib.clout_builder_finish(C.byref(b), C.byref(g), msg), msg)
        return Graph(g)
    finally:
        _lib.clout_builder_free(C.byref(b))
