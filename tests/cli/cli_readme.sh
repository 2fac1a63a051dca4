#!/usr/bin/env bash
# cli_readme.sh: the README is executable, and so is every command's help. Every command of the
# README's ```sh blocks, then every example of `clout help CMD`, runs, in order, as
# written (from a scratch folder that sees the bundled datasets, the examples and the build as the
# source tree does), and must exit 0. Lines that show output are skipped; so are ./tools/demo and
# ./tools/test, which run this suite themselves.
. "$(dirname "$0")/lib.sh"
W="$T/readme"
mkdir -p "$W"
ln -s "$SRC/datasets" "$W/datasets"
ln -s "$SRC/examples" "$W/examples"
ln -s "$SRC/python" "$W/python"
ln -s "$BUILD" "$W/build"
# the commands, one per entry, continuation lines joined; `clout` is the program under test
/usr/bin/python3 - "$SRC/README.md" >"$T/cmds" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
starts = ("clout ", "./build/clout ", "D=", "P=", "cc ", "meson ", "LD_LIBRARY_PATH=", "printf ", "PYTHONPATH=", "mpirun ")
# a block indented inside a list item is read without its indentation
for indent, block in re.findall(r"^( *)```sh\n(.*?)^ *```", text, re.S | re.M):
    cmd = ""
    for line in block.split("\n"):
        line = line[len(indent):] if line.startswith(indent) else line
        if cmd:
            cmd += " " + line.strip()
        elif line.startswith(starts):
            cmd = line
        else:
            continue
        if cmd.endswith("\\"):
            cmd = cmd[:-1].rstrip()
            continue
        print(cmd)
        cmd = ""
PY
# then the examples of every command's help, in the same folder (the README made what they read)
for c in ingest info export metrics reach simulate im compare generate behaviour score keyusers pairwise evaluate report \
    gcn lightgcn recommend; do
  "$CLOUT" help "$c" | /usr/bin/python3 -c '
import sys
lines, on, cmd = sys.stdin.read().split("\n"), False, ""
for line in lines:
    if line.startswith("Example"):
        on = True
        continue
    if on and not line.strip():
        break
    if on:
        part = line.strip()
        cmd = cmd + " " + part if cmd else part
        if cmd.endswith("\\"):
            cmd = cmd[:-1].rstrip()
            continue
        if cmd.startswith("clout "):
            print(cmd)
        cmd = ""
' >>"$T/cmds"
done
n=$(wc -l <"$T/cmds")
[ "$n" -ge 25 ] && ok || bad "only $n commands found in the README"
# one shell runs them all, so a variable one command sets (D=, P=) holds for the next
{
  echo 'clout() { "$CLOUT" "$@"; }'
  # mpirun starts `clout` from PATH (the program under test); as root OpenMPI wants its flag, and
  # 4 ranks on 2 cores need --oversubscribe; a build without MPI runs the command as one process
  echo 'PATH="$(dirname "$CLOUT"):$PATH"'
  echo 'mpirun() { if command -v mpirun >/dev/null && ldd "$(dirname "$CLOUT")/clout-core" | grep -q libmpi; then command mpirun --oversubscribe $([ "$(id -u)" = 0 ] && echo --allow-run-as-root) "$@"; else while [ "$1" = -np ]; do shift 2; done; "$@"; fi; }'
  i=0
  while IFS= read -r cmd; do
    i=$((i + 1))
    printf '{ %s\n} >%q 2>%q </dev/null; echo "%d $?" >>%q\n' "$cmd" "$T/out.$i" "$T/err.$i" "$i" "$T/status"
  done <"$T/cmds"
} >"$T/run.sh"
(cd "$W" && env -u D CLOUT="$CLOUT" bash "$T/run.sh")
i=0
while IFS= read -r cmd; do
  i=$((i + 1))
  rc=$(awk -v i="$i" '$1 == i {print $2}' "$T/status")
  if [ "$rc" = 0 ]; then ok; else bad "README command $i exits ${rc:-nothing}: $cmd :: $(head -c 300 "$T/err.$i")"; fi
done <"$T/cmds"
echo "$i README commands run"
finish
