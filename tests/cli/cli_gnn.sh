#!/usr/bin/env bash
# cli_gnn.sh: gcn, lightgcn and recommend from the command line against independent references:
# the GCN's and LightGCN's outputs recomputed in numpy from the model files (read with the msgpack
# module) and the edge lists; GCN accuracy on email-Eu-core against the published PyTorch figure
# (0.672 +- 0.009 over 10 seeds); Recall@20 recomputed in Python from recommend's lists and the
# test file, and compared with a popularity baseline computed here; thread-count independence;
# bad input.
. "$(dirname "$0")/lib.sh"
EM="$DS/snap_email_eu_core"
LG="$DS/lastfm_lightgcn"
"$CLOUT" ingest -q --edges "$EM/email-Eu-core.txt.gz" -o "$T/email.clout"
zcat "$EM/email-Eu-core.txt.gz" >"$T/email_edges.txt"

# --- GCN node classification: accuracy over three seeds, predictions against numpy
for s in 1 2 3; do
  "$CLOUT" gcn train "$T/email.clout" --labels "$EM/email-Eu-core-department-labels.txt" --seed $s \
    -o "$T/email$s.clout-model" -q --log "$T/log$s.csv" >"$T/gcn$s.csv" || bad "gcn train seed $s"
done
/usr/bin/python3 - "$T" <<'PY' && ok || bad "GCN test accuracy against the published figure"
import csv, sys
T = sys.argv[1]
acc = []
for s in (1, 2, 3):
    rows = {r["split"]: r for r in csv.DictReader(open(f"{T}/gcn{s}.csv"))}
    assert [int(rows[k]["users"]) for k in ("train", "validation", "test")] == [603, 201, 201], rows
    acc.append(float(rows["test"]["accuracy"]))
    log = list(csv.DictReader(open(f"{T}/log{s}.csv")))
    assert len(log) == int(rows["test"]["epochs_run"]) and float(log[-1]["train_loss"]) < float(log[0]["train_loss"])
mean = sum(acc) / 3
# PyTorch's GCN (same architecture and settings): 0.672 +- 0.009 over 10 seeds
assert mean >= 0.672 - 3 * 0.009, acc
print("GCN test accuracy", acc, mean)
PY
"$CLOUT" gcn predict "$T/email.clout" --model "$T/email1.clout-model" -q -o "$T/pred.csv" || bad "gcn predict"
/usr/bin/python3 - "$T" "$EM/email-Eu-core-department-labels.txt" <<'PY' && ok || bad "gcn predict against a numpy forward pass"
import csv, sys, msgpack, numpy as np
T, labf = sys.argv[1], sys.argv[2]
magic, ver, m = msgpack.unpackb(open(f"{T}/email1.clout-model", "rb").read(), raw=False)
assert magic == "CLOUT-MODEL" and ver == 1 and m["kind"] == "gcn"
def ids(d):
    blob, off = d["blob"], np.frombuffer(d["offsets"], dtype="<i8")
    return [blob[off[i]:off[i + 1] - 1].decode() for i in range(d["count"])]
users = ids(m["users"])
ix = {u: i for i, u in enumerate(users)}
n = len(users)
A = np.zeros((n, n))
for line in open(f"{T}/email_edges.txt"):
    a, b = line.split()
    if a != b:
        A[ix[a], ix[b]] = A[ix[b], ix[a]] = 1
A += np.eye(n)
d = 1 / np.sqrt(A.sum(1))
Ah = d[:, None] * A * d[None, :]
t = {k: np.frombuffer(v["data"], dtype="<f4").reshape(v["rows"], v["cols"]).astype(np.float64) for k, v in m["tensors"].items()}
H = np.maximum(Ah @ t["W0"] + t["b0"], 0)
Z = Ah @ (H @ t["W1"]) + t["b1"]
pred = Z.argmax(1)
P = np.exp(Z - Z.max(1, keepdims=True)); P /= P.sum(1, keepdims=True)
rows = list(csv.DictReader(open(f"{T}/pred.csv")))
assert len(rows) == n
classes = m["classes"]
for r in rows:
    i = ix[r["user"]]
    assert r["prediction"] == classes[pred[i]], (r, classes[pred[i]])
    assert abs(float(r["probability"]) - P[i, pred[i]]) < 1e-4
# accuracy over every labelled user = the splits' accuracies weighted by their sizes
lab = dict(line.split() for line in open(labf))
hits = sum(r["prediction"] == lab[r["user"]] for r in rows)
sp = {r["split"]: r for r in csv.DictReader(open(f"{T}/gcn1.csv"))}
want = sum(round(float(sp[k]["accuracy"]) * int(sp[k]["users"])) for k in sp)
assert hits == want, (hits, want)
PY
"$CLOUT" gcn train "$T/email.clout" --labels "$EM/email-Eu-core-department-labels.txt" --epochs 20 \
  --threads 1 -o "$T/t1.clout-model" -q >/dev/null
