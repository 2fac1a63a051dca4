#!/usr/bin/env bash
# cli_datasets.sh: counts on the bundled real data against published figures (SOURCE.md) and
# against independent readers (python-igraph, plain Python).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
LF="$DS/lastfm_hetrec2011"

# Last.fm friends (undirected) + listening counts: the counts measured in its SOURCE.md
expect 0 "$CLOUT" ingest --undirected --header --edges "$LF/user_friends.dat" \
  --user-col userID --item-col artistID --interactions "$LF/user_artists.dat.gz" -o "$T/lf.clout"
eq "$(info "$T/lf.clout" users)" 1892 "Last.fm users"
eq "$(info "$T/lf.clout" social_edges)" 25434 "Last.fm directed social edges"
eq "$(info "$T/lf.clout" items)" 17632 "Last.fm artists"
eq "$(info "$T/lf.clout" interactions)" 92834 "Last.fm interactions"
# listening counts sum to 69,183,975 (SOURCE.md); float32 sums are exact below 2^24 per cell
"$CLOUT" export "$T/lf.clout" --what interactions -o "$T/li.csv"
eq "$($PY -c 'import csv,sys; print(int(sum(float(r["weight"]) for r in csv.DictReader(open(sys.argv[1])))))' "$T/li.csv")" 69183975 "listening total"

# wiki-Vote: users and edges as python-igraph's own reader sees them (and as SOURCE.md says)
expect 0 "$CLOUT" ingest --edges "$DS/snap_wiki_vote/Wiki-Vote.txt.gz" -o "$T/w.clout"
ref=$($PY - "$DS/snap_wiki_vote/Wiki-Vote.txt.gz" "$T/w.ncol" <<'PY'
import gzip, sys, igraph
lines = [l for l in gzip.open(sys.argv[1], "rt") if not l.startswith("#")]
open(sys.argv[2], "w").write("".join(lines))
g = igraph.Graph.Read_Ncol(sys.argv[2], directed=True, weights=False)
print(g.vcount(), g.ecount(), max(g.degree(mode="out")), max(g.degree(mode="in")))
PY
)
eq "$(info "$T/w.clout" users) $(info "$T/w.clout" social_edges)" "7115 103689" "wiki-Vote counts (SOURCE.md)"
mine=$("$CLOUT" export "$T/w.clout" --what social | tail -n +2 | $PY -c '
import sys, collections
o, i = collections.Counter(), collections.Counter()
for l in sys.stdin:
    s, d, _ = l.split(",")
    o[s] += 1; i[d] += 1
print(max(o.values()), max(i.values()))')
eq "7115 103689 $mine" "$ref" "wiki-Vote against python-igraph (vertices, edges, max out/in degree)"

# NetHEPT: 58,891 lines with repeats summed into 32,235 distinct pairs, 22 of them self-loops
expect 0 "$CLOUT" ingest --header --edges "$DS/nethept/NetHEPT.txt.gz" -o "$T/n.clout"
eq "$(info "$T/n.clout" social_edges)" $((32235 - 22)) "NetHEPT distinct pairs without self-loops"
eq "$(info "$T/n.clout" users)" 15233 "NetHEPT users"

# StackExchange cascades: 589 cascades; activations as counted by plain Python
SE="$DS/stackexchange_christianity_cascades"
expect 0 "$CLOUT" ingest --edges "$SE/graph.txt" --header --cascades "$SE/train.txt" --cascades "$SE/val.txt" \
  --cascades "$SE/test.txt" -o "$T/se.clout"
ref=$($PY - "$SE" <<'PY'
import sys
pairs, users = set(), set()
for part in ("train", "val", "test"):
    for k, line in enumerate(open(f"{sys.argv[1]}/{part}.txt")):
        t = line.split()
        if not t: continue
        who = [t[0]] + t[1::2]
        for u in who: pairs.add((u, f"{part}:{k}")); users.add(u)
print(len(pairs))
PY
)
eq "$(info "$T/se.clout" items)" 589 "StackExchange cascades"
eq "$(info "$T/se.clout" interactions)" "$ref" "distinct (user, cascade) activations"
eq "$(info "$T/se.clout" users)" 2897 "StackExchange users (every cascade user is in the graph)"
eq "$(info "$T/se.clout" social_edges)" 35624 "StackExchange social edges"
finish
