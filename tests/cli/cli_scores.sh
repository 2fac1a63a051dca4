#!/usr/bin/env bash
# cli_scores.sh: the behaviour graph and the influence scores from the command line, against
# numpy doing the same arithmetic from clout's own metrics table and tie list: score and
# formula_out, pairwise over ties and top-k, ridge weights (closed form), the rank metrics of
# evaluate (O(n^2) definitions), keyusers against score and im; snapshot versions; bad input.
. "$(dirname "$0")/lib.sh"
SE="$DS/stackexchange_christianity_cascades"
tail -n +2 "$SE/graph.txt" >"$T/se_edges.txt"
"$CLOUT" ingest -q --edges "$T/se_edges.txt" --cascades "$SE/train.txt" -o "$T/train.clout"
"$CLOUT" ingest -q --edges "$T/se_edges.txt" --cascades "$SE/val.txt" -o "$T/val.clout"
"$CLOUT" metrics "$T/val.clout" --only conversions -q | cut -d, -f1,4 >"$T/val_conv.csv"
F=out_degree,pagerank,core,reach_2,conversions
"$CLOUT" metrics "$T/train.clout" --only out_degree,pagerank,core,reach_2,conversions -q -o "$T/m.csv"
"$CLOUT" export "$T/train.clout" --what social -q -o "$T/ties.csv"

# --- the worked example of the pairwise formula
expect 0 "$CLOUT" pairwise --xu 0.8,0.3,0.5,0.7 --xv 0.4,0.6,0.2,0.8
/usr/bin/python3 -c '
import csv, sys, math
r = next(csv.DictReader(open(sys.argv[1])))
assert abs(float(r["influence"]) - 0.01 / math.sqrt(1.47)) < 1e-15 and r["zero_denominator"] == "false", r
assert abs(float(r["influence"]) - 0.00824786) < 5e-9
' "$T/out" && ok || bad "worked example"
expect_err 2 "must have as many entries" "$CLOUT" pairwise --xu 1,2 --xv 1,2,3
expect_err 2 "--center feature needs every user" "$CLOUT" pairwise --xu 1,2 --xv 1,2 --center feature
expect_err 2 "finite numbers" "$CLOUT" pairwise --xu 1,nan --xv 1,2
expect 0 "$CLOUT" pairwise --xu 0,0 --xv 1,2
grep -q "denominator is 0" "$T/err" && grep -q "^0,0,0,1.5,2,true" "$T/out" && ok || bad "zero denominator: $(cat "$T/out")"

# --- score, pairwise --edges and --user against numpy from the metrics table and the ties
W=out_degree=1,pagerank=2,core=0.5,reach_2=1,conversions=3
"$CLOUT" score "$T/train.clout" --features $F --weights $W -q -o "$T/score.csv"
"$CLOUT" score "$T/train.clout" --features $F --weights $W --center feature --normalize minmax -q -o "$T/score_f.csv"
"$CLOUT" pairwise "$T/train.clout" --features $F --weights $W --edges -q -o "$T/pe.csv"
"$CLOUT" pairwise "$T/train.clout" --features $F --weights $W --user 440,33,1 -k 7 -q -o "$T/top.csv"
/usr/bin/python3 - "$T" <<'EOF' && ok || bad "score and pairwise against numpy"
import csv, sys, numpy as np
T = sys.argv[1]
cols = ["out_degree", "pagerank", "core", "reach_2", "conversions"]
w = np.array([1, 2, 0.5, 1, 3.0])
m = list(csv.DictReader(open(T + "/m.csv")))
users = [r["user"] for r in m]
idx = {u: i for i, u in enumerate(users)}
R = np.array([[float(r[c]) for c in cols] for r in m])
def norm(R, how):
    if how == "zscore":
        sd = R.std(0); return np.where(sd > 0, (R - R.mean(0)) / np.where(sd > 0, sd, 1), 0)
    lo, hi = R.min(0), R.max(0); return np.where(hi > lo, (R - lo) / np.where(hi > lo, hi - lo, 1), 0)
ties = [(idx[r["src"]], idx[r["dst"]]) for r in csv.DictReader(open(T + "/ties.csv"))]
for fname, how, center in (("score.csv", "zscore", "user"), ("score_f.csv", "minmax", "feature")):
    X = norm(R, how)
    got = list(csv.DictReader(open(T + "/" + fname)))
    assert [g["user"] for g in got] == users
    score = X @ w
    assert np.allclose([float(g["score"]) for g in got], score, rtol=1e-12, atol=1e-12)
    for j, c in enumerate(cols):
        assert np.allclose([float(g[c + "_contrib"]) for g in got], X[:, j] * w[j], atol=1e-12)
    d = np.sqrt(((X * w) ** 2).sum(1))
    mu = X.mean(1) if center == "user" else None
    fo = np.zeros(len(users))
    infl = {}
    for u, v in ties:
        c = X[v] - (mu[v] if center == "user" else X.mean(0))
        x = (w * X[u] * c).sum() / d[u] if d[u] > 0 else 0.0
        infl[(u, v)] = x
        fo[u] += x
    assert np.allclose([float(g["formula_out"]) for g in got], fo, rtol=1e-9, atol=1e-9), "formula_out " + fname
X = norm(R, "zscore"); d = np.sqrt(((X * w) ** 2).sum(1)); mu = X.mean(1)
def inf(u, v):
    return (w * X[u] * (X[v] - mu[v])).sum() / d[u] if d[u] > 0 else 0.0
pe = list(csv.DictReader(open(T + "/pe.csv")))
assert len(pe) == len(ties)
for r in pe:
    assert abs(float(r["influence"]) - inf(idx[r["src"]], idx[r["dst"]])) < 1e-9
