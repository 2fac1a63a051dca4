#!/usr/bin/env bash
# cli_simulate.sh: clout simulate on the hand-made graph 1->2, 2->3, 3->1, 3->4, where const:1
# makes every cascade deterministic; seed files in both accepted forms; bad input.
. "$(dirname "$0")/lib.sh"
"$CLOUT" ingest -q --edges "$D/edges.txt" -o "$T/g.clout"
printf '1\n' > "$T/s1.txt"
printf 'rank,user,gain,spread\n1,4,1,1\n' > "$T/s4.csv"
for m in ic lt; do
  # from 1: 2 in round 1, 3 in round 2, 4 in round 3 (LT: each user has one in-tie of weight 1)
  expect 0 "$CLOUT" simulate "$T/g.clout" --seeds "$T/s1.txt" --model $m --prob const:1 --sims 50 --format json
  /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["spread"] == 4 and d["stderr"] == 0 and d["depth"] == 3 and d["seeds"] == 1 and d["model"] == sys.argv[2], d
' "$T/out" $m && ok || bad "simulate $m from user 1: $(cat "$T/out")"
  # from 4 (no out-ties), read from the CSV that clout im writes: nobody else
  expect 0 "$CLOUT" simulate "$T/g.clout" --seeds "$T/s4.csv" --model $m --prob const:1 --sims 50
  eq "$(tail -1 "$T/out" | cut -d, -f1,2,5)" "1,0,0" "simulate $m from user 4"
