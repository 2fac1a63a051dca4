#!/usr/bin/env bash
# cli_mpi.sh: `mpirun clout` on loopback against one process, byte for byte: simulate (with its
# histogram), im (IMM and OPIM-C distributed, CELF and a baseline replicated; IC and LT), compare
# (every column but the timing) and metrics (betweenness distributed) at 2, 3 and 4 ranks; a bad input under
# mpirun (one message, its exit code, no output); a rank killed mid-run ends the whole job within
# seconds, never a hang. Skipped (77) when the build has no MPI or mpirun is missing.
. "$(dirname "$0")/lib.sh"
command -v mpirun >/dev/null || { echo "cli_mpi.sh: no mpirun: skipped"; exit 77; }
CORE="$(dirname "$CLOUT")/clout-core"
ldd "$CORE" | grep -q libmpi || { echo "cli_mpi.sh: built without MPI: skipped"; exit 77; }
MPI=(mpirun --oversubscribe)
[ "$(id -u)" = 0 ] && MPI+=(--allow-run-as-root)
# OpenMPI leaks a few buffers by design (MPI_Init's, some from components it unloads, so no
# suppression can name them): no leak checking under mpirun; the same code runs leak-checked as
# one process in the other tests
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
# mpirun itself (not a rank) once died of SIGSEGV in its help-message aggregation after both
# ranks had exited 2 as expected ("ORTE_ERROR_LOG: Out of resource in file orte/util/show_help");
# the messages are printed one by one instead
export OMPI_MCA_orte_base_help_aggregate=0
"$CLOUT" ingest -q --edges "$DS/snap_wiki_vote/Wiki-Vote.txt.gz" -o "$T/wiki.clout"
printf '30\n4\n1412\n' >"$T/seeds.txt"

"$CLOUT" simulate "$T/wiki.clout" --seeds "$T/seeds.txt" --sims 20001 --histogram "$T/h1.csv" -q -o "$T/s1.csv"
"$CLOUT" simulate "$T/wiki.clout" --seeds "$T/seeds.txt" --model lt --sims 5003 -q -o "$T/l1.csv"
"$CLOUT" compare "$T/wiki.clout" --algos imm,degree,pagerank -k 1,5,10 --sims 2001 -q | cut -d, -f1-4,6- >"$T/c1.csv"
for np in 2 4; do
  expect 0 "${MPI[@]}" -np $np "$CLOUT" simulate "$T/wiki.clout" --seeds "$T/seeds.txt" --sims 20001 \
    --histogram "$T/h$np.csv" -q -o "$T/s$np.csv"
  cmp -s "$T/s1.csv" "$T/s$np.csv" && cmp -s "$T/h1.csv" "$T/h$np.csv" && ok || bad "simulate at $np ranks differs"
  expect 0 "${MPI[@]}" -np $np "$CLOUT" simulate "$T/wiki.clout" --seeds "$T/seeds.txt" --model lt --sims 5003 \
    -q -o "$T/l$np.csv"
  cmp -s "$T/l1.csv" "$T/l$np.csv" && ok || bad "simulate --model lt at $np ranks differs"
  expect 0 "${MPI[@]}" -np $np "$CLOUT" compare "$T/wiki.clout" --algos imm,degree,pagerank -k 1,5,10 --sims 2001 -q
  cut -d, -f1-4,6- "$T/out" >"$T/c$np.csv"
  cmp -s "$T/c1.csv" "$T/c$np.csv" && ok || bad "compare at $np ranks differs: $(diff "$T/c1.csv" "$T/c$np.csv" | head -3)"
done
# IM: IMM and OPIM-C split their RR sets over the ranks and sum the greedy counts; the others run
# whole on every rank; the same seeds, gains and spreads, IC and LT (JSON: all but the timing)
for a in imm opim-c celf pagerank; do
  "$CLOUT" im "$T/wiki.clout" -k 15 --algo $a --sims 300 -q -o "$T/im1_$a.csv"
  for np in 2 4; do
    expect 0 "${MPI[@]}" -np $np "$CLOUT" im "$T/wiki.clout" -k 15 --algo $a --sims 300 -q -o "$T/im${np}_$a.csv"
    cmp -s "$T/im1_$a.csv" "$T/im${np}_$a.csv" && ok || bad "im --algo $a at $np ranks differs"
  done
done
nosecs() { /usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); d.pop("seconds"); print(json.dumps(d, sort_keys=True))' "$1"; }
"$CLOUT" im "$T/wiki.clout" -k 10 --model lt --format json -q -o "$T/lt1.json"
expect 0 "${MPI[@]}" -np 3 "$CLOUT" im "$T/wiki.clout" -k 10 --model lt --format json -q -o "$T/lt3.json"
[ "$(nosecs "$T/lt1.json")" = "$(nosecs "$T/lt3.json")" ] && ok || bad "im --model lt at 3 ranks differs"

