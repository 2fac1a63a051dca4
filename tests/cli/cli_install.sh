#!/usr/bin/env bash
# cli_install.sh: the library as other programs see it. `meson install` into a scratch folder;
# libclout.so exports only the names clout.h declares; examples/key_users.c builds against the
# installed library through pkg-config and finds the same top users as `clout metrics`.
. "$(dirname "$0")/lib.sh"
I="$T/inst"
meson install -C "$BUILD" --destdir "$I" --no-rebuild --quiet >"$T/install.log" 2>&1 && ok || bad "meson install: $(tail -3 "$T/install.log")"
pc=$(find "$I" -name clout.pc | head -1)
[ -n "$pc" ] && ok || bad "no clout.pc installed"
[ -n "$(find "$I" -name clout.h)" ] && ok || bad "no clout.h installed"
so=$(find "$I" -name 'libclout.so' | head -1)
[ -n "$so" ] && ok || bad "no libclout.so installed"

# exported: exactly the functions clout.h declares, nothing internal
nm -D --defined-only "$so" | awk '$2 == "T" || $2 == "D" || $2 == "B" {print $3}' | sort >"$T/exported"
grep -o 'CLOUT_PUBLIC [^(]*(' "$SRC/include/clout.h" | grep -o 'clout_[a-z0-9_]*($' | tr -d '(' | sort >"$T/declared"
eq "$(comm -3 "$T/exported" "$T/declared" | tr -d '\t' | tr '\n' ' ')" "" "symbols exported but not declared, or declared but not exported"
eq "$(grep -c 'clout_i_' "$T/exported")" 0 "internal symbols exported"
[ "$(wc -l <"$T/exported")" -gt 50 ] && ok || bad "too few exported symbols: $(wc -l <"$T/exported")"

# a program of its own, built through pkg-config against the installed copy
prefix=$(sed -n 's/^prefix=//p' "$pc")
pcdir=$(dirname "$pc")
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$I$prefix" --cflags --libs clout)
cc -std=c11 -Wall -Wextra -Werror "$SRC/examples/key_users.c" $flags -o "$T/key_users" 2>"$T/cc.err" && ok ||
  bad "examples/key_users.c does not build: $(head -5 "$T/cc.err")"
libdir=$(dirname "$so")
"$CLOUT" ingest --edges "$DS/snap_wiki_vote/Wiki-Vote.txt.gz" -o "$T/w.clout" -q
LD_LIBRARY_PATH="$libdir" "$T/key_users" "$T/w.clout" 5 >"$T/top.csv" && ok || bad "key_users failed"
LD_LIBRARY_PATH="$libdir" ldd "$T/key_users" | grep -q "$libdir/libclout.so" && ok || bad "key_users is not linked to the installed library"
# the same five users, by PageRank, as the program's own table
"$CLOUT" metrics "$T/w.clout" --only pagerank -q | tail -n +2 | sort -t, -k2,2gr -k1,1 | head -5 | cut -d, -f1 >"$T/want"
eq "$(tail -n +2 "$T/top.csv" | cut -d, -f1 | tr '\n' ' ')" "$(tr '\n' ' ' <"$T/want")" "top users by PageRank"
eq "$(head -1 "$T/top.csv")" "user,pagerank,core,reach_2" "key_users header"
# the Python package over the installed library (meson install, then PYTHONPATH and CLOUT_LIB)
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  out=$(cd "$T" && CLOUT_LIB="$so" PYTHONPATH="$SRC/python" /usr/bin/python3 -c "
import clout
g = clout.load('$T/w.clout')
m = g.metrics(only=['pagerank'], frame=False)
top = sorted(range(g.n), key=lambda i: (-m['pagerank'][i], m['user'][i]))[:5]
print(clout._lib._name)
print(' '.join(m['user'][i] for i in top))" 2>&1)
  eq "$(echo "$out" | head -1)" "$so" "the Python package loads the installed library"
  eq "$(echo "$out" | tail -1)" "$(tr '\n' ' ' <"$T/want" | sed 's/ $//')" "top users by PageRank from Python"
fi
finish
