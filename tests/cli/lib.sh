# lib.sh: helpers for the CLI tests. $CLOUT is the program, $SRC the source tree.
set -u
fails=0
checks=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
D="$SRC/tests/data"
DS="$SRC/datasets"

# tools/test --valgrind: every run of the program goes through memcheck
if [ -n "${CLOUT_VALGRIND:-}" ]; then
  export CLOUT_CORE="$(dirname "$CLOUT")/clout-core"
  CLOUT="$SRC/tests/valgrind/clout-vg"
fi

ok() { checks=$((checks + 1)); }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*" >&2; }
# expect CODE CMD...: run, check the exit code
expect() {
  local want=$1; shift
  "$@" >"$T/out" 2>"$T/err"; local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "exit $got, expected $want: $* ; stderr: $(head -c 300 "$T/err")"; fi
}
# expect_err CODE PATTERN CMD...: exit code and a message on stderr
expect_err() {
  local want=$1 pat=$2; shift 2
  expect "$want" "$@"
  if grep -qF -- "$pat" "$T/err"; then ok; else bad "stderr lacks '$pat': $(head -c 300 "$T/err")"; fi
}
eq() { if [ "$1" = "$2" ]; then ok; else bad "$3: got '$1', expected '$2'"; fi; }
finish() { echo "$(basename "$0"): $checks checks, $fails failed"; [ "$fails" = 0 ]; }
# info G KEY: one field of clout info's JSON record
info() { "$CLOUT" info "$1" --format json | /usr/bin/python3 -c "import json,sys; v=json.load(sys.stdin)['$2']; print(str(v).lower() if isinstance(v,bool) else v)"; }