assert "features=out_degree+pagerank+core+reach_2+conversions" in pe[0]["params"]
assert "weights=out_degree=1,pagerank=2" in pe[0]["params"] and all(r["params"] == "" for r in pe[1:])
top = list(csv.DictReader(open(T + "/top.csv")))
for u in ("440", "33", "1"):
    ui = idx[u]
    vals = sorted(((inf(ui, v), v) for v in range(len(users)) if v != ui), key=lambda t: (-t[0], t[1]))[:7]
    mine = [r for r in top if r["user"] == u]
    assert [int(r["rank"]) for r in mine] == list(range(1, 8))
    assert np.allclose([float(r["influence"]) for r in mine], [x for x, _ in vals], rtol=1e-9, atol=1e-12)
    if d[ui] > 0:
        assert [r["other"] for r in mine] == [users[v] for _, v in vals], (u, mine, vals)
EOF

# --- learned ridge weights against the closed form on the same normalized features
"$CLOUT" score "$T/train.clout" --features $F --learn ridge --l2 2.5 --target "$T/val_conv.csv" \
  --save-weights "$T/w.csv" --cv-report "$T/cv.csv" --folds 4 -q -o "$T/ls.csv"
PYTHONPATH="$SRC/tests/cli" /usr/bin/python3 - "$T" <<'EOF' && ok || bad "ridge weights against the closed form"
import csv, sys, numpy as np
from scores_ref import COLS as cols, features, target
T = sys.argv[1]
m, R, X = features(T)
yv = target(T, m)
X1 = np.c_[X, np.ones(len(X))]
P = np.diag([2.5] * 5 + [0])
b = np.linalg.solve(X1.T @ X1 + P, X1.T @ yv)
w = list(csv.DictReader(open(T + "/w.csv")))
assert [r["feature"] for r in w] == cols + ["(intercept)"]
assert np.allclose([float(r["weight"]) for r in w], b, rtol=1e-9, atol=1e-9), ([r["weight"] for r in w], b)
# standard errors: sigma^2 A^-1 X'X A^-1
A = np.linalg.inv(X1.T @ X1 + P); res = yv - X1 @ b
cov = (res @ res / (len(yv) - 6)) * A @ (X1.T @ X1) @ A
assert np.allclose([float(r["se"]) for r in w], np.sqrt(np.diag(cov)), rtol=1e-7)
cv = list(csv.DictReader(open(T + "/cv.csv")))
assert len(cv) == 4 and sum(int(r["test"]) for r in cv) == len(m)
s = [float(r["score"]) for r in csv.DictReader(open(T + "/ls.csv"))]
assert np.allclose(s, X @ b[:5], atol=1e-9)
EOF
# --- --gate conversions: the fit on the users with past conversions only (closed form on that
# subset, the features normalized over everyone), the others scored last, tied, contributions 0
"$CLOUT" score "$T/train.clout" --features $F --learn ridge --l2 2.5 --target "$T/val_conv.csv" --gate conversions \
  --save-weights "$T/wg.csv" --folds 3 -q -o "$T/gs.csv"
PYTHONPATH="$SRC/tests/cli" /usr/bin/python3 - "$T" <<'EOF' && ok || bad "--gate: ridge on the users that pass, the others last"
import csv, sys, numpy as np
from scores_ref import COLS as cols, features, target
T = sys.argv[1]
m, R, X = features(T)
yv = target(T, m)
g = R[:, 4] > 0
assert 0 < g.sum() < len(g)
X1 = np.c_[X, np.ones(len(X))][g]
b = np.linalg.solve(X1.T @ X1 + np.diag([2.5] * 5 + [0]), X1.T @ yv[g])
w = list(csv.DictReader(open(T + "/wg.csv")))
assert np.allclose([float(r["weight"]) for r in w], b, rtol=1e-9, atol=1e-9)
assert all(r["gate"] == "conversions" and int(r["users"]) == g.sum() for r in w)
rows = list(csv.DictReader(open(T + "/gs.csv")))
s = np.array([float(r["score"]) for r in rows])
assert np.allclose(s[g], X[g] @ b[:5], atol=1e-9)
assert len(set(s[~g])) == 1 and s[~g][0] < s[g].min()
assert all(float(r[c + "_contrib"]) == 0 for r, k in zip(rows, g) if not k for c in cols)
# the last column: the parameters that made the table, on the first row (the others empty)
want = ("graph=social damping=0.85 tol=1e-10 hops=3 max_depth=32 window=inf "
        "features=out_degree+pagerank+core+reach_2+conversions normalize=zscore center=user learn=ridge l2=2.5 "
        "target_transform=none target=%s/val_conv.csv gate=conversions" % T)
assert rows[0]["params"] == want and all(r["params"] == "" for r in rows[1:]), rows[0]["params"]
EOF
# weights saved with a gate score with it (--gate none: without)
"$CLOUT" score "$T/train.clout" --features $F --weights @"$T/wg.csv" -q -o "$T/gs2.csv"
cmp -s <(cut -d, -f1-7 "$T/gs.csv") <(cut -d, -f1-7 "$T/gs2.csv") && ok || bad "a weights file's gate is applied"
"$CLOUT" score "$T/train.clout" --features $F --weights @"$T/wg.csv" --gate none -q -o "$T/gs3.csv"
PYTHONPATH="$SRC/tests/cli" /usr/bin/python3 - "$T" <<'EOF' && ok || bad "--gate none scores everyone with the file's weights"
import csv, sys, numpy as np
from scores_ref import features
T = sys.argv[1]
m, R, X = features(T)
w = [float(r["weight"]) for r in csv.DictReader(open(T + "/wg.csv"))][:5]
s = np.array([float(r["score"]) for r in csv.DictReader(open(T + "/gs3.csv"))])
assert np.allclose(s, X @ w, atol=1e-9)
EOF
printf 'feature,weight,gate\ncore,1,core\nconversions,2,conversions\n' >"$T/wmix.csv"
expect_err 65 "wmix.csv:3: gate 'conversions', but the rows before name 'core'" "$CLOUT" score "$T/train.clout" \
  --features core,conversions --weights @"$T/wmix.csv"