"$CLOUT" gcn train "$T/email.clout" --labels "$EM/email-Eu-core-department-labels.txt" --epochs 20 \
  --threads 2 -o "$T/t2.clout-model" -q >/dev/null
cmp -s "$T/t1.clout-model" "$T/t2.clout-model" && ok || bad "GCN models differ between 1 and 2 threads"

# --- GCN regression: in-degree from the graph, with extra features given
"$CLOUT" metrics "$T/email.clout" --only in_degree,out_degree -q -o "$T/deg.csv"
awk -F, 'NR > 1 {print $1, $2}' "$T/deg.csv" >"$T/indeg.txt"
cut -d, -f1,3 "$T/deg.csv" >"$T/feat.csv"
expect 0 "$CLOUT" gcn train "$T/email.clout" --target "$T/indeg.txt" --features "$T/feat.csv" -o "$T/reg.clout-model" -q
awk -F, '$1 == "test" && $5 > 0.7 {ok = 1} END {exit !ok}' "$T/out" && ok || bad "regression test Spearman: $(cat "$T/out")"
expect 0 "$CLOUT" gcn predict "$T/email.clout" --model "$T/reg.clout-model" --features "$T/feat.csv" -q
head -1 "$T/out" | grep -qx "user,prediction" && ok || bad "regression predictions: $(head -2 "$T/out")"

# --- GCN bad input
printf '0 1\n1 1\n' >"$T/one_class.txt"
expect_err 65 "at least 2" "$CLOUT" gcn train "$T/email.clout" --labels "$T/one_class.txt" -o "$T/x.model" -q
printf '0 1\n0 2\n' >"$T/twice.txt"
expect_err 65 "twice.txt:2: user '0' is labelled twice" "$CLOUT" gcn train "$T/email.clout" --labels "$T/twice.txt" -o "$T/x.model" -q
printf '0\n' >"$T/onefield.txt"
expect_err 65 "onefield.txt:1: expected two fields" "$CLOUT" gcn train "$T/email.clout" --labels "$T/onefield.txt" -o "$T/x.model" -q
printf '0 abc\n' >"$T/nan_target.txt"
expect_err 65 "nan_target.txt:1: expected a finite number" "$CLOUT" gcn train "$T/email.clout" --target "$T/nan_target.txt" -o "$T/x.model" -q
expect_err 66 "nope.txt" "$CLOUT" gcn train "$T/email.clout" --labels "$T/nope.txt" -o "$T/x.model" -q
expect_err 2 "--split" "$CLOUT" gcn train "$T/email.clout" --labels "$EM/email-Eu-core-department-labels.txt" --split 0.5,0.5 -o "$T/x.model"
# three labelled users: no room for a test split; said on stderr, the row shows 0 users and NaN
printf '0 1\n1 2\n2 1\n' >"$T/three.txt"
expect_err 0 "warning: the test split is empty: 3 users have a label, too few for --split's 0.1" \
  "$CLOUT" gcn train "$T/email.clout" --labels "$T/three.txt" --split 0.6,0.3,0.1 --epochs 3 -o "$T/three.model"
awk -F, '$1 == "test" && $2 == 0 && $3 == "nan" { f = 1 } END { exit !f }' "$T/out" && ok || bad "the empty test split's row: $(cat "$T/out")"
rm -f "$T/three.model"
expect_err 2 "--dropout" "$CLOUT" gcn train "$T/email.clout" --labels "$EM/email-Eu-core-department-labels.txt" --dropout 1 -o "$T/x.model"
expect_err 2 "usage" "$CLOUT" gcn train "$T/email.clout" --labels "$EM/email-Eu-core-department-labels.txt"
expect_err 2 "standard output" "$CLOUT" gcn train "$T/email.clout" --labels "$EM/email-Eu-core-department-labels.txt" -o -
expect_err 2 "usage" "$CLOUT" gcn fly "$T/email.clout"
[ ! -e "$T/x.model" ] && ok || bad "a refused training left a model file"
head -c 300 "$T/email1.clout-model" >"$T/cut.clout-model"
expect_err 65 "cut.clout-model: byte" "$CLOUT" gcn predict "$T/email.clout" --model "$T/cut.clout-model"
expect_err 65 "not a clout model file" "$CLOUT" gcn predict "$T/email.clout" --model "$T/email.clout"
printf 'alice bob\nbob carol\n' >"$T/other.txt"
printf 'user,item\nalice x\n' | tr ' ' , >"$T/other_log.csv"
"$CLOUT" ingest -q --edges "$T/other.txt" --interactions "$T/other_log.csv" -o "$T/other.clout"
expect_err 65 "trained on another graph" "$CLOUT" gcn predict "$T/other.clout" --model "$T/email1.clout-model"

