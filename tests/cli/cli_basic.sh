#!/usr/bin/env bash
# cli_basic.sh: commands, help, usage errors, every accepted input format on tiny inputs, output
# formats and atomic output.
. "$(dirname "$0")/lib.sh"

expect 0 "$CLOUT" --version
grep -q "^clout [0-9]" "$T/out" && ok || bad "--version output"
expect 0 "$CLOUT" --help
for c in ingest info export generate; do
  expect 0 "$CLOUT" help $c
  grep -q "counter-based generator keyed by" "$T/out" && ok || bad "help $c lacks the reproducibility note"
  expect 0 "$CLOUT" $c --help
done
expect_err 2 "no command 'frobnicate'" "$CLOUT" frobnicate
expect 2 "$CLOUT"
expect_err 2 "unknown option '--bogus'" "$CLOUT" info --bogus x.clout
expect_err 2 "--threads: bad value '0': needs a whole number from 1 to 4096" "$CLOUT" info --threads 0 x.clout
expect_err 2 "--format must be csv, json or msgpack" "$CLOUT" info --format xml x.clout
expect_err 2 "no input" "$CLOUT" ingest -o "$T/g.clout"
expect_err 2 "give the snapshot to write" "$CLOUT" ingest --edges "$D/edges.txt"
expect_err 2 "--dedupe must be sum, max or first" "$CLOUT" ingest --dedupe avg --edges "$D/edges.txt" -o "$T/g.clout"
expect_err 2 "--user-col comes after the last input" "$CLOUT" ingest --edges "$D/edges.txt" --user-col u -o "$T/g.clout"
[ -e "$T/g.clout" ] && bad "a refused ingest wrote its output" || ok
expect_err 2 "-k: bad value '0'" "$CLOUT" im x.clout -k 0
expect_err 2 "--epsilon: bad value '1': needs a finite number in (0, 1)" "$CLOUT" im x.clout -k 1 --epsilon 1
expect 0 "$CLOUT" metrics --help
grep -q '^Usage: clout metrics' "$T/out" && ok || bad "metrics --help prints no usage"
expect_err 2 "--what must be social or interactions" "$CLOUT" export x.clout --what nodes

# every edge-list spelling gives the same graph: 1->2, 2->3, 3->1 (weight 1), 3->4 (2.5)
want=$'src,dst,weight\n1,2,1\n2,3,1\n3,1,1\n3,4,2.5'
for f in edges.txt edges.tsv edges.txt.gz; do
  expect 0 "$CLOUT" ingest --edges "$D/$f" -o "$T/g.clout"
  eq "$("$CLOUT" export "$T/g.clout" --what social)" "$want" "export of $f"
done
expect 0 "$CLOUT" ingest --header --edges "$D/edges.csv" -o "$T/g.clout"
eq "$("$CLOUT" export "$T/g.clout" --what social)" "$want" "export of edges.csv"
eq "$(info "$T/g.clout" users)" 4 "users"
eq "$(info "$T/g.clout" social_edges)" 4 "social_edges"
eq "$(info "$T/g.clout" directed)" true "directed"

# undirected: 4 ties stored both ways
expect 0 "$CLOUT" ingest --undirected --edges "$D/edges.txt" -o "$T/u.clout"
eq "$(info "$T/u.clout" social_edges)" 8 "undirected social_edges"
eq "$(info "$T/u.clout" directed)" false "undirected flag"

# a log: weights = action weight x weight column, summed; time = earliest (hand-computed)
expect 0 "$CLOUT" ingest --edges "$D/edges.txt" --action-weights listen=1,share=4,like=2 \
  --interactions "$D/log.csv" -o "$T/l.clout"
want=$'user,item,weight,time\n1,song_a,3,1614470400\n2,song_a,4,1614598200\n4,song_b,3,1614600000\n5,song_c,2,'
eq "$("$CLOUT" export "$T/l.clout" --what interactions)" "$want" "interactions export"
eq "$(info "$T/l.clout" users)" 5 "log adds user 5"
eq "$(info "$T/l.clout" action_weights)" "listen=1,share=4,like=2" "action weights recorded"

# date columns and item prefixes; cascades
expect 0 "$CLOUT" ingest --cascades "$D/cascades.txt" --user-col userID --item-col artistID \
  --date-cols year,month,day --item-prefix artist: --interactions "$D/tags.tsv" -o "$T/c.clout"
want=$'user,item,weight,time\n1,cascades:0,1,0\n1,artist:52,1,1238544000\n2,cascades:0,1,10\n2,cascades:1,1,0\n2,artist:52,1,1238630400\n3,cascades:0,1,25.5\n4,cascades:1,1,3'
eq "$("$CLOUT" export "$T/c.clout" --what interactions)" "$want" "dated tags + cascades"

# output formats
"$CLOUT" info "$T/g.clout" --format json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["users"] == 4 and d["items"] == 0 and d["social_edges"] == 4 and d["interactions"] == 0 and d["directed"] is True, d
' && ok || bad "info json"
"$CLOUT" export "$T/g.clout" --what social --format json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d == [{"src":"1","dst":"2","weight":1},{"src":"2","dst":"3","weight":1},{"src":"3","dst":"1","weight":1},{"src":"3","dst":"4","weight":2.5}], d
' && ok || bad "export json"
"$CLOUT" info "$T/g.clout" --format msgpack -o "$T/info.mp"
/usr/bin/python3 -c '
import sys
b = open(sys.argv[1], "rb").read()
assert b[:3] == b"\xde\x00\x11", b[:3]             # a map of 17 entries (map 16)
assert b[3:9] == b"\xa5users" and b[9] == 4, b[:12]  # "users": 4
' "$T/info.mp" && ok || bad "info msgpack"

# atomic output: a failed run leaves an existing file untouched and no temporary file
echo "precious" > "$T/keep.clout"
printf 'a b nan\n' > "$T/badw.txt"
expect 65 "$CLOUT" ingest --edges "$T/badw.txt" -o "$T/keep.clout"
eq "$(cat "$T/keep.clout")" "precious" "failed ingest touched its output"
eq "$(ls "$T" | grep -c tmp)" 0 "temporary files left behind"
finish