/usr/bin/python3 -c "print('feature,weight,gate'); print('core,1,' + 'x' * 300)" >"$T/wlong.csv"
expect_err 65 "wlong.csv:2: the gate is longer than any feature name" "$CLOUT" score "$T/train.clout" \
  --features core --weights @"$T/wlong.csv"
expect_err 2 "--gate: 'adoptions' is not one of the features" "$CLOUT" score "$T/train.clout" --features $F \
  --gate adoptions
awk -F, 'NR == 1 { print "user,nothing"; next } { print $1 ",0" }' "$T/val_conv.csv" >"$T/nothing.csv"
expect_err 2 "--gate changes only which users a fit reads" "$CLOUT" pairwise "$T/train.clout" --features $F \
  --gate conversions --edges
expect_err 65 "--gate nothing: no user has nothing above 0" "$CLOUT" score "$T/train.clout" \
  --features core,nothing --extra "$T/nothing.csv" --gate nothing

# the saved weights score another graph; weights and learning exclude each other
expect 0 "$CLOUT" score "$T/val.clout" --features $F --weights @"$T/w.csv" -q
expect_err 2 "the weights are set or learned" "$CLOUT" score "$T/train.clout" --learn ridge --target "$T/val_conv.csv" --weights core=1
expect_err 2 "--learn needs what really happened" "$CLOUT" score "$T/train.clout" --learn ridge
expect 0 "$CLOUT" score "$T/train.clout" --features $F --learn logistic --target "$T/val_conv.csv" --save-weights "$T/wl.csv" -q
/usr/bin/python3 - "$T" <<'EOF' && ok || bad "logistic weights are the optimum"
import csv, sys, numpy as np
T = sys.argv[1]
cols = ["out_degree", "pagerank", "core", "reach_2", "conversions"]
m = list(csv.DictReader(open(T + "/m.csv")))
R = np.array([[float(r[c]) for c in cols] for r in m]); X = (R - R.mean(0)) / R.std(0)
y = {r["user"]: float(r["conversions"]) > 0 for r in csv.DictReader(open(T + "/val_conv.csv"))}
yv = np.array([y[r["user"]] for r in m], float)
b = np.array([float(r["weight"]) for r in csv.DictReader(open(T + "/wl.csv"))])
X1 = np.c_[X, np.ones(len(X))]
p = 1 / (1 + np.exp(-X1 @ b))
g = X1.T @ (yv - p) - np.r_[1.0 * b[:5], 0]   # l2 = 1 (default)
assert np.abs(g).max() < 1e-6, g
EOF

# --- evaluate against numpy: spearman, kendall (O(n^2)), precision@k, ndcg@k, auc
"$CLOUT" evaluate --scores "$T/m.csv" --truth "$T/val_conv.csv" --columns out_degree,pagerank --k 10,50 --bootstrap 50 -q -o "$T/ev.csv"
/usr/bin/python3 - "$T" <<'EOF' && ok || bad "evaluate against numpy"
import csv, sys, numpy as np
T = sys.argv[1]
m = list(csv.DictReader(open(T + "/m.csv")))
y = {r["user"]: float(r["conversions"]) for r in csv.DictReader(open(T + "/val_conv.csv"))}
t = np.array([y[r["user"]] for r in m])
def ranks(a):
    return np.array([(a < x).sum() + ((a == x).sum() + 1) / 2 for x in a])
ev = {(r["column"], r["metric"], r["k"]): r for r in csv.DictReader(open(T + "/ev.csv"))}
for col in ("out_degree", "pagerank"):
    s = np.array([float(r[col]) for r in m])
    rho = np.corrcoef(ranks(s), ranks(t))[0, 1]
    assert abs(float(ev[(col, "spearman", "")]["value"]) - rho) < 1e-12
    ds, dt = np.sign(s[:, None] - s[None, :]), np.sign(t[:, None] - t[None, :])
    n = len(s); n0 = n * (n - 1) / 2
    con = (ds * dt).sum() / 2
    tx = ((ds == 0).sum() - n) / 2; ty = ((dt == 0).sum() - n) / 2
    tau = con / np.sqrt((n0 - tx) * (n0 - ty))
    assert abs(float(ev[(col, "kendall", "")]["value"]) - tau) < 1e-12
    pos = t > 0
    auc = ((s[pos][:, None] > s[~pos][None, :]).sum() + 0.5 * (s[pos][:, None] == s[~pos][None, :]).sum()) / (pos.sum() * (~pos).sum())
    assert abs(float(ev[(col, "auc", "")]["value"]) - auc) < 1e-12
    order = sorted(range(n), key=lambda i: (-s[i], i))
    tsort = np.sort(t)[::-1]
    for k in (10, 50):
        prec = np.mean([t[i] >= tsort[k - 1] for i in order[:k]])
        assert abs(float(ev[(col, "precision", str(k))]["value"]) - prec) < 1e-12
        disc = 1 / np.log2(np.arange(k) + 2)
        nd = (np.maximum(t[order[:k]], 0) * disc).sum() / (np.maximum(tsort[:k], 0) * disc).sum()
        assert abs(float(ev[(col, "ndcg", str(k))]["value"]) - nd) < 1e-12
    r = ev[(col, "spearman", "")]
    assert float(r["ci95_low"]) <= float(r["value"]) <= float(r["ci95_high"]), r
