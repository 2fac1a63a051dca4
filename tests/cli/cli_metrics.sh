#!/usr/bin/env bash
# cli_metrics.sh: clout metrics and clout reach on a graph small enough to work out by hand:
# 1->2, 2->3, 3->1, 3->4 (weight 2.5).
. "$(dirname "$0")/lib.sh"
"$CLOUT" ingest -q --edges "$D/edges.txt" -o "$T/g.clout"
expect 0 "$CLOUT" metrics "$T/g.clout" --only out_degree,in_degree,w_out_degree,core,reach_1,reach_2,reach_3,depth,mean_hops
# by hand: 1 reaches 2 (hop 1), 3 (hop 2), 4 (hop 3); 2 reaches 3, then 1 and 4; 3 reaches 1 and 4,
# then 2; 4 reaches nobody. Undirected view: triangle 1-2-3 (core 2) plus 3-4 (core 1).
# the last column, params, on the first row: the ties read and the options these columns depend on
want="user,out_degree,in_degree,w_out_degree,core,reach_1,reach_2,reach_3,depth,mean_hops,params
1,1,1,1,2,1,2,3,3,2,graph=social hops=3 max_depth=32
2,1,1,1,2,1,3,3,2,1.6666666666666667,
3,2,1,3.5,2,2,3,3,2,1.3333333333333333,
4,0,1,0,1,0,0,0,0,0,"
eq "$(cat "$T/out")" "$want" "metrics table"
# betweenness by hand: 3->2 runs through 1; 1->3 and 1->4 through 2; 1->4, 2->1, 2->4 through
# 3. Clustering of the undirected view: 1 and 2 sit in the triangle (1), 3 has one triangle of
# three neighbour pairs (1/3), 4 has one neighbour (0).
expect 0 "$CLOUT" metrics "$T/g.clout" --only betweenness,clustering
eq "$(cat "$T/out")" $'user,betweenness,clustering,params\n1,1,1,graph=social\n2,2,1,\n3,3,0.3333333333333333,\n4,0,0,' "betweenness and clustering"
# IC with const:1 is deterministic: u's cascade is everything it reaches, in depth rounds
expect 0 "$CLOUT" metrics "$T/g.clout" --only ic_range,ic_range_se,ic_depth --prob const:1 --rr-sets 20000 --sims 10
eq "$(cut -d, -f1,4 "$T/out" | tr '\n' ' ')" "user,ic_depth 1,3 2,2 3,2 4,0 " "ic_depth with const:1"
# sigma({u}) = 4 for users 1-3 (they reach everyone), 1 for user 4: RR estimates within 4 se
/usr/bin/python3 -c '
import csv, sys
rows = {r["user"]: r for r in csv.DictReader(open(sys.argv[1]))}
for u, want in (("1", 4), ("2", 4), ("3", 4), ("4", 1)):
    est, se = float(rows[u]["ic_range"]), float(rows[u]["ic_range_se"])
    assert abs(est - want) <= 4 * se + 1e-9, (u, est, se, want)
