#!/usr/bin/env bash
# cli_roundtrip.sh: ingest -> snapshot -> load -> export, then ingest the export again: the graph
# must come back exactly (same ties, weights, interactions and times), on real data.
. "$(dirname "$0")/lib.sh"
LF="$DS/lastfm_hetrec2011"
sorted() { tail -n +2 "$1" | LC_ALL=C sort; }

# directed: wiki-Vote
expect 0 "$CLOUT" ingest --edges "$DS/snap_wiki_vote/Wiki-Vote.txt.gz" -o "$T/w1.clout"
"$CLOUT" export "$T/w1.clout" --what social -o "$T/w1.csv"
expect 0 "$CLOUT" ingest --header --edges "$T/w1.csv" -o "$T/w2.clout"
"$CLOUT" export "$T/w2.clout" --what social -o "$T/w2.csv"
cmp -s <(sorted "$T/w1.csv") <(sorted "$T/w2.csv") && ok || bad "wiki-Vote social round trip"
# the export equals the normalized input: the input's edges, comments and CRLF removed
zcat "$DS/snap_wiki_vote/Wiki-Vote.txt.gz" | grep -v '^#' | tr -d '\r' | awk '{print $1","$2",1"}' | LC_ALL=C sort > "$T/wnorm"
cmp -s "$T/wnorm" <(sorted "$T/w1.csv") && ok || bad "wiki-Vote export differs from the normalized input"

# undirected, weighted ties and timed interactions: Last.fm friends + listening + dated tags
expect 0 "$CLOUT" ingest --undirected --dedupe max --header --edges "$LF/user_friends.dat" \
  --user-col userID --item-col artistID --interactions "$LF/user_artists.dat.gz" \
  --date-cols year,month,day --interactions "$LF/user_taggedartists.dat.gz" -o "$T/l1.clout"
"$CLOUT" export "$T/l1.clout" --what social -o "$T/ls1.csv"
"$CLOUT" export "$T/l1.clout" --what interactions -o "$T/li1.csv"
expect 0 "$CLOUT" ingest --undirected --header --edges "$T/ls1.csv" --interactions "$T/li1.csv" -o "$T/l2.clout"
"$CLOUT" export "$T/l2.clout" --what social -o "$T/ls2.csv"
"$CLOUT" export "$T/l2.clout" --what interactions -o "$T/li2.csv"
# undirected export writes a tie once, oriented by the first-seen user: compare unordered pairs
unordered() { tail -n +2 "$1" | awk -F, '{ if ($1 < $2) print $1","$2","$3; else print $2","$1","$3 }' | LC_ALL=C sort; }
cmp -s <(unordered "$T/ls1.csv") <(unordered "$T/ls2.csv") && ok || bad "Last.fm social round trip"
cmp -s <(sorted "$T/li1.csv") <(sorted "$T/li2.csv") && ok || bad "Last.fm interactions round trip"
eq "$(info "$T/l2.clout" interactions)" "$(info "$T/l1.clout" interactions)" "interaction count"
eq "$(info "$T/l2.clout" timed_interactions)" "$(info "$T/l1.clout" timed_interactions)" "timed count"
eq "$(info "$T/l2.clout" social_edges)" 25434 "social edges after round trip"

# cascades with fractional times
SE="$DS/stackexchange_christianity_cascades"
expect 0 "$CLOUT" ingest --cascades "$SE/train.txt" --cascades "$SE/val.txt" -o "$T/c1.clout"
"$CLOUT" export "$T/c1.clout" --what interactions -o "$T/ci1.csv"
expect 0 "$CLOUT" ingest --interactions "$T/ci1.csv" -o "$T/c2.clout"
"$CLOUT" export "$T/c2.clout" --what interactions -o "$T/ci2.csv"
cmp -s <(sorted "$T/ci1.csv") <(sorted "$T/ci2.csv") && ok || bad "cascade round trip"
# PageRank's layout kept in the snapshot (--pagerank-layout): the same table as without it, on a
# directed graph and on an undirected weighted one; kept when clout behaviour writes the snapshot
# again; a damaged layout is a data error (exit 65) when PageRank asks for it, never other ranks
expect 0 "$CLOUT" ingest --edges "$DS/snap_wiki_vote/Wiki-Vote.txt.gz" --pagerank-layout -o "$T/wl.clout"
eq "$(info "$T/wl.clout" pagerank_layout)" true "info: layout kept"
eq "$(info "$T/w1.clout" pagerank_layout)" false "info: no layout unasked"
"$CLOUT" metrics "$T/w1.clout" --only pagerank,core -o "$T/pr1.csv"
expect 0 "$CLOUT" metrics "$T/wl.clout" --only pagerank,core -o "$T/pr2.csv"
cmp -s "$T/pr1.csv" "$T/pr2.csv" && ok || bad "wiki-Vote: PageRank on the kept layout differs"
expect 0 "$CLOUT" ingest --undirected --dedupe max --header --edges "$LF/user_friends.dat" \
  --user-col userID --item-col artistID --date-cols year,month,day --interactions "$LF/user_taggedartists.dat.gz" \
  --pagerank-layout -o "$T/ll.clout"
expect 0 "$CLOUT" behaviour "$T/ll.clout" -o "$T/llb.clout"
eq "$(info "$T/llb.clout" pagerank_layout)" true "behaviour keeps the layout"
"$CLOUT" metrics "$T/l1.clout" --only pagerank --damping 0.7 -o "$T/pl1.csv"
expect 0 "$CLOUT" metrics "$T/llb.clout" --only pagerank --damping 0.7 -o "$T/pl2.csv"
cmp -s "$T/pl1.csv" "$T/pl2.csv" && ok || bad "Last.fm: PageRank on the kept layout differs"
/usr/bin/python3 - "$T/wl.clout" "$T/wbad.clout" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
at = d.index(b"idx32", d.index(b"\xa8pagerank")) + 40  # inside the layout's index blob
d[at] ^= 0x01
open(sys.argv[2], "wb").write(bytes(d))
PY
expect_err 65 "PageRank's layout" "$CLOUT" metrics "$T/wbad.clout" --only pagerank
expect 0 "$CLOUT" metrics "$T/wbad.clout" --only core
finish