# metrics: betweenness splits its sources over the ranks (exact and sampled, directed and
# undirected); a table without it is rank 0's alone
"$CLOUT" ingest -q --undirected --edges "$DS/nethept/NetHEPT.txt.gz" -o "$T/nethept.clout"
for g in wiki nethept; do
  "$CLOUT" metrics "$T/$g.clout" --only betweenness,pagerank,core -q -o "$T/m1_$g.csv"
  "$CLOUT" metrics "$T/$g.clout" --only betweenness --betweenness-samples 300 -q -o "$T/ms1_$g.csv"
  for np in 2 3; do
    expect 0 "${MPI[@]}" -np $np "$CLOUT" metrics "$T/$g.clout" --only betweenness,pagerank,core -q -o "$T/m${np}_$g.csv"
    cmp -s "$T/m1_$g.csv" "$T/m${np}_$g.csv" && ok || bad "metrics betweenness on $g at $np ranks differs"
    expect 0 "${MPI[@]}" -np $np "$CLOUT" metrics "$T/$g.clout" --only betweenness --betweenness-samples 300 -q \
      -o "$T/ms${np}_$g.csv"
    cmp -s "$T/ms1_$g.csv" "$T/ms${np}_$g.csv" && ok || bad "sampled betweenness on $g at $np ranks differs"
  done
done
# the whole table: ic_depth's live-edge graphs and ic_range's users split too
"$CLOUT" metrics "$T/wiki.clout" -q -o "$T/full1.csv"
expect 0 "${MPI[@]}" -np 2 "$CLOUT" metrics "$T/wiki.clout" -q -o "$T/full2.csv"
cmp -s "$T/full1.csv" "$T/full2.csv" && ok || bad "the whole metrics table at 2 ranks differs"
"$CLOUT" metrics "$T/wiki.clout" --only pagerank,reach_2 -q -o "$T/mp1.csv"
expect 0 "${MPI[@]}" -np 2 "$CLOUT" metrics "$T/wiki.clout" --only pagerank,reach_2 -q -o "$T/mp2.csv"
cmp -s "$T/mp1.csv" "$T/mp2.csv" && ok || bad "metrics without betweenness at 2 ranks differs"

# more ranks than simulations: the extra ranks have nothing to do
"$CLOUT" simulate "$T/wiki.clout" --seeds "$T/seeds.txt" --sims 3 -q -o "$T/t1.csv"
expect 0 "${MPI[@]}" -np 4 "$CLOUT" simulate "$T/wiki.clout" --seeds "$T/seeds.txt" --sims 3 -q -o "$T/t4.csv"
cmp -s "$T/t1.csv" "$T/t4.csv" && ok || bad "3 simulations on 4 ranks differ"

# bad input: every rank stops, one reports, the job exits 65, nothing is written
printf 'nobody\n' >"$T/bad.txt"
expect 65 "${MPI[@]}" -np 2 "$CLOUT" simulate "$T/wiki.clout" --seeds "$T/bad.txt" -q -o "$T/bad_out.csv"
eq "$(grep -c "no user 'nobody'" "$T/err")" 1 "the error reported once"
[ ! -e "$T/bad_out.csv" ] && ok || bad "a failed distributed run wrote output"

# a usage error: reported once (by rank 0), exit 2
expect 2 "${MPI[@]}" -np 2 "$CLOUT" simulate "$T/wiki.clout" --seeds "$T/seeds.txt" --sims 0 -q
eq "$(grep -c "bad value '0'" "$T/err")" 1 "the usage error reported once"

# a failure inside the distributed work (here RR sets over the memory limit, met by every rank
# between two exchanges): the job ends at once with its exit code, nothing written
expect_err 2 "more than the memory limit" "${MPI[@]}" -np 2 "$CLOUT" im "$T/wiki.clout" -k 50 --epsilon 0.01 \
  --max-memory 30M -q -o "$T/never.csv"
[ ! -e "$T/never.csv" ] && ok || bad "a job ended by a failure wrote output"

# a rank killed mid-run: the job ends within seconds with a failure, no output, no temporary file
"${MPI[@]}" -np 2 "$CLOUT" simulate "$T/wiki.clout" --seeds "$T/seeds.txt" --sims 200000000 -q -o "$T/long.csv" \
  >"$T/long.out" 2>"$T/long.err" &
job=$!
victim=""
for _ in $(seq 100); do
  for p in $(pgrep -f "simulate $T/wiki.clout --seeds $T/seeds.txt --sims 200000000" || true); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then victim=$p; fi
  done
  [ -n "$victim" ] && break
  sleep 0.1
done
[ -n "$victim" ] && ok || bad "rank 1 not found"
sleep 1
t0=$(date +%s)
[ -n "$victim" ] && kill -9 "$victim"
for _ in $(seq 300); do kill -0 $job 2>/dev/null || break; sleep 0.1; done
if kill -0 $job 2>/dev/null; then
  bad "the job still runs 30 s after a rank was killed"
  kill -9 $job 2>/dev/null
  pkill -9 -f "simulate $T/wiki.clout --seeds $T/seeds.txt --sims 200000000" 2>/dev/null
else
  wait $job
  rc=$?
  [ "$rc" != 0 ] && ok || bad "the job exited 0 after a rank was killed"
  [ $(($(date +%s) - t0)) -le 30 ] && ok || bad "the job took more than 30 s to end"
fi
[ ! -e "$T/long.csv" ] && ok || bad "a killed job wrote output"
eq "$(find "$T" -name '*.tmp.*' | wc -l)" 0 "temporary files left"
finish
