#!/usr/bin/env bash
# cli_progress.sh: the progress line and --timings.
# - --timings on im, simulate, compare, score and pairwise: the phases each command names, in order, every
#   time >= 0 and their sum within the whole process's wall time; the output is the same bytes
#   with and without the flag.
# - On a terminal (script(1) gives the program one), a phase that lasts seconds without counts of
#   its own (writing to a FIFO whose reader waits 2.5 s) is named with its elapsed time, and the
#   line is erased at the end; --quiet draws nothing.
. "$(dirname "$0")/lib.sh"
G="$T/wiki.clout"
"$CLOUT" ingest -q --edges "$DS/snap_wiki_vote/Wiki-Vote.txt.gz" -o "$G"
printf '30\n4\n1412\n' >"$T/seeds.txt"

# timed CMD...: run with --timings; check the phases' times against the wall clock
timed() {
  local t0 t1
  t0=$(date +%s.%N)
  "$CLOUT" "$@" --timings -q >"$T/out" 2>"$T/err" || { bad "$* --timings failed: $(head -c 300 "$T/err")"; return; }
  t1=$(date +%s.%N)
  local line
  line=$(grep '^timings:' "$T/err" | tail -1)
  /usr/bin/python3 - "$line" "$t0" "$t1" <<'EOF' && ok || bad "timings of $*: $line"
import re, sys
line, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
parts = [p.strip() for p in line[len("timings:"):].split(",")]
secs = [float(re.fullmatch(r"(.+) (\d+\.\d{3}) s", p).group(2)) for p in parts]
assert parts and all(s >= 0 for s in secs), parts
assert sum(secs) <= (t1 - t0) + 0.01, (sum(secs), t1 - t0)
EOF
}
timed im "$G" -k 10
eq "$(grep '^timings:' "$T/err" | sed 's/ [0-9.]* s//g')" "timings: load, probabilities, select, write" "im's phases"
"$CLOUT" im "$G" -k 10 -q >"$T/plain"
cmp -s "$T/out" "$T/plain" && ok || bad "im --timings changed the output"
timed simulate "$G" --seeds "$T/seeds.txt" --sims 2000
eq "$(grep '^timings:' "$T/err" | sed 's/ [0-9.]* s//g')" "timings: load, read seeds, probabilities, simulate, write" \
  "simulate's phases"
timed compare "$G" --algos degree,imm -k 1,5 --sims 500
eq "$(grep '^timings:' "$T/err" | sed 's/ [0-9.]* s//g')" \
  "timings: load, probabilities, select degree, score degree, select imm, score imm, write" "compare's phases"
timed score "$G" --features out_degree,pagerank
eq "$(grep '^timings:' "$T/err" | sed 's/ [0-9.]* s//g')" "timings: load, features, score, formula, write" \
  "score's phases"
printf 'a b\nb c\nc a\n' >"$T/ring.txt"
printf 'user,item,time\na,x,1\nb,x,2\nc,x,3\nb,y,1\nc,y,2\na,y,3\nc,z,1\na,z,2\nb,w,1\nc,w,2\n' >"$T/ring.csv"
"$CLOUT" ingest -q --edges "$T/ring.txt" --interactions "$T/ring.csv" -o "$T/ring.clout"
timed score "$T/ring.clout" --features out_degree,adoptions --learn ridge --split-items 3 --folds 0
eq "$(grep '^timings:' "$T/err" | sed 's/ [0-9.]* s//g')" \
  "timings: load, learn from halves, features, learn, score, formula, write" "score --split-items's phases"
timed pairwise "$G" --edges --features out_degree
eq "$(grep '^timings:' "$T/err" | sed 's/ [0-9.]* s//g')" "timings: load, features, score, formula, write" \
  "pairwise's phases"
timed score "$G" --features out_degree,pagerank
"$CLOUT" score "$G" --features out_degree,pagerank -q >"$T/plain"
cmp -s "$T/out" "$T/plain" && ok || bad "score --timings changed the output"

# a terminal: script(1) runs the command on a pseudo-terminal. Its output goes to a FIFO whose
# reader starts reading 2.5 s after the writer opened it, so writing (several MB, more than a pipe
# holds) lasts that long.
if command -v script >/dev/null; then
  mkfifo "$T/fifo"
  "$CLOUT" pairwise "$G" --edges --features out_degree -q -o "$T/direct.csv"
  # the reader opens the FIFO (which waits for the writer's open, at its write phase), then
  # waits 2.5 s before reading: the write phase lasts that long however slow the machine
  (exec 3<"$T/fifo"; sleep 2.5; cat <&3 >"$T/via_fifo.csv") &
  script -qec "$CLOUT pairwise $G --edges --features out_degree -o $T/fifo" /dev/null >"$T/tty" 2>&1
  wait
  grep -q 'write: [123]s' "$T/tty" && ok || bad "no 'write: Ns' on the terminal: $(cat -v "$T/tty" | head -c 400)"
  cmp -s "$T/direct.csv" "$T/via_fifo.csv" && ok || bad "the output through the FIFO differs"
  # the progress line is erased at the end: nothing follows the last erase
  /usr/bin/python3 -c '
import sys
t = open(sys.argv[1], "rb").read()
i = t.rfind(b"\x1b[K")
assert i >= 0 and t[i + 3:].strip() == b"", t[-200:]' "$T/tty" && ok || bad "the progress line was left drawn: $(cat -v "$T/tty" | tail -c 200)"
  # --quiet: nothing drawn
  (sleep 1.5; cat "$T/fifo" >/dev/null) &
  script -qec "$CLOUT pairwise $G --edges --features out_degree -q -o $T/fifo" /dev/null >"$T/tty" 2>&1
  wait
  [ -s "$T/tty" ] && bad "--quiet drew on the terminal: $(cat -v "$T/tty" | head -c 200)" || ok
fi
finish
