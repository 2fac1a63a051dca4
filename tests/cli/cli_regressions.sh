#!/usr/bin/env bash
# cli_regressions.sh: inputs that are valid bytes but would have meant something else than the
# user thinks, each with its exit code, its message and what must (not) have been written.
. "$(dirname "$0")/lib.sh"
"$CLOUT" ingest --edges "$DS/snap_wiki_vote/Wiki-Vote.txt.gz" -o "$T/w.clout" -q

# sums no 32-bit float holds are refused at ingest (a snapshot nothing could load), naming the tie
printf '1 2 3e38\n1 2 3e38\n' >"$T/big.txt"
expect_err 65 "the weights of tie 1 -> 2 add up beyond the largest 32-bit float" "$CLOUT" ingest --edges "$T/big.txt" -o "$T/big.clout"
printf '1 2 3e38\n2 1 3e38\n' >"$T/big2.txt"
expect_err 65 "add up beyond the largest 32-bit float" "$CLOUT" ingest --undirected --edges "$T/big2.txt" -o "$T/big.clout"
printf 'user,item,weight\na,x,3e38\na,x,3e38\n' >"$T/big.csv"
expect_err 65 "the weights of user a on item x add up" "$CLOUT" ingest --interactions "$T/big.csv" -o "$T/big.clout"
[ -e "$T/big.clout" ] && bad "a refused ingest wrote a snapshot" || ok
printf '1 2 3e38\n' >"$T/max.txt"   # one such weight alone is fine
expect 0 "$CLOUT" ingest --edges "$T/max.txt" -o "$T/max.clout" -q

# learned probabilities on a graph without times would all be 0: refused
expect_err 65 "learned probabilities need interaction times" "$CLOUT" im "$T/w.clout" -k 3 --prob learned
expect_err 65 "learned probabilities need interaction times" "$CLOUT" metrics "$T/w.clout" --only ic_range --prob learned

# a UTF-8 byte-order mark is not part of the first id
printf '\xEF\xBB\xBFa b\nb c\n' >"$T/bom.txt"
"$CLOUT" ingest --edges "$T/bom.txt" -o "$T/bom.clout" -q
eq "$("$CLOUT" export "$T/bom.clout" --what social | sed -n 2p)" "a,b,1" "edge list with a byte-order mark"
printf '\xEF\xBB\xBF7 1 10 2 20\n' >"$T/bomc.txt"
"$CLOUT" ingest --cascades "$T/bomc.txt" -o "$T/bomc.clout" -q
eq "$("$CLOUT" export "$T/bomc.clout" --what interactions | sed -n 2p)" "7,bomc:0,1,0" "cascades with a byte-order mark"

# a one-user graph: every IM algorithm answers, with finite spreads (no default delta of 1)
printf 'user,item,time\nu,i,1\n' >"$T/one.csv"
"$CLOUT" ingest --interactions "$T/one.csv" -o "$T/one.clout" -q
for a in imm opim-c celf degree degree-discount pagerank; do
  expect 0 "$CLOUT" im "$T/one.clout" -k 1 --algo $a -q
  grep -qi nan "$T/out" && bad "im --algo $a on one user printed NaN: $(cat "$T/out")" || ok
done
eq "$(sed -n 2p "$T/out" | cut -d, -f1-4)" "1,u,," "pagerank baseline on one user"
"$CLOUT" im "$T/one.clout" -k 1 -q >"$T/imm1.csv"
eq "$(sed -n 2p "$T/imm1.csv" | cut -d, -f1-4)" "1,u,1,1" "imm on one user: its spread is itself"

# seed and weight files: a NUL byte is an error, not the end of the list; directories are missing
# input (66); gzip is read; a personalization summing to 0 is bad data (65)
printf '30\n4\0\n1412\n' >"$T/nul.txt"
expect_err 65 "a NUL byte inside a line" "$CLOUT" simulate "$T/w.clout" --seeds "$T/nul.txt" --sims 10
mkdir -p "$T/dir"
expect_err 66 "is a directory" "$CLOUT" simulate "$T/w.clout" --seeds "$T/dir" --sims 10
expect_err 66 "is a directory" "$CLOUT" metrics "$T/w.clout" --only pagerank --personalize "$T/dir"
expect_err 66 "is a directory" "$CLOUT" reach "$T/w.clout" --from @"$T/dir"
printf '30\n4\n' | gzip >"$T/seeds.gz"
printf '30\n4\n' >"$T/seeds.txt"
a=$("$CLOUT" simulate "$T/w.clout" --seeds "$T/seeds.gz" --sims 200 -q)
b=$("$CLOUT" simulate "$T/w.clout" --seeds "$T/seeds.txt" --sims 200 -q)
eq "$a" "$b" "gzip seed file"
printf '30 0\n4 0\n' >"$T/zero.txt"
expect_err 65 "positive, finite sum" "$CLOUT" metrics "$T/w.clout" --only pagerank --personalize "$T/zero.txt"

