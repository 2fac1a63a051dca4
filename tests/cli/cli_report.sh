#!/usr/bin/env bash
# cli_report.sh: clout report on the bundled Last.fm data, its numbers against independent
# references: degrees and reach by hop from python-igraph on the friends file, the power-law fit
# of python-igraph, ranks by contribution recomputed from clout score's table, the compare table,
# the ties of the network drawing from the friends file; identical pages for any thread count;
# bad tables and options refused before any work, with nothing written.
. "$(dirname "$0")/lib.sh"
L="$DS/lastfm_hetrec2011"
G="$T/lf.clout"
"$CLOUT" ingest -q --undirected --dedupe max --header --edges "$L/user_friends.dat" --user-col userID \
  --item-col artistID --interactions "$L/user_artists.dat.gz" --date-cols year,month,day \
  --interactions "$L/user_taggedartists.dat.gz" -o "$G"
"$CLOUT" compare "$G" -q -k 1,5,10 --sims 200 --algos imm,degree,pagerank -o "$T/compare.csv"
"$CLOUT" score "$G" -q --features out_degree,pagerank,conversions --learn ridge --split-time 2009-01-01 \
  --save-weights "$T/weights.csv" -o /dev/null
"$CLOUT" score "$G" -q -o "$T/scores.csv"
"$CLOUT" keyusers "$G" -q -k 10 -o "$T/key.csv"
"$CLOUT" im "$G" -q -k 10 -o "$T/seeds.csv"

expect 0 "$CLOUT" report "$G" --compare "$T/compare.csv" --weights "$T/weights.csv" -o "$T/r.html" -q
test -s "$T/r.html" && ok || bad "no page written"

# --- the page's numbers against the references
/usr/bin/python3 - "$T/r.html" "$L/user_friends.dat" "$T/scores.csv" "$T/key.csv" "$T/compare.csv" \
  "$T/seeds.csv" "$T/weights.csv" <<'EOF' && ok || bad "report contents"
import csv, html.parser, re, sys
import igraph
import numpy as np
page, friends, scores_csv, key_csv, cmp_csv, seeds_csv, w_csv = sys.argv[1:]
raw = open(page, "rb").read()
text = raw.decode("utf-8")   # strict: the page is valid UTF-8

class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__()
        s.tables, s.cell, s.svgs, s.caps, s.titles, s.in_cap, s.ties, s.nodes, s.in_title = [], None, [], [], [], False, 0, [], None
        s.tclass, s.bars, s.in_ego = [], 0, False
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == "table": s.tables.append([]); s.tclass.append(a.get("class"))
        elif tag == "tr": s.tables[-1].append([])
        elif tag in ("td", "th"): s.cell = ""
        elif tag == "svg": s.svgs.append(a.get("id")); s.in_ego = a.get("id") == "chart-ego"
        elif tag == "figcaption": s.in_cap = True; s.caps.append("")
        elif tag == "line" and s.in_ego and a.get("x1") and s.in_ties: s.ties += 1
        elif tag == "g": s.in_ties = a.get("class") == "ties"
        elif tag == "circle" and "node" in (a.get("class") or ""): s.nodes.append([a.get("class"), None]); s.in_title = "node"
        elif tag == "rect" and a.get("class") == "bar": s.bars += 1
    in_ties = False
    def handle_endtag(s, tag):
        if tag in ("td", "th"): s.tables[-1][-1].append(s.cell); s.cell = None
        elif tag == "figcaption": s.in_cap = False
        elif tag == "g": s.in_ties = False
        elif tag == "circle": s.in_title = None
    def handle_data(s, d):
        if s.cell is not None: s.cell += d
        if s.in_cap: s.caps[-1] += d
        if s.in_title == "node" and s.nodes and s.nodes[-1][1] is None and d.strip(): s.nodes[-1][1] = d