EOF
# the bootstrap is the same for any thread count
"$CLOUT" evaluate --scores "$T/m.csv" --truth "$T/val_conv.csv" --k 10 --bootstrap 40 --threads 1 -q -o "$T/e1.csv"
"$CLOUT" evaluate --scores "$T/m.csv" --truth "$T/val_conv.csv" --k 10 --bootstrap 40 --threads 2 -q -o "$T/e2.csv"
cmp -s "$T/e1.csv" "$T/e2.csv" && ok || bad "evaluate differs between 1 and 2 threads"

# --- evaluate --baseline: the difference to a baseline column, paired over the same resamples. A
# monotone transform of the baseline has the same ranks in every resample, so its rank metrics'
# differences are exactly 0 in each (an unpaired interval would not be); other columns' diffs are
# their values minus the baseline's
awk -F, 'NR == 1 { print "user,od,od2,pr"; for (j = 1; j <= NF; j++) c[$j] = j; next }
         { print $c["user"] "," $c["out_degree"] "," 3 * $c["out_degree"] + 1 "," $c["pagerank"] }' "$T/m.csv" >"$T/bl.csv"
"$CLOUT" evaluate --scores "$T/bl.csv" --truth "$T/val_conv.csv" --k 10,50 --bootstrap 60 --baseline od -q -o "$T/bl_ev.csv"
/usr/bin/python3 - "$T" <<'EOF2' && ok || bad "evaluate --baseline: paired differences"
import csv, sys
ev = {(r["column"], r["metric"], r["k"]): r for r in csv.DictReader(open(sys.argv[1] + "/bl_ev.csv"))}
assert len(ev) == 3 * 7, len(ev)
for (col, met, k), r in ev.items():
    d, lo, hi = float(r["diff"]), float(r["diff_ci95_low"]), float(r["diff_ci95_high"])
    base = float(ev[("od", met, k)]["value"])
    assert abs(d - (float(r["value"]) - base)) < 1e-12, r
    if col in ("od", "od2"):
        assert d == lo == hi == 0, r
    else:
        assert lo <= hi and (lo, hi) != (0, 0), r
EOF2
expect_err 2 "--baseline 'gossip' is not among the score columns" "$CLOUT" evaluate --scores "$T/bl.csv" \
  --truth "$T/val_conv.csv" --baseline gossip
expect_err 2 "--baseline 'pr' is not among" "$CLOUT" evaluate --scores "$T/bl.csv" --truth "$T/val_conv.csv" \
  --columns od --baseline pr

# --- keyusers: the top of score, with im's seeds and the ranks under each feature
"$CLOUT" keyusers "$T/train.clout" --features $F --weights $W -k 8 -q -o "$T/ku.csv"
"$CLOUT" im "$T/train.clout" -k 8 -q -o "$T/seeds.csv"
/usr/bin/python3 - "$T" <<'EOF' && ok || bad "keyusers against score, im and the metrics"
import csv, sys
T = sys.argv[1]
ku = list(csv.DictReader(open(T + "/ku.csv")))
sc = sorted(csv.DictReader(open(T + "/score.csv")), key=lambda r: -float(r["score"]))
assert [r["user"] for r in ku] == [r["user"] for r in sc[:8]]
seeds = {r["user"] for r in csv.DictReader(open(T + "/seeds.csv"))}
assert all((r["im_seed"] == "true") == (r["user"] in seeds) for r in ku)
m = list(csv.DictReader(open(T + "/m.csv")))
for r in ku:
    v = next(x for x in m if x["user"] == r["user"])
    for c in ("out_degree", "core", "conversions"):
        # rank 1 = highest; ties by user index (the order of the metrics table)
        i = m.index(v)
        better = sum(1 for j, x in enumerate(m) if float(x[c]) > float(v[c]) or (float(x[c]) == float(v[c]) and j < i))
        assert int(r["rank_" + c]) == better + 1, (r["user"], c)
EOF
for cmd in score keyusers; do
  "$CLOUT" $cmd "$T/train.clout" --features $F,ic_range --threads 1 -q -o "$T/a1.csv"
  "$CLOUT" $cmd "$T/train.clout" --features $F,ic_range --threads 2 -q -o "$T/a2.csv"
  cmp -s "$T/a1.csv" "$T/a2.csv" && ok || bad "$cmd differs between 1 and 2 threads"
done
# learning from item halves (each split's behaviour graph built again, random ic_range draws)
for t in 1 2; do
  "$CLOUT" score "$T/train.clout" --graph both --features out_degree,ic_range,conversions --rr-sets 5000 \
    --learn ridge --split-items 3 --folds 2 --threads $t --cv-report "$T/cvs$t.csv" -q -o "$T/si$t.csv"
done
cmp -s "$T/si1.csv" "$T/si2.csv" && cmp -s "$T/cvs1.csv" "$T/cvs2.csv" && ok ||
  bad "score --split-items differs between 1 and 2 threads"

