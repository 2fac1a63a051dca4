#!/usr/bin/env bash
# cli_signals.sh: SIGINT and SIGTERM at several moments of long commands. The first signal stops
# the running library call: exit 130 (143 for SIGTERM), no temporary file left, an existing output
# untouched. A command that finished before the signal must have written its whole output. Two
# signals in a row exit at once, also without temporary files.
. "$(dirname "$0")/lib.sh"
# under memcheck (tools/test --valgrind) a signal can land before the program has started, and a
# computation meant to outlast it would then run for hours: these timings are for native runs
if [ -n "${CLOUT_VALGRIND:-}" ]; then echo "cli_signals.sh: timed signals are not run under valgrind"; ok; finish; exit; fi
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

# an input truncated while it is read (log rotation): a clear error, never a crash or a temporary
# file (exit 74 when the pages vanish under the mapping, 65 or 0 when the cut came first)
"$CLOUT" generate rmat --scale 17 --edges 3000000 --seed 4 -o "$T/big.csv"
for d in 0.05 0.15 0.3; do
  cp "$T/big.csv" "$T/cut.csv"
  "$CLOUT" ingest --header --edges "$T/cut.csv" -o "$T/cut.clout" -q 2>"$T/err" &
  pid=$!
  sleep "$d"
  truncate -s 1000 "$T/cut.csv"
  wait "$pid"
  rc=$?
  case "$rc" in 0|65|74) ok;; *) bad "input truncated after ${d}s: exit $rc: $(head -c 200 "$T/err")";; esac
  [ "$rc" = 74 ] && { grep -q "shrank while it was being read" "$T/err" && ok || bad "no message for a truncated input"; }
  eq "$(find "$T" -name '*.tmp.*' | wc -l)" 0 "temporary files left after an input was truncated"
  rm -f "$T/cut.clout"
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