# an output that is the input would destroy it: refused, input untouched
cp "$T/w.clout" "$T/w2.clout"
expect_err 2 "is the input snapshot" "$CLOUT" metrics "$T/w2.clout" --only core -o "$T/w2.clout"
cmp -s "$T/w.clout" "$T/w2.clout" && ok || bad "metrics -o INPUT changed the input"
cp "$T/bom.txt" "$T/in.txt"
expect_err 2 "is one of the inputs" "$CLOUT" ingest --edges "$T/in.txt" -o "$T/in.txt"
cmp -s "$T/bom.txt" "$T/in.txt" && ok || bad "ingest -o INPUT changed the input"
# work that cannot fit is refused up front, with the estimate and the limit (exit 2), at once
start=$(date +%s)
expect_err 2 "RR sets would need about" "$CLOUT" im "$T/w.clout" -k 5 --epsilon 1e-200
expect_err 2 "epsilon 1e-200 is too small" "$CLOUT" im "$T/w.clout" -k 5 --epsilon 1e-200 --algo opim-c
expect_err 2 "RR sets would need about" "$CLOUT" im "$T/w.clout" -k 5 --epsilon 0.01 --max-memory 50M
expect_err 2 "--sims 1000000000: the simulations' sizes and depths would need about 16 GB" \
  "$CLOUT" simulate "$T/w.clout" --seeds "$T/seeds.txt" --sims 1000000000 --max-memory 1G
expect_err 2 "--max-memory needs a size" "$CLOUT" info "$T/w.clout" --max-memory lots
# betweenness: 7,115 users x (2 threads x 44 bytes + 16) is about 0.74 MB
expect_err 2 "betweenness (per-thread search arrays) would need about 0.00074 GB" \
  "$CLOUT" metrics "$T/w.clout" --only betweenness --threads 2 --max-memory 500K
expect 0 "$CLOUT" metrics "$T/w.clout" --only betweenness --betweenness-samples 20 --threads 2 --max-memory 1M
# (not timed under valgrind, which runs everything 20-50 times slower)
[ -n "${CLOUT_VALGRIND:-}" ] || { [ $(($(date +%s) - start)) -lt 30 ] && ok || bad "refusals took $(($(date +%s) - start)) s"; }
# a small epsilon is refused after the bound phase has measured the graph (seconds, not minutes)
expect_err 2 "more than the memory limit" "$CLOUT" im "$T/w.clout" -k 5 --epsilon 1e-3
# inputs without end are bounded by the memory limit: a gzip bomb, /dev/zero (exit 65)
head -c 30000000 /dev/zero | gzip >"$T/bomb.gz"
expect_err 65 "the inflated input would need about" "$CLOUT" ingest --edges "$T/bomb.gz" -o "$T/b.clout" --max-memory 8M
expect_err 65 "the input would need about" "$CLOUT" ingest --edges /dev/zero -o "$T/b.clout" --max-memory 8M
# a FIFO without a writer reads as empty instead of waiting forever
mkfifo "$T/fifo"
expect_err 65 "no edges found" timeout 20 "$CLOUT" ingest --edges "$T/fifo" -o "$T/b.clout"
[ -e "$T/b.clout" ] && bad "a refused input wrote a snapshot" || ok
# an absurd OMP_NUM_THREADS is lowered to the processors, with a warning, not a crash
OMP_NUM_THREADS=100000 "$CLOUT" metrics "$T/w.clout" --only core -o "$T/core.csv" 2>"$T/err"
eq "$?" 0 "OMP_NUM_THREADS=100000"
grep -q "100000 threads asked for" "$T/err" && ok || bad "no warning for OMP_NUM_THREADS=100000"
"$CLOUT" metrics "$T/w.clout" --only core -o "$T/core1.csv" -q
cmp -s "$T/core.csv" "$T/core1.csv" && ok || bad "OMP_NUM_THREADS=100000 changed the result"