# --- the behaviour graph from the command line
expect 0 "$CLOUT" behaviour "$T/train.clout" -o "$T/tb.clout" --window 86400 --top-k 30
eq "$(info "$T/tb.clout" behaviour)" "timed,window=86400,max_followers=0,top_k=30,min_weight=0" "behaviour description"
[ "$(info "$T/tb.clout" behaviour_edges)" -gt 0 ] && ok || bad "no behaviour ties"
"$CLOUT" behaviour "$T/train.clout" -o "$T/tb1.clout" --window 86400 --top-k 30 --threads 1 -q
"$CLOUT" behaviour "$T/train.clout" -o "$T/tb2.clout" --window 86400 --top-k 30 --threads 2 -q
cmp -s "$T/tb1.clout" "$T/tb2.clout" && ok || bad "behaviour graph differs between 1 and 2 threads"
# the stored B, or one built on the fly with the same options, give the same seeds
"$CLOUT" im "$T/tb.clout" -k 5 --graph behaviour -q -o "$T/ib1.csv"
"$CLOUT" behaviour "$T/train.clout" -o "$T/tb0.clout" -q
"$CLOUT" im "$T/tb0.clout" -k 5 --graph behaviour -q -o "$T/ib2.csv"
"$CLOUT" im "$T/train.clout" -k 5 --graph behaviour -q -o "$T/ib3.csv"
cmp -s "$T/ib2.csv" "$T/ib3.csv" && ok || bad "stored and on-the-fly behaviour graphs differ"
# both = S + B: at least as many ties as either
"$CLOUT" metrics "$T/tb.clout" --graph both --only out_degree -q -o "$T/ob.csv"
"$CLOUT" metrics "$T/tb.clout" --graph social --only out_degree -q -o "$T/os.csv"
/usr/bin/python3 -c '
import csv, sys
b = [int(r["out_degree"]) for r in csv.DictReader(open(sys.argv[1]))]
s = [int(r["out_degree"]) for r in csv.DictReader(open(sys.argv[2]))]
assert all(x >= y for x, y in zip(b, s)) and sum(b) > sum(s)
' "$T/ob.csv" "$T/os.csv" && ok || bad "--graph both"
"$CLOUT" ingest -q --edges "$T/se_edges.txt" -o "$T/plain.clout"
expect_err 65 "has no times" "$CLOUT" behaviour "$T/plain.clout" -o "$T/x.clout"
expect_err 2 "-o: a snapshot is written to a file" "$CLOUT" behaviour "$T/train.clout" -o -
expect_err 2 "--graph must be" "$CLOUT" metrics "$T/train.clout" --graph friends
# a logs-only snapshot reads its behaviour graph by default
"$CLOUT" ingest -q --cascades "$SE/train.txt" -o "$T/logonly.clout"
expect 0 "$CLOUT" im "$T/logonly.clout" -k 3
grep -q "building one (timed" "$T/err" && ok || bad "default to the behaviour graph: $(cat "$T/err")"

# --- snapshot versions: a version-1 file (this layout without B) still loads; 3 does not
/usr/bin/python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read()); assert b[7] == 2; b[7] = 1
open(sys.argv[2], "wb").write(b); b[7] = 3; open(sys.argv[3], "wb").write(b)
' "$T/plain.clout" "$T/v1.clout" "$T/v3.clout"
eq "$("$CLOUT" metrics "$T/v1.clout" --only core -q | md5sum)" "$("$CLOUT" metrics "$T/plain.clout" --only core -q | md5sum)" "a version-1 snapshot"
expect_err 65 "snapshot format version 3 is not supported" "$CLOUT" info "$T/v3.clout"

# a saved metrics table as --extra: its columns are taken instead of computed, the same scores
"$CLOUT" metrics "$T/train.clout" --only out_degree,pagerank,conversions -q -o "$T/saved_m.csv"
eq "$("$CLOUT" score "$T/train.clout" --features out_degree,pagerank,conversions --extra "$T/saved_m.csv" -q |
  cut -d, -f1-5 | md5sum)" "$("$CLOUT" score "$T/train.clout" --features out_degree,pagerank,conversions -q |
  cut -d, -f1-5 | md5sum)" "score --extra with a saved metrics table"

# --- bad input to the score commands
expect_err 2 "--weights: expected feature=number" "$CLOUT" score "$T/train.clout" --features core --weights pagerank=1
expect_err 2 "'gossip' is neither a column" "$CLOUT" score "$T/train.clout" --features core,gossip
printf 'user,extra\nnobody,1\n' >"$T/extra.csv"
expect_err 65 "no user 'nobody'" "$CLOUT" score "$T/train.clout" --features core,extra --extra "$T/extra.csv"
printf 'user,conversions\n440,1,2\n' >"$T/ragged.csv"
expect_err 65 "ragged.csv:2: 3 cells, expected 2" "$CLOUT" score "$T/train.clout" --learn ridge --target "$T/ragged.csv"
expect_err 66 "missing.csv" "$CLOUT" evaluate --scores "$T/missing.csv" --truth "$T/val_conv.csv"
printf 'user,x\nzz,1\n' >"$T/other.csv"
expect_err 65 "share 0 users" "$CLOUT" evaluate --scores "$T/m.csv" --truth "$T/other.csv"
expect_err 2 "--k: 'x' is not a whole number" "$CLOUT" evaluate --scores "$T/m.csv" --truth "$T/val_conv.csv" --k x
# learning from the log after a time (Last.fm's dated tags)
L="$DS/lastfm_hetrec2011"
"$CLOUT" ingest -q --undirected --dedupe max --header --edges "$L/user_friends.dat" --user-col userID \
  --item-col artistID --date-cols year,month,day --interactions "$L/user_taggedartists.dat.gz" -o "$T/lt.clout"
expect 0 "$CLOUT" score "$T/lt.clout" --features out_degree,pagerank,conversions --learn ridge --split-time 2009-01-01 -o "$T/st.csv"
grep -q "learned ridge weights" "$T/err" && [ "$(wc -l <"$T/st.csv")" -gt 1000 ] && ok || bad "--split-time: $(cat "$T/err")"
expect 0 "$CLOUT" score "$T/lt.clout" --features out_degree,pagerank,conversions --learn ridge --split-time 2009-01-01T01:00:00+01:00 -q -o "$T/st2.csv"
cmp -s "$T/st.csv" "$T/st2.csv" && ok || bad "--split-time reads times as the logs do (an ISO offset)"
expect_err 2 "--split-time needs epoch seconds or a date" "$CLOUT" score "$T/lt.clout" --learn ridge --split-time yesterday
# what happened after the split, on the whole log (metrics --since): conversions since T are the
# whole log's minus those of the log up to T, and --split-time learns from exactly that target
zcat "$L/user_taggedartists.dat.gz" | awk -F'\t' 'NR == 1 || ($6 * 10000 + $5 * 100 + $4) <= 20090101' >"$T/upto.tsv"
"$CLOUT" ingest -q --undirected --dedupe max --header --edges "$L/user_friends.dat" --user-col userID \
  --item-col artistID --date-cols year,month,day --interactions "$T/upto.tsv" -o "$T/upto.clout"