' "$T/out" && ok || bad "ic_range with const:1"
expect_err 2 "--prob: the probability model must be wc, const:P, trivalency, weight or learned" "$CLOUT" metrics "$T/g.clout" --only ic_range --prob gossip
# LT: user 4 has no out-ties, so its range is itself (RR estimate within 4 se of 1) and its depth 0
expect 0 "$CLOUT" metrics "$T/g.clout" --only ic_range,ic_depth --model lt --rr-sets 20000 --sims 50
/usr/bin/python3 -c '
import csv, sys
r = {x["user"]: x for x in csv.DictReader(open(sys.argv[1]))}["4"]
assert abs(float(r["ic_range"]) - 1) <= 4 * float(r["ic_range_se"]) and float(r["ic_depth"]) == 0, r
' "$T/out" && ok || bad "LT range and depth of a user without out-ties"
expect_err 2 "--model must be ic or lt" "$CLOUT" metrics "$T/g.clout" --only ic_range --model sir
expect_err 65 "not a probability in [0, 1]" "$CLOUT" metrics "$T/g.clout" --only ic_range --prob weight
expect 0 "$CLOUT" reach "$T/g.clout" --from 1,4 --hops 3
eq "$(cat "$T/out")" $'user,hop,new,reached\n1,1,1,1\n1,2,1,2\n1,3,1,3\n4,1,0,0\n4,2,0,0\n4,3,0,0' "reach table"
# --list: every reached user, source by source, hop by hop
expect 0 "$CLOUT" reach "$T/g.clout" --from 2,1 --hops 3 --list
eq "$(cat "$T/out")" $'user,hop,reached_user\n2,1,3\n2,2,1\n2,2,4\n1,1,2\n1,2,3\n1,3,4' "reach --list"
echo 2 > "$T/from.txt"
expect 0 "$CLOUT" reach "$T/g.clout" --from @"$T/from.txt" --hops 1
eq "$(tail -1 "$T/out")" "2,1,1,1" "reach --from @FILE"
expect_err 65 "no user 'x' in the graph" "$CLOUT" reach "$T/g.clout" --from 1,x
expect_err 2 "--only: no column 'bogus'" "$CLOUT" metrics "$T/g.clout" --only bogus
expect_err 2 "bad value" "$CLOUT" metrics "$T/g.clout" --damping 1.5
# PageRank sums to 1 and is ordered as the cycle feeds it: 3 collects from 2, 1 from 3 and
# 4 from 3 (half of 3's weight-split rank goes to 4 in proportion 2.5/3.5)
"$CLOUT" metrics "$T/g.clout" --only pagerank --format json | /usr/bin/python3 -c '
import json, sys
r = {d["user"]: d["pagerank"] for d in json.load(sys.stdin)}
assert abs(sum(r.values()) - 1) < 1e-9, r
assert r["4"] > r["1"], r   # 4 gets 2.5/3.5 of 3s rank, 1 gets 1/3.5
' && ok || bad "pagerank json"
# personalized PageRank: all teleport mass on user 4, a dangling user: its mass goes back to 4
printf '4 1\n' > "$T/p.txt"
"$CLOUT" metrics "$T/g.clout" --only pagerank --personalize "$T/p.txt" --format json | /usr/bin/python3 -c '
import json, sys
r = {d["user"]: d["pagerank"] for d in json.load(sys.stdin)}
assert abs(r["4"] - 1) < 1e-9 and r["1"] < 1e-9, r
' && ok || bad "personalized pagerank"
printf 'nobody 1\n' > "$T/p.txt"
expect_err 65 "p.txt:1: no user 'nobody'" "$CLOUT" metrics "$T/g.clout" --only pagerank --personalize "$T/p.txt"
# writing to a device writes through it, never replaces it
"$CLOUT" metrics "$T/g.clout" --only core -o /dev/null
[ -c /dev/null ] && ok || bad "/dev/null is no longer a character device"
# 100 hops: 100 reach columns (the table's column names are not a fixed array)
expect 0 "$CLOUT" metrics "$T/g.clout" --only reach_1 --hops 100 -o "$T/h100.csv"
eq "$(head -1 "$T/h100.csv" | tr , '\n' | wc -l)" 102 "columns of --hops 100"
eq "$(head -1 "$T/h100.csv" | tr , '\n' | tail -2 | head -1)" reach_100 "last reach column of --hops 100"
# params name what the columns depend on, and only that
expect 0 "$CLOUT" metrics "$T/g.clout" --only ic_range,conversions --prob const:0.3 --model lt --rr-sets 500 \
  --seed 7 --window 60 --betweenness-samples 3
eq "$(sed -n 2p "$T/out" | awk -F, '{ print $NF }')" \
  'graph=social model=lt prob=const:0.3 rr_sets=500 seed=7 window=60' "params of ic_range and conversions"
finish