# valid bytes that mean something else: epoch milliseconds, clout's own header, two cascade files
# of one name
printf 'user,item,time\na,x,1700000000000\n' >"$T/ms.csv"
expect_err 65 "milliseconds?" "$CLOUT" ingest --interactions "$T/ms.csv" -o "$T/ms.clout"
"$CLOUT" generate er --nodes 10 --edges 20 -o "$T/er.csv"
expect_err 65 "'src,dst' is a header, not a tie between users src and dst" "$CLOUT" ingest --edges "$T/er.csv" -o "$T/er.clout"
grep -q -- "give --header" "$T/err" && ok || bad "no --header hint"
expect 0 "$CLOUT" ingest --header --edges "$T/er.csv" -o "$T/er.clout" -q
mkdir -p "$T/ca" "$T/cb"
printf '1 2 10\n' >"$T/ca/train.txt"
printf '3 4 10\n' | gzip >"$T/cb/train.txt.gz"
expect_err 2 "its cascades would be items train:0, train:1" "$CLOUT" ingest --cascades "$T/ca/train.txt" --cascades "$T/cb/train.txt.gz" -o "$T/cc.clout"
expect 0 "$CLOUT" ingest --cascades "$T/ca/train.txt" --item-prefix b: --cascades "$T/cb/train.txt.gz" -o "$T/cc.clout" -q
eq "$(info "$T/cc.clout" items)" 2 "two cascade files, two items"

# outputs: the mode a creation would give under the umask, or the replaced file's; long names; gzip
# snapshots read as they are
(umask 077 && "$CLOUT" info "$T/w.clout" -o "$T/m1.csv")
eq "$(stat -c %a "$T/m1.csv")" 600 "output mode under umask 077"
echo old >"$T/m2.csv"
chmod 640 "$T/m2.csv"
"$CLOUT" info "$T/w.clout" -o "$T/m2.csv"
eq "$(stat -c %a "$T/m2.csv")" 640 "a replaced output keeps its mode"
long="$T/$(printf 'n%.0s' $(seq 1 250)).csv"
expect 0 "$CLOUT" info "$T/w.clout" -o "$long"
[ -s "$long" ] && ok || bad "no output under a 254-byte name"
gzip -c "$T/w.clout" >"$T/wz.clout"
eq "$("$CLOUT" metrics "$T/wz.clout" --only core -q | md5sum)" "$("$CLOUT" metrics "$T/w.clout" --only core -q | md5sum)" "a gzip snapshot"

# reach's memory is estimated before it starts, exact or approximate
expect_err 2 "exact reach of every user would need about" "$CLOUT" metrics "$T/w.clout" --only reach_2 --max-memory 1M
expect_err 2 "approximate reach would need about" "$CLOUT" metrics "$T/w.clout" --only reach_2 --approx --approx-registers 12 --max-memory 10M

# a run that fails to write its main output leaves the histogram and the plot as they were
echo old >"$T/h.csv"
echo old >"$T/p.svg"
expect_err 74 "write failed" "$CLOUT" simulate "$T/w.clout" --seeds "$T/seeds.txt" --sims 100 --histogram "$T/h.csv" -o /dev/full
eq "$(cat "$T/h.csv")" old "histogram after a failed run"
expect_err 74 "write failed" "$CLOUT" compare "$T/w.clout" --algos degree -k 1 --sims 50 --plot "$T/p.svg" -o /dev/full
eq "$(cat "$T/p.svg")" old "plot after a failed run"

# ic_range includes the user itself, so it is never below 1 (it was for 2,157 wiki-Vote users)
"$CLOUT" metrics "$T/w.clout" --only ic_range --rr-sets 20000 -q -o "$T/icr.csv"
eq "$(awk -F, 'NR > 1 && $2 < 1' "$T/icr.csv" | wc -l)" 0 "users with ic_range below 1"

eq "$(find "$T" -name '*.tmp.*' | wc -l)" 0 "temporary files left"
finish