"$CLOUT" metrics "$T/lt.clout" --only conversions -q -o "$T/conv_all.csv"
"$CLOUT" metrics "$T/upto.clout" --only conversions -q -o "$T/conv_upto.csv"
expect 0 "$CLOUT" metrics "$T/lt.clout" --only conversions --since 2009-01-01T23:59:59Z -q -o "$T/conv_since.csv"
/usr/bin/python3 -c '
import csv, sys
a, p, s = ({r["user"]: r for r in csv.DictReader(open(f))} for f in sys.argv[1:4])
assert len(s) == len(a) == 1892 and set(p) == set(a), (len(s), len(a), len(p))
bad = [u for u in a if int(s[u]["conversions"]) != int(a[u]["conversions"]) - int(p[u]["conversions"])]
assert not bad, bad[:5]
assert sum(int(s[u]["conversions"]) for u in s) > 1000
' "$T/conv_all.csv" "$T/conv_upto.csv" "$T/conv_since.csv" && ok || bad "metrics --since: whole minus up to T"
"$CLOUT" score "$T/lt.clout" --features out_degree,pagerank,conversions --learn ridge --folds 0 \
  --split-time 2009-01-01T23:59:59Z -q -o "$T/st_split.csv"
"$CLOUT" score "$T/upto.clout" --features out_degree,pagerank,conversions --learn ridge --folds 0 \
  --target "$T/conv_since.csv" --target-col conversions -q -o "$T/st_target.csv"
/usr/bin/python3 -c '
import csv, sys
a, b = ({r["user"]: float(r["score"]) for r in csv.DictReader(open(f))} for f in sys.argv[1:3])
assert set(a) == set(b) and max(abs(a[u] - b[u]) for u in a) < 1e-9 * max(1, max(abs(x) for x in a.values()))
' "$T/st_split.csv" "$T/st_target.csv" && ok || bad "--split-time learns from metrics --since"
expect_err 2 "--since needs epoch seconds or a date" "$CLOUT" metrics "$T/lt.clout" --since tomorrow
# a log without a friend list: --split-time learns along the behaviour graph of the log up to the
# split; the target is checked by brute force from the rows (B's ties: v acted on an item after u,
# both by the split; a conversion: a tie's v acting after the split and after u). Features that
# read no weights: a pair first seen by the split keeps the weight of all its rows (README)
/usr/bin/python3 - "$T" <<'PY'
import random, sys
T = sys.argv[1]
rng = random.Random(5)
# every user acts once by the split (both snapshots know all 60), then 500 rows at random
rows = [(f"u{k}", f"i{rng.randrange(15)}", rng.randrange(501)) for k in range(60)]
rows += [(f"u{rng.randrange(60)}", f"i{rng.randrange(15)}", rng.randrange(1000)) for _ in range(500)]
with open(f"{T}/blog.csv", "w") as f:
    f.write("user,item,time\n" + "".join(f"{u},{i},{t}\n" for u, i, t in rows))
with open(f"{T}/blog_upto.csv", "w") as f:
    f.write("user,item,time\n" + "".join(f"{u},{i},{t}\n" for u, i, t in rows if t <= 500))
first = {}
for u, i, t in rows:
    first[u, i] = min(t, first.get((u, i), t))
users, items = sorted({u for u, _, _ in rows}), sorted({i for _, i, _ in rows})
tie = {(u, v) for i in items for u in users for v in users
       if u != v and (u, i) in first and (v, i) in first and first[u, i] < first[v, i] <= 500}
with open(f"{T}/btarget.csv", "w") as f:
    f.write("user,conversions\n")
    for u in users:
        c = sum(1 for i in items if (u, i) in first for v in users
                if (u, v) in tie and (v, i) in first and first[v, i] > max(500, first[u, i]))
        f.write(f"{u},{c}\n")
PY
"$CLOUT" ingest -q --interactions "$T/blog.csv" -o "$T/blog.clout"
"$CLOUT" ingest -q --interactions "$T/blog_upto.csv" -o "$T/blog_upto.clout"
"$CLOUT" behaviour "$T/blog_upto.clout" -q -o "$T/blog_b.clout"
expect 0 "$CLOUT" score "$T/blog.clout" --features out_degree,in_degree,adoptions --learn ridge --folds 0 \
  --split-time 500 -o "$T/bs_split.csv"
expect 0 "$CLOUT" score "$T/blog_b.clout" --graph behaviour --features out_degree,in_degree,adoptions --learn ridge \
  --folds 0 --target "$T/btarget.csv" -q -o "$T/bs_target.csv"
/usr/bin/python3 -c '
import csv, sys
a, b = ({r["user"]: float(r["score"]) for r in csv.DictReader(open(f))} for f in sys.argv[1:3])
assert set(a) == set(b) and len(a) == 60 and len(set(a.values())) > 5, (len(a), len(b))
assert max(abs(a[u] - b[u]) for u in a) < 1e-9 * max(1, max(abs(x) for x in a.values()))
' "$T/bs_split.csv" "$T/bs_target.csv" && ok ||
  bad "--split-time on a log without friends: the behaviour graph's conversions"
