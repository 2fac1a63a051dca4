#!/usr/bin/env bash
# cli_signals.sh: SIGINT and SIGTERM at several moments of long commands. The first signal stops
# the running library call: exit 130 (143 for SIGTERM), no temporary file left, an existing output
# untouched. A command that finished before the signal must have written its whole output. Two
# signals in a row exit at once, also without temporary files.
. "$(dirname "$0")/lib.sh"
"$CLOUT" generate rmat --scale 15 --edges 500000 --seed 2 -o "$T/r.clout"
"$CLOUT" generate rmat --scale 15 --edges 500000 --seed 2 -o "$T/r.csv"

# run CMD... in the background with -o $T/out, signal it after $delay seconds
try() {
  local sig=$1 delay=$2 want=$3; shift 3
  echo "old output" >"$T/out"
  echo "old output" >"$T/old"
  "$@" -o "$T/out" 2>"$T/err" &
  local pid=$!
  sleep "$delay"
  kill -"$sig" "$pid" 2>/dev/null
  wait "$pid"
  local rc=$?
  local left
  left=$(find "$T" -name '*.tmp.*' | wc -l)
  eq "$left" 0 "temporary files left after $sig at ${delay}s: $*"
  if [ "$rc" = 0 ]; then
    ! cmp -s "$T/out" "$T/old" && [ -s "$T/out" ] && ok || bad "exit 0 but no new output: $*"
  else
    eq "$rc" "$want" "exit code after $sig at ${delay}s: $*"
    cmp -s "$T/out" "$T/old" && ok || bad "output changed after $sig at ${delay}s: $*"
  fi
  echo "$rc"
}

# long enough that the signal always lands inside the computation
rc=$(try INT 0.5 130 "$CLOUT" im "$T/r.clout" -k 50 --epsilon 0.01 -q | tail -1)
eq "$rc" 130 "im interrupted by SIGINT"
rc=$(try TERM 0.5 143 "$CLOUT" metrics "$T/r.clout" --only ic_depth --sims 100000 -q | tail -1)
eq "$rc" 143 "metrics interrupted by SIGTERM"
rc=$(try INT 0.5 130 "$CLOUT" simulate "$T/r.clout" --seeds <(printf '1\n2\n3\n') --sims 100000000 -q | tail -1)
eq "$rc" 130 "simulate interrupted by SIGINT"
# at varied moments, including the reading and writing phases
for d in 0.05 0.2 0.6; do
  try INT "$d" 130 "$CLOUT" metrics "$T/r.clout" --only pagerank,reach_2,core --hops 2 -q >/dev/null
  try INT "$d" 130 "$CLOUT" ingest --header --edges "$T/r.csv" -q >/dev/null
  try TERM "$d" 143 "$CLOUT" export "$T/r.clout" --what social -q >/dev/null
done

# two signals: out at once, no temporary file
"$CLOUT" im "$T/r.clout" -k 50 --epsilon 0.01 -q -o "$T/two" 2>/dev/null &
pid=$!
sleep 0.5
kill -INT "$pid"; kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" = 130 ] && ok || bad "two signals: exit $rc"
eq "$(find "$T" -name '*.tmp.*' | wc -l)" 0 "temporary files left after two signals"
[ -e "$T/two" ] && bad "two signals: output written" || ok
finish