done
# the histogram of sizes: with const:0 from user 1 every cascade is the seed alone
expect 0 "$CLOUT" simulate "$T/g.clout" --seeds "$T/s1.txt" --prob const:0 --sims 20 --histogram "$T/h.csv"
eq "$(cat "$T/h.csv")" $'size,count,share\n1,20,1' "histogram"
# the same numbers for 1 and 2 threads
a=$("$CLOUT" simulate "$T/g.clout" --seeds "$T/s1.txt" --prob const:0.5 --sims 3000 --threads 1)
b=$("$CLOUT" simulate "$T/g.clout" --seeds "$T/s1.txt" --prob const:0.5 --sims 3000 --threads 2)
eq "$a" "$b" "simulate depends on --threads"
# a line of any length: a 9,000-byte comment is one line, skipped whole
{ printf '#'; head -c 9000 /dev/zero | tr '\0' x; printf '\n1\n'; } > "$T/long.txt"
expect 0 "$CLOUT" simulate "$T/g.clout" --seeds "$T/long.txt" --prob const:1 --sims 10
printf 'nobody\n' > "$T/bad.txt"
expect_err 65 "bad.txt:1: no user 'nobody'" "$CLOUT" simulate "$T/g.clout" --seeds "$T/bad.txt"
expect_err 66 "cannot open" "$CLOUT" simulate "$T/g.clout" --seeds "$T/none.txt"
expect_err 2 "--model must be ic or lt" "$CLOUT" simulate "$T/g.clout" --seeds "$T/s1.txt" --model sir
expect_err 65 "not a probability" "$CLOUT" simulate "$T/g.clout" --seeds "$T/s1.txt" --prob weight
# im: with const:1 users 1, 2 and 3 each reach everyone; ties go to the user with more out-ties (3)
expect 0 "$CLOUT" im "$T/g.clout" -k 1 --prob const:1 -q
eq "$(cat "$T/out")" $'rank,user,gain,spread,algo,model,prob,epsilon,seed\n1,3,4,4,imm,ic,const:1,0.1,1' "im with const:1 (and its parameters)"
# LT with const:1: every user has one in-tie, of weight 1, so the same as IC
expect 0 "$CLOUT" im "$T/g.clout" -k 1 --model lt --prob const:1 -q
eq "$(cat "$T/out")" $'rank,user,gain,spread,algo,model,prob,epsilon,seed\n1,3,4,4,imm,lt,const:1,0.1,1' "im under LT with const:1"
expect 0 "$CLOUT" im "$T/g.clout" -k 1 --algo opim-c --model lt --prob const:1 -q
eq "$(cut -d, -f1-6 "$T/out")" $'rank,user,gain,spread,algo,model\n1,3,4,4,opim-c,lt' "opim-c under LT with const:1"
expect_err 2 "bad value '-1'" "$CLOUT" im "$T/g.clout" -k 1 --estimate-rse -1
expect_err 2 "--model must be ic or lt" "$CLOUT" im "$T/g.clout" -k 1 --model sir
expect 0 "$CLOUT" im "$T/g.clout" -k 1 --algo celf --prob const:1 --sims 50 -q
eq "$(cut -d, -f1-5 "$T/out")" $'rank,user,gain,spread,algo\n1,3,4,4,celf' "celf with const:1"
expect 0 "$CLOUT" im "$T/g.clout" -k 4 --algo pagerank -q
eq "$(tail -n +2 "$T/out" | cut -d, -f2 | sort | tr '\n' ' ')" "1 2 3 4 " "pagerank baseline ranks every user once"
expect 0 "$CLOUT" im "$T/g.clout" -k 2 --algo degree -q
eq "$(sed -n 2p "$T/out" | cut -d, -f1-4)" "1,3,," "degree baseline: user 3 has two out-ties"
expect_err 2 "-k 5 exceeds the 4 users" "$CLOUT" im "$T/g.clout" -k 5
expect_err 2 "bad value '0'" "$CLOUT" im "$T/g.clout" -k 1 --epsilon 0
expect_err 2 "--algo must be imm" "$CLOUT" im "$T/g.clout" -k 1 --algo magic
# compare: every algorithm and k scored by one evaluator; with const:1 from user 3 all 4 are reached
expect 0 "$CLOUT" compare "$T/g.clout" --algos imm,degree --prob const:1 -k 1,2 --sims 50 --plot "$T/p.svg" -q
eq "$(cut -d, -f1-4 "$T/out" | tr '\n' ' ')" "algo,k,spread,stderr imm,1,4,0 imm,2,4,0 degree,1,4,0 degree,2,4,0 " "compare table"
eq "$(head -1 "$T/out")" "algo,k,spread,stderr,seconds,selected_k,model,prob,epsilon,sims,seed" "compare header"
eq "$(sed -n 2p "$T/out" | cut -d, -f6-)" "2,ic,const:1,0.1,50,1" "compare records its parameters"
/usr/bin/python3 -c '
import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
S = "{http://www.w3.org/2000/svg}"
lines = list(r.iter(S + "polyline"))
assert len(lines) == 2 and all(len(l.get("points").split()) == 2 for l in lines), [l.get("points") for l in lines]
# told apart without colour: different dash patterns; shifted apart along k
assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")
assert lines[0].get("points").split()[0] != lines[1].get("points").split()[0]
# one 95% bar per point
bars = [p for p in r.iter(S + "path") if p.get("class") == "errbar"]
assert len(bars) == 4, len(bars)
assert any(t.text == "imm" for t in r.iter(S + "text"))
' "$T/p.svg" && ok || bad "compare --plot SVG"
expect 0 "$CLOUT" compare "$T/g.clout" --algos imm,degree --model lt --prob const:1 -k 1,2 --sims 50 -q
eq "$(cut -d, -f1-4 "$T/out" | tr '\n' ' ')" "algo,k,spread,stderr imm,1,4,0 imm,2,4,0 degree,1,4,0 degree,2,4,0 " "compare under LT"
expect_err 2 "--algos: 'gossip' is not imm, opim-c" "$CLOUT" compare "$T/g.clout" --algos gossip
expect 0 "$CLOUT" im "$T/g.clout" -k 1 --algo opim-c --prob const:1 --format json
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["algo"] == "opim-c" and d["seeds"][0]["user"] == "3" and d["guarantee"] >= 1 - 1 / 2.718281828459045 - 0.1, d
' "$T/out" && ok || bad "im --algo opim-c"
expect_err 2 "-k 9 exceeds the 4 users" "$CLOUT" compare "$T/g.clout" -k 9
# JSON and msgpack: the run's figures around the seed table
"$CLOUT" im "$T/g.clout" -k 2 --format json -q | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["algo"] == "imm" and d["k"] == 2 and d["rr_sets"] > 0 and d["estimate_rr_sets"] > 0 and d["model"] == "ic" and abs(d["guarantee"] - (1 - 1 / 2.718281828459045 - 0.1)) < 1e-5, d
assert [r["rank"] for r in d["seeds"]] == [1, 2], d
' && ok || bad "im --format json"
"$CLOUT" im "$T/g.clout" -k 2 --format msgpack -q -o "$T/im.mp"
/usr/bin/python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); assert b[0] == 0x8c and b[1:6] == b"\xa4algo", b[:8]' "$T/im.mp" && ok || bad "im --format msgpack"
# the seeds im writes feed simulate
"$CLOUT" im "$T/g.clout" -k 2 -q -o "$T/seeds.csv"
expect 0 "$CLOUT" simulate "$T/g.clout" --seeds "$T/seeds.csv" --sims 100
finish
