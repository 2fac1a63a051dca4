#!/usr/bin/env bash
# cli_threads.sh: results are identical for any --threads: snapshots byte for byte, generated
# graphs line for line.
. "$(dirname "$0")/lib.sh"
for t in 1 2; do
  "$CLOUT" ingest --threads $t --edges "$DS/snap_wiki_vote/Wiki-Vote.txt.gz" -o "$T/w$t.clout" 2>/dev/null
  "$CLOUT" generate rmat --threads $t --scale 14 --edges 200000 --seed 3 -o "$T/r$t.csv"
  cp "$T/r$t.csv" "$T/r.csv"   # the same input name: snapshots record their sources
  "$CLOUT" ingest --threads $t --header --edges "$T/r.csv" -o "$T/r$t.clout" 2>/dev/null
  "$CLOUT" generate ba --threads $t --nodes 5000 --m 3 --seed 3 -o "$T/b$t.clout"
done
cmp -s "$T/w1.clout" "$T/w2.clout" && ok || bad "wiki-Vote snapshot depends on --threads"
cmp -s "$T/r1.csv" "$T/r2.csv" && ok || bad "R-MAT edges depend on --threads"
cmp -s "$T/r1.clout" "$T/r2.clout" && ok || bad "R-MAT snapshot depends on --threads"
cmp -s "$T/b1.clout" "$T/b2.clout" && ok || bad "BA snapshot depends on --threads"
# different seeds give different graphs
"$CLOUT" generate rmat --scale 14 --edges 200000 --seed 4 -o "$T/r4.csv"
cmp -s "$T/r1.csv" "$T/r4.csv" && bad "seed ignored" || ok
eq "$(info "$T/b1.clout" users)" 5000 "BA users"
eq "$(info "$T/b1.clout" directed)" false "BA is undirected"
finish
