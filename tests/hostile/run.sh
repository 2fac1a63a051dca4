#!/usr/bin/env bash
# tests/hostile/run.sh: the hostile cases of cases.tsv, one per line: the exit code clout must give,
# a fragment its message must hold, and its arguments. Each runs against the program with the
# crafted files below; none may write its output ($T/out*) or leave a temporary file.
. "$SRC/tests/cli/lib.sh"
H="$T/h"
mkdir -p "$H" "$H/a" "$H/b"
W="$H/wiki.clout"
"$CLOUT" ingest --edges "$DS/snap_wiki_vote/Wiki-Vote.txt.gz" -o "$W" -q
S="$H/se.clout"
X="$DS/stackexchange_christianity_cascades"
"$CLOUT" ingest --header --edges "$X/graph.txt" --cascades "$X/train.txt" -o "$S" -q
/usr/bin/python3 -c 'import random; r = random.Random(7); open("'"$H"'/garbage.bin", "wb").write(bytes(r.randrange(256) for _ in range(4096)))'
head -c 200 "$W" >"$H/half.clout"
: >"$H/empty.txt"
printf 'a b nan\n' >"$H/nan.txt"
printf 'src,dst\n1,2\n' >"$H/own_header.csv"
printf 'user,item,time\na,x,1700000000000\n' >"$H/ms.csv"
printf '1 2 3e38\n1 2 3e38\n' >"$H/overflow.txt"
printf 'a b\n' >"$H/copy.txt"
printf '1 2 10\n' >"$H/a/train.txt"
printf '3 4 10\n' >"$H/b/train.txt"
mkfifo "$H/fifo"
cp "$W" "$H/w2.clout"
printf '1 2 5\n2 3 0.5\n' >"$H/heavy.txt"
"$CLOUT" ingest --edges "$H/heavy.txt" -o "$H/heavy.clout" -q
printf '30 0\n4 0\n' >"$H/zero.txt"
printf 'nobody 1\n' >"$H/nobody.txt"
printf '30\n4\n' >"$H/seeds.txt"
printf '30\n4\0\n' >"$H/nul.txt"
printf '30 a\n30 b\n' >"$H/twice.txt"
printf '30 nan\n' >"$H/nan_target.txt"
printf '30 a\0b\n4 c\n' >"$H/nul_label.txt"
printf '# none\n' >"$H/comments.txt"
printf 'rank,name\n1,30\n' >"$H/nouser.csv"
printf 'user,x\n30,1\0\n' >"$H/nulcsv.csv"
printf 'user,x\n"30,1\n' >"$H/badquote.csv"
printf 'user,x\n' >"$H/headonly.csv"
printf 'user,x\n30,1\n30,2\n' >"$H/twice.csv"
printf 'user,x\n30,nan\n4,1\n' >"$H/nancsv.csv"
printf 'feature,weight\nout_degree,1e999\n' >"$H/badw.csv"
printf 'feature,weight\nout_degree,1\ncore,1\nout_degree,2\n' >"$H/wtwice.csv"
printf 'user,x\n30,1\n\n4,1\n30,2\n4,3\n' >"$H/twice_gap.csv"
printf 'user,y\n30,1\n4,2\n' >"$H/truth.csv"
printf 'user,x\n30,1\n\n4,abc\n' >"$H/text_cell.csv"
n=0
limit=60
[ -n "${CLOUT_VALGRIND:-}" ] && limit=1200 # memcheck runs 20-50 times slower
while IFS=$'\t' read -r code frag args; do
  case "$code" in '#'*|'') continue;; esac
  n=$((n + 1))
  eval "set -- $args"
  timeout "$limit" "$CLOUT" "$@" >"$T/stdout" 2>"$T/err"
  got=$?
  if [ "$got" = "$code" ]; then ok; else bad "case $n (clout $args): exit $got, expected $code: $(head -c 200 "$T/err")"; fi
  if grep -qF -- "$frag" "$T/err"; then ok; else bad "case $n (clout $args): message lacks '$frag': $(head -c 200 "$T/err")"; fi
  if compgen -G "$T/out*" >/dev/null; then bad "case $n (clout $args) wrote its output"; rm -f "$T"/out*; else ok; fi
done <"$SRC/tests/hostile/cases.tsv"
eq "$(find "$T" -name '*.tmp.*' | wc -l)" 0 "temporary files left"
[ "$n" -ge 60 ] && ok || bad "only $n hostile cases"
echo "$n hostile cases"
finish