p = P(); p.feed(text)
for c in ["chart-degree", "chart-score", "chart-reach", "chart-depth", "chart-keyusers", "chart-weights", "chart-im", "chart-ego"]:
    assert c in p.svgs, (c, p.svgs)
for bad in ["<script", "<link", "@import", "url("]:
    assert bad not in text, bad
assert set(re.findall(r"https?://[^\s\"'<>]+", text)) <= {"http://www.w3.org/2000/svg"}
tab = {c: t for c, t in zip(p.tclass, p.tables)}

# the friends file, read here: an undirected simple graph
ids, edges = {}, set()
for line in open(friends).read().split("\n")[1:]:
    if not line.strip(): continue
    a, b = line.split()[:2]
    if a == b: continue
    edges.add((min(a, b, key=int), max(a, b, key=int)))
names = sorted({x for e in edges for x in e}, key=int)
ix = {u: i for i, u in enumerate(names)}
g = igraph.Graph([(ix[a], ix[b]) for a, b in edges], directed=False)
deg = np.array(g.degree())

# degree power law: python-igraph's plfit on the same degrees
fit = igraph.power_law_fit(deg[deg > 0].tolist(), method="discrete")
cap = next(c for c in p.caps if "Power law above xmin" in c)
m = re.search(r"xmin = ([0-9.e+]+): alpha = ([0-9.]+)", cap)
assert m and float(m.group(1)) == fit.xmin and abs(float(m.group(2)) - fit.alpha) < 5e-4, (cap, fit.xmin, fit.alpha)