# a snapshot's own behaviour graph (2 out-ties a user) is built again with its options: from the
# log up to --split-time, and from the rows --min-weight keeps
"$CLOUT" behaviour "$T/blog.clout" --top-k 2 -q -o "$T/blog_k.clout"
expect 0 "$CLOUT" score "$T/blog_k.clout" --graph behaviour --features out_degree --normalize none --learn ridge \
  --folds 0 --split-time 500 -o "$T/bk.csv"
w=$(sed -n 's/.*learned ridge weights.*out_degree \([-0-9.e]*\) .*/\1/p' "$T/err")
awk -F, -v w="$w" 'NR > 1 { d = $3 / w; if (d > m) m = d } END { exit !(w != 0 && m > 1.5 && m < 2.001) }' \
  "$T/bk.csv" && ok || bad "--split-time rebuilds the behaviour graph with its stored --top-k (weight '$w')"
expect 0 "$CLOUT" metrics "$T/blog_k.clout" --graph behaviour --min-weight 1 --only out_degree -o "$T/bkm.csv"
awk -F, 'NR > 1 && $2 > m { m = $2 } END { exit !(m == 2) }' "$T/bkm.csv" && ok ||
  bad "--min-weight rebuilds with --top-k"
# params say which ties were read: the behaviour graph as rebuilt, and the rows dropped
/usr/bin/python3 -c '
import csv, sys
p = next(csv.DictReader(open(sys.argv[1])))["params"]
assert p.startswith("graph=behaviour(") and "top_k=2" in p and p.endswith(" min_weight=1"), p
' "$T/bkm.csv" && ok || bad "params of a table read along the behaviour graph"
# ... except a --window given on the command line
"$CLOUT" behaviour "$T/blog.clout" --top-k 2 --window 5 -q -o "$T/blog_k5.clout"
"$CLOUT" metrics "$T/blog_k5.clout" --graph behaviour --only out_degree,in_degree -q -o "$T/k5.csv"
expect 0 "$CLOUT" metrics "$T/blog_k.clout" --graph behaviour --min-weight 1 --window 5 --only out_degree,in_degree \
  -o "$T/k5b.csv"
"$CLOUT" metrics "$T/blog_k.clout" --graph behaviour --only out_degree,in_degree -q -o "$T/kinf.csv"
cut -d, -f1-3 "$T/k5.csv" >"$T/k5.cut"; cut -d, -f1-3 "$T/k5b.csv" >"$T/k5b.cut"; cut -d, -f1-3 "$T/kinf.csv" >"$T/kinf.cut"
cmp -s "$T/k5.cut" "$T/k5b.cut" && ! cmp -s "$T/k5.cut" "$T/kinf.cut" && ok ||
  bad "--window given with --min-weight overrides the stored behaviour graph's window"
# nothing to learn from, or to count: an error, not all-zero weights or columns
rm -f "$T/none.csv"
expect_err 65 "the target is 0 for all 1892 users: nothing to learn (no follower adopted anything after --split-time)" \
  "$CLOUT" score "$T/lt.clout" --features out_degree,pagerank --learn ridge --split-time 2030-01-01 -o "$T/none.csv"
[ ! -e "$T/none.csv" ] && ok || bad "a failed fit left an output"
expect_err 65 "all 1892 have none (no follower adopted anything after --split-time)" \
  "$CLOUT" score "$T/lt.clout" --features out_degree --learn logistic --split-time 2030-01-01
# --split-items: nobody adopts after a tie's source on any item, so no half teaches anything
printf 'a b\nb c\n' >"$T/nc_ties.txt"
printf 'user,item,time\nc,x,1\nb,x,2\na,x,3\nc,y,1\nb,y,2\na,y,3\n' >"$T/nc_log.csv"
"$CLOUT" ingest -q --edges "$T/nc_ties.txt" --interactions "$T/nc_log.csv" -o "$T/nc.clout"
rm -f "$T/none.csv"
expect_err 65 "split 1 of 2: the target is 0 for all 3 users: nothing to learn (no follower adopted an item of the other half after the user)" \
  "$CLOUT" score "$T/nc.clout" --features out_degree,adoptions --learn ridge --split-items 2 -o "$T/none.csv"
[ ! -e "$T/none.csv" ] && ok || bad "a failed --split-items fit left an output"
printf 'user,item\na,x\nb,x\nc,y\n' >"$T/nc_untimed.csv"
"$CLOUT" ingest -q --edges "$T/nc_ties.txt" --interactions "$T/nc_untimed.csv" -o "$T/nc_untimed.clout"
expect_err 65 "--split-items learns from conversions, which need times: $T/nc_untimed.clout has no timed interaction" \
  "$CLOUT" score "$T/nc_untimed.clout" --features out_degree --learn ridge --split-items 2 -o "$T/none.csv"
[ ! -e "$T/none.csv" ] && ok || bad "--split-items on an untimed log left an output"
expect_err 0 "warning: --split-items with --normalize none" "$CLOUT" score "$T/lt.clout" --features out_degree,conversions \
  --normalize none --learn ridge --split-items 1 --folds 0 -o "$T/si_none.csv"
# keyusers learns the same way; the table records it
expect 0 "$CLOUT" keyusers "$T/lt.clout" --features out_degree,pagerank,conversions --learn ridge --split-items 2 --folds 3 \
  -k 5 --cv-report "$T/cv_si.csv" -o "$T/ku_si.csv"