# --- LightGCN on the bundled Last.fm split
"$CLOUT" ingest -q --columns user,item,count --sep tab --interactions "$LG/train.txt.gz" -o "$T/lg.clout"
"$CLOUT" ingest -q --undirected --dedupe max --edges "$LG/trust.txt.gz" --columns user,item,count --sep tab \
  --interactions "$LG/train.txt.gz" -o "$T/lgs.clout"
zcat "$LG/train.txt.gz" >"$T/train.txt"
zcat "$LG/test.txt.gz" >"$T/test.txt"
zcat "$LG/trust.txt.gz" >"$T/trust.txt"
expect 0 "$CLOUT" lightgcn train "$T/lg.clout" --test "$LG/test.txt.gz" --epochs 30 -o "$T/lg.clout-model" -q
cp "$T/out" "$T/lgtrain.csv"
expect 0 "$CLOUT" lightgcn evaluate "$T/lg.clout" --model "$T/lg.clout-model" --test "$T/test.txt" -q
cp "$T/out" "$T/lgeval.csv"
expect 0 "$CLOUT" recommend "$T/lg.clout" --model "$T/lg.clout-model" -k 20 -q -o "$T/rec.csv"
/usr/bin/python3 - "$T" <<'PY' && ok || bad "LightGCN recall against an independent count and a popularity baseline"
import csv, math, sys, msgpack, numpy as np
from collections import Counter, defaultdict
T = sys.argv[1]
train = defaultdict(set)
for line in open(f"{T}/train.txt"):
    u, i = line.split()[:2]
    train[u].add(i)
test = defaultdict(list)
for line in open(f"{T}/test.txt"):
    u, i = line.split()[:2]
    if u in train:
        test[u].append(i)
rows = list(csv.DictReader(open(f"{T}/lgtrain.csv")))
assert [int(r["epoch"]) for r in rows] == list(range(1, 31))
ev = [r for r in rows if r["recall@20"] != ""]
assert [int(r["epoch"]) for r in ev] == [10, 20, 30]
best = max(float(r["recall@20"]) for r in ev)
e = next(csv.DictReader(open(f"{T}/lgeval.csv")))
assert abs(float(e["recall"]) - best) < 1e-12, (e, best)
# recall@20 and NDCG@20 recomputed from recommend's lists
rec = defaultdict(list)
for r in csv.DictReader(open(f"{T}/rec.csv")):
    rec[r["user"]].append(r["item"])
    assert r["item"] not in train[r["user"]]
R = N = 0.0
for u, items in test.items():
    hits = [1.0 if x in set(items) else 0.0 for x in rec[u][:20]]
    R += sum(hits) / len(items)
    N += sum(h / math.log2(j + 2) for j, h in enumerate(hits)) / sum(1 / math.log2(j + 2) for j in range(min(20, len(items))))
R /= len(test)
N /= len(test)
assert abs(R - float(e["recall"])) < 1e-9 and abs(N - float(e["ndcg"])) < 1e-9, (R, N, e)
# popularity: the 20 most held items a user lacks
pop = Counter(i for s in train.values() for i in s)
order = [i for i, _ in sorted(pop.items(), key=lambda kv: (-kv[1], kv[0]))]
P = 0.0
for u, items in test.items():
    top = [i for i in order if i not in train[u]][:20]
    P += len(set(top) & set(items)) / len(items)
P /= len(test)
assert R > 2 * P, (R, P)
# the recommendations against a numpy ranking from the model file's embeddings
magic, ver, m = msgpack.unpackb(open(f"{T}/lg.clout-model", "rb").read(), raw=False)
def ids(d):
    blob, off = d["blob"], np.frombuffer(d["offsets"], dtype="<i8")
    return [blob[off[i]:off[i + 1] - 1].decode() for i in range(d["count"])]
us, it = ids(m["users"]), ids(m["items"])
F = np.frombuffer(m["tensors"]["F"]["data"], dtype="<f4").reshape(len(us) + len(it), -1).astype(np.float64)
for u in us[:50]:
    s = F[len(us):] @ F[us.index(u)]
    cand = [(-s[k], k) for k in range(len(it)) if it[k] not in train[u]]
    cand.sort()
    want = [it[k] for _, k in cand[:20]]
    assert want == rec[u], (u, want[:5], rec[u][:5])