# reach by hop: python-igraph's neighbourhoods (users outside the friends file reach nobody)
rows = tab["reach"][1:]
n_users = int(tab["kv"][0][1])
for h, r in enumerate(rows, 1):
    reach = np.array(g.neighborhood_size(order=h, mindist=1) + [0] * (n_users - g.vcount()), dtype=float)
    v = np.sort(reach)
    want = [v[(len(v) - 1) // 2], v[int(np.floor(0.1 * (len(v) - 1)))], v[int(np.ceil(0.9 * (len(v) - 1)))], reach.mean()]
    got = [float(x) for x in r[1:]]
    assert int(r[0]) == h and got[:3] == want[:3] and abs(got[3] - want[3]) < 1e-6, (h, got, want)

# key users: clout keyusers' order; each rank by contribution recomputed from clout score's table
ku = [r for r in csv.DictReader(open(key_csv))]
sc = list(csv.DictReader(open(scores_csv)))
kt = tab["keyusers"]
head = kt[0]
assert [r[1] for r in kt[1:]] == [r["user"] for r in ku], ([r[1] for r in kt[1:]], [r["user"] for r in ku])
pos = {r["user"]: i for i, r in enumerate(sc)}
for j, hname in enumerate(head[4:], 4):
    f = hname[len("rank by "):]
    col = np.array([float(r[f + "_contrib"]) for r in sc])
    order = sorted(range(len(sc)), key=lambda i: (-col[i], i))
    rank = {sc[i]["user"]: k + 1 for k, i in enumerate(order)}
    for r in kt[1:]:
        assert int(r[j]) == rank[r[1]], (f, r[1], r[j], rank[r[1]])

# IM: every row of the compare table, in order per algorithm
cm = list(csv.DictReader(open(cmp_csv)))
it = tab["im"][1:]
assert len(it) == len(cm)
for a, b in zip(it, cm):
    assert a[0] == b["algo"] and int(a[1]) == int(b["k"]) and abs(float(a[2]) - float(b["spread"])) <= 0.05, (a, b)

# learned weights: one bar per feature
assert p.bars == sum(1 for _ in csv.DictReader(open(w_csv))), p.bars

# the network drawing: the 5 top users, and exactly the friendships among the users drawn
drawn = [u for _, u in p.nodes]
assert len(drawn) == len(set(drawn)) and 5 < len(drawn) <= 80, len(drawn)
top = [c for c, u in p.nodes if "top" in c]
assert len(top) == 5
assert sorted(u for c, u in p.nodes if "top" in c) == sorted(r["user"] for r in ku[:5])
S = set(drawn)
assert p.ties == sum(1 for a, b in edges if a in S and b in S), (p.ties, sum(1 for a, b in edges if a in S and b in S))
seeds = {r["user"] for r in csv.DictReader(open(seeds_csv))}
assert {u for c, u in p.nodes if "seed" in c} == seeds & S
EOF

# --- files given instead of computed: the same page but for the provenance
"$CLOUT" metrics "$G" -q --only reach_1,reach_2,reach_3,depth,ic_depth -o "$T/m.csv"
expect 0 "$CLOUT" report "$G" --metrics "$T/m.csv" --scores "$T/scores.csv" --seeds "$T/seeds.csv" \
  --compare "$T/compare.csv" --weights "$T/weights.csv" -o "$T/r2.html" -q
strip() { sed -e '/<h2>How this page was made/,$d' "$1"; }
eq "$(strip "$T/r2.html" | md5sum)" "$(strip "$T/r.html" | md5sum)" "report from files = report computed"
grep -q "crc32" "$T/r2.html" && ok || bad "the provenance names the files read"
grep -q "model ic, prob wc, epsilon 0.1, 200 simulations, seed 1, seeds selected once at k = 10" "$T/r.html" && ok ||
  bad "the provenance gives the parameters compare recorded"
# the same page for any thread count
expect 0 "$CLOUT" report "$G" --compare "$T/compare.csv" --weights "$T/weights.csv" -o "$T/r1.html" -q --threads 1
eq "$(strip "$T/r1.html" | md5sum)" "$(strip "$T/r.html" | md5sum)" "report with 1 thread"

# --- a log without ties: the behaviour graph, built on the fly; names that are not UTF-8
printf 'user,item,time\nu1,a,1\nu2,a,2\nu3,a,3\nu1,b,1\nu3,b,5\n\xff\xfeodd,b,9\n' >"$T/log.csv"
"$CLOUT" ingest -q --interactions "$T/log.csv" -o "$T/log.clout"
expect 0 "$CLOUT" report "$T/log.clout" -o "$T/r3.html" --top 3 --ego 2
grep -q "behaviour graph" "$T/err" && ok || bad "the on-the-fly behaviour graph is said: $(cat "$T/err")"
/usr/bin/python3 -c 'import sys; t = open(sys.argv[1], "rb").read().decode("utf-8"); assert "\ufffd" in t' "$T/r3.html" \
  && ok || bad "bytes that are not UTF-8 shown as U+FFFD"

# --- refused before any work, nothing written
rm -f "$T/bad.html"
expect_err 65 "10 rows for the graph's 1892 users" "$CLOUT" report "$G" --scores "$T/key.csv" -o "$T/bad.html"
expect_err 65 "no column 'algo'" "$CLOUT" report "$G" --compare "$T/m.csv" -o "$T/bad.html"
expect_err 65 "no column 'feature'" "$CLOUT" report "$G" --weights "$T/compare.csv" -o "$T/bad.html"
expect_err 66 "nothing.csv" "$CLOUT" report "$G" --metrics "$T/nothing.csv" -o "$T/bad.html"
expect_err 2 "--format" "$CLOUT" report "$G" --format json -o "$T/bad.html"
expect_err 2 "--ego-max 3 is less than --ego 5" "$CLOUT" report "$G" --ego-max 3 -o "$T/bad.html"
expect_err 2 "--top" "$CLOUT" report "$G" --top 0 -o "$T/bad.html"
sed 's/^2,/nobody,/' "$T/m.csv" >"$T/m_bad.csv"
expect_err 65 "user 'nobody' is not in the graph" "$CLOUT" report "$G" --metrics "$T/m_bad.csv" -o "$T/bad.html"
expect_err 74 "" "$CLOUT" report "$G" -q -o /dev/full
test ! -e "$T/bad.html" && ok || bad "a refused report wrote its output"
finish