grep -q "the mean of 2 splits" "$T/err" && grep -q "clout: split 2 of 2: 3-fold cross-validation" "$T/err" &&
  [ "$(wc -l <"$T/ku_si.csv")" -eq 6 ] && grep -q "split_items=2" "$T/ku_si.csv" &&
  [ "$(head -1 "$T/cv_si.csv")" = "split,fold,train,test,spearman,kendall,rmse,auc" ] &&
  [ "$(cut -d, -f1,2 "$T/cv_si.csv" | tail -n +2 | tr '\n' ' ')" = "1,1 1,2 1,3 2,1 2,2 2,3 " ] && ok ||
  bad "keyusers --split-items: $(cat "$T/err")"
awk -F, 'NR == 1 { print; next } { print $1 ",3" }' "$T/val_conv.csv" >"$T/flat.csv"
expect_err 65 "the target is 3 for all" "$CLOUT" keyusers "$T/train.clout" --learn ridge --target "$T/flat.csv"
"$CLOUT" ingest -q --edges "$T/se_edges.txt" -o "$T/untimed.clout"
expect_err 65 "--since counts timed interactions and the snapshot has none" \
  "$CLOUT" metrics "$T/untimed.clout" --only conversions --since 5
expect_err 2 "--since needs epoch seconds or a date" "$CLOUT" metrics "$T/lt.clout" --since ""

# --- typed behaviours: kept apart per type, aggregated as asked, read as features
printf 'user,item,action,time,weight\na,x,listen,1,1\na,x,listen,5,2\nb,x,share,3,1\nb,y,listen,4,3\nc,x,rate,7,0\n' >"$T/typed.csv"
"$CLOUT" ingest -q --interactions "$T/typed.csv" -o "$T/typed.clout"
eq "$(info "$T/typed.clout" actions)" "listen: 3 rows, 2 users, 2 items; share: 1 rows, 1 users, 1 items; rate: 1 rows, 1 users, 1 items" "info actions"
for a in sum:3 max:2 last:2 count:2; do
  "$CLOUT" ingest -q --interactions "$T/typed.csv" --aggregate "${a%%:*}" -o "$T/agg.clout"
  eq "$("$CLOUT" export "$T/agg.clout" --what interactions | awk -F, '$1 == "a" {print $3}')" "${a##*:}" "--aggregate ${a%%:*}"
done
# last: the latest row's weight, whatever the order of the rows
printf 'user,item,time,weight\na,x,9,7\na,x,2,5\n' >"$T/late.csv"
"$CLOUT" ingest -q --interactions "$T/late.csv" --aggregate last -o "$T/agg.clout"
eq "$("$CLOUT" export "$T/agg.clout" --what interactions | tail -1)" "a,x,7,2" "--aggregate last takes the latest row"
# act_TYPE and conv_TYPE by hand: ties a->b, a->c, b->c
printf 'a b\na c\nb c\n' >"$T/abc.txt"
printf 'user,item,action,time\na,x,listen,1\nb,x,listen,2\nc,x,share,3\na,y,share,1\nc,y,share,5\nb,y,listen,0\n' >"$T/abc.csv"
"$CLOUT" ingest -q --edges "$T/abc.txt" --interactions "$T/abc.csv" -o "$T/abc.clout"
"$CLOUT" score "$T/abc.clout" --features act_listen,act_share,conv_listen,conv_share,conversions --normalize none -q -o "$T/abc_s.csv"
eq "$(cut -d, -f1,3- "$T/abc_s.csv" | tail -n +2 | cut -d, -f1-6 | tr '\n' ' ')" "a,1,1,1,1,3 b,2,0,0,0,2 c,0,2,0,0,0 " "act_ and conv_ features by hand (b: x at 2 and y at 0, both followed by c)"
# a whole file as one behaviour type, and a log without a header row
printf 'a,x,1\nb,x,2\n' >"$T/nohdr.csv"
"$CLOUT" ingest -q --edges "$T/abc.txt" --action view --columns user,item,time --interactions "$T/nohdr.csv" -o "$T/nohdr.clout"
eq "$(info "$T/nohdr.clout" actions)" "view: 2 rows, 2 users, 1 items" "--action and --columns"
eq "$(info "$T/nohdr.clout" timed_interactions)" 2 "--columns: the first line is data"
expect_err 2 "--action needs a behaviour type" "$CLOUT" ingest --action '' --interactions "$T/nohdr.csv" -o "$T/x.clout"
# --min-weight: a weight-0 row is no adoption
"$CLOUT" metrics "$T/typed.clout" --only adoptions -q -o "$T/ad0.csv"
"$CLOUT" metrics "$T/typed.clout" --only adoptions --min-weight 1 -q -o "$T/ad1.csv"
eq "$(grep '^c,' "$T/ad0.csv" | cut -d, -f2),$(grep '^c,' "$T/ad1.csv" | cut -d, -f2)" "1,0" "--min-weight drops weak rows"
# a typed snapshot round-trips its behaviour types
"$CLOUT" behaviour "$T/typed.clout" -o "$T/typed_b.clout" -q
eq "$(info "$T/typed_b.clout" actions)" "$(info "$T/typed.clout" actions)" "behaviour types survive a snapshot"
# --reverse: a trust list (u trusts v) becomes the influence tie v -> u, for the next file only
printf 'a b\nb c\n' >"$T/trust.txt"
printf 'x y\n' >"$T/plainties.txt"
"$CLOUT" ingest -q --reverse --edges "$T/trust.txt" --forward --edges "$T/plainties.txt" -o "$T/rev.clout"
eq "$("$CLOUT" export "$T/rev.clout" --what social | tail -n +2 | sort | tr '\n' ' ')" "b,a,1 c,b,1 x,y,1 " "--reverse and --forward"
expect_err 2 "--reverse comes after the last input" "$CLOUT" ingest --edges "$T/trust.txt" --reverse -o "$T/x.clout"
eq "$(find "$T" -name '*.tmp.*' | wc -l)" 0 "temporary files left"
finish