print("recall", R, "ndcg", N, "popularity", P)
PY
"$CLOUT" lightgcn train "$T/lgs.clout" --social --epochs 2 --threads 1 -o "$T/s1.clout-model" -q >/dev/null
"$CLOUT" lightgcn train "$T/lgs.clout" --social --epochs 2 --threads 2 -o "$T/s2.clout-model" -q >/dev/null
cmp -s "$T/s1.clout-model" "$T/s2.clout-model" && ok || bad "LightGCN models differ between 1 and 2 threads"

# --- recommend --social-weight 1: the friends' influence-weighted share, recomputed
"$CLOUT" score "$T/lgs.clout" -q -o "$T/score.csv"
expect 0 "$CLOUT" recommend "$T/lgs.clout" --model "$T/s1.clout-model" -k 5 --social-weight 1 --users 2,3,100 -q
cp "$T/out" "$T/srec.csv"
/usr/bin/python3 - "$T" <<'PY' && ok || bad "recommend --social-weight 1 against the friends' shares"
import csv, sys
from collections import defaultdict
T = sys.argv[1]
score = {r["user"]: float(r["score"]) for r in csv.DictReader(open(f"{T}/score.csv"))}
n = len(score)
# percentiles by rank (ties by clout's user index: the score table lists users in index order)
index = {r["user"]: k for k, r in enumerate(csv.DictReader(open(f"{T}/score.csv")))}
order = sorted(score, key=lambda u: (score[u], index[u]))
pct = {u: (r + 1) / n for r, u in enumerate(order)}
train = defaultdict(set)
for line in open(f"{T}/train.txt"):
    u, i = line.split()[:2]
    train[u].add(i)
friends = defaultdict(set)
for line in open(f"{T}/trust.txt"):
    a, b = line.split()[:2]
    if a != b:
        friends[a].add(b)
        friends[b].add(a)
rows = defaultdict(list)
for r in csv.DictReader(open(f"{T}/srec.csv")):
    rows[r["user"]].append((r["item"], float(r["score"])))
    assert r["social_weight"] == "1"
assert set(rows) == {"2", "3", "100"}, rows.keys()
items = set(i for s in train.values() for i in s)
for u, got in rows.items():
    w = sum(pct[f] for f in friends[u])
    share = {i: 0.0 for i in items if i not in train[u]}
    for f in friends[u]:
        for i in train[f]:
            if i in share:
                share[i] += pct[f] / w
    assert len(got) == 5
    listed = {i for i, _ in got}
    rest = max(v for i, v in share.items() if i not in listed)
    for i, sc in got:
        assert abs(sc - share[i]) < 1e-5 and share[i] >= rest - 1e-5, (u, i, sc, share[i], rest)
print("social shares checked")
PY

printf '2\n3\n' >"$T/users.txt"
expect 0 "$CLOUT" recommend "$T/lg.clout" --model "$T/lg.clout-model" -k 3 --users "$T/users.txt" -q
eq "$(cut -d, -f1 "$T/out" | tail -n +2 | sort | uniq -c | tr -s ' ' | tr '\n' ';')" " 3 2; 3 3;" "recommend --users FILE"

# --- LightGCN and recommend bad input
expect_err 65 "a gcn model" "$CLOUT" recommend "$T/email.clout" --model "$T/email1.clout-model"
expect_err 2 "-k" "$CLOUT" recommend "$T/lg.clout" --model "$T/lg.clout-model" -k 0
expect_err 2 "--social-weight" "$CLOUT" recommend "$T/lg.clout" --model "$T/lg.clout-model" --social-weight 2
expect_err 2 "no interactions" "$CLOUT" lightgcn train "$T/email.clout" -o "$T/y.model" -q
expect_err 2 "no ties" "$CLOUT" lightgcn train "$T/lg.clout" --social --graph social -o "$T/y.model" -q
printf '2\n' >"$T/bad_test.txt"
expect_err 65 "bad_test.txt:1: expected two fields" "$CLOUT" lightgcn train "$T/lg.clout" --test "$T/bad_test.txt" -o "$T/y.model" -q
printf 'nobody nothing\nghost 5\n' >"$T/strangers.txt"
expect_err 65 "no test pair names a user" "$CLOUT" lightgcn train "$T/lg.clout" --test "$T/strangers.txt" -o "$T/y.model" -q
[ ! -e "$T/y.model" ] && ok || bad "a refused training left a model file"
expect_err 65 "trained on another graph" "$CLOUT" recommend "$T/other.clout" --model "$T/lg.clout-model"
finish
