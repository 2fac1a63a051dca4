#!/usr/bin/env bash
# cli_bad_input.sh: each kind of bad input gets FILE:LINE and a message, the documented exit code,
# no output file, and no crash (the sanitizer build runs this too).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
G="$T/out.clout"
noout() { if [ -e "$G" ]; then bad "output written despite an error"; rm -f "$G"; else ok; fi; }

# binary garbage (fixed pseudo-random bytes)
$PY -c 'import random; r = random.Random(7); open("'"$T"'/garbage.bin", "wb").write(bytes(r.randrange(256) for _ in range(65536)))'
expect_err 65 "garbage.bin:1: unexpected control byte" "$CLOUT" ingest --edges "$T/garbage.bin" -o "$G"; noout
expect_err 65 "garbage.bin:1:" "$CLOUT" ingest --interactions "$T/garbage.bin" -o "$G"; noout
expect_err 65 "garbage.bin:1:" "$CLOUT" ingest --cascades "$T/garbage.bin" -o "$G"; noout
expect_err 65 "not a .clout snapshot" "$CLOUT" info "$T/garbage.bin"

# a line of 1 GB (64 MB in the sanitizer build, where each byte is checked and time is bounded):
# rejected as an over-long id, in memory bounded by the file's size
size=$((1024 * 1024 * 1024))
case "$CLOUT" in *build-san*|*clout-vg*) size=$((64 * 1024 * 1024));; esac
head -c "$size" /dev/zero | tr '\0' 'a' > "$T/long.txt"
echo " b" >> "$T/long.txt"
# meson test sets MALLOC_PERTURB_, which fills every allocation and so touches reserved pages
env -u MALLOC_PERTURB_ /usr/bin/time -f "%M" -o "$T/mem" "$CLOUT" ingest --edges "$T/long.txt" -o "$G" 2>"$T/err"; code=$?
eq "$code" 65 "exit code for a long line"
grep -qF "long.txt:1: id longer than 4096 bytes" "$T/err" && ok || bad "long line message: $(head -c 200 "$T/err")"
kb=$(tail -n 1 "$T/mem" 2>/dev/null || echo 0)
[ "$kb" -lt $((size / 1024 * 3 + 200000)) ] && ok || bad "peak memory ${kb} kB for a ${size}-byte file"
rm -f "$T/long.txt"; noout

# empty file; only comments; only a header
: > "$T/empty.txt"
expect_err 65 "empty.txt:1: no edges found (the file is empty)" "$CLOUT" ingest --edges "$T/empty.txt" -o "$G"; noout
expect_err 65 "empty.txt:1: expected a header row naming the columns, found an empty file" "$CLOUT" ingest --interactions "$T/empty.txt" -o "$G"; noout
expect_err 65 "empty.txt:1: no cascades found (the file is empty)" "$CLOUT" ingest --cascades "$T/empty.txt" -o "$G"; noout
printf '# nothing\n%% here\n\n' > "$T/comments.txt"
expect_err 65 "comments.txt:4: no edges found (only comments, blank lines or a header)" "$CLOUT" ingest --edges "$T/comments.txt" -o "$G"; noout
printf 'user,item\n' > "$T/hdr.csv"
expect_err 65 "hdr.csv:2: no interactions found" "$CLOUT" ingest --interactions "$T/hdr.csv" -o "$G"; noout

# ids that overflow any integer type are opaque tokens: kept apart exactly, never wrapped
printf '18446744073709551616 1\n18446744073709551617 1\n' > "$T/big.txt"
expect 0 "$CLOUT" ingest --edges "$T/big.txt" -o "$G"
eq "$(info "$G" users)" 3 "overflowing ids stay distinct"
eq "$("$CLOUT" export "$G" --what social | tail -n +2 | cut -d, -f1 | sort | tr '\n' ' ')" "18446744073709551616 18446744073709551617 " "overflowing ids round-trip"
rm -f "$G"
# numbers that overflow: weights and times
printf 'a b 1e999\n' > "$T/w.txt"
expect_err 65 "w.txt:1: weight overflows" "$CLOUT" ingest --edges "$T/w.txt" -o "$G"; noout
printf 'user,item,time\na,b,1e999\n' > "$T/t.csv"
expect_err 65 "t.csv:2: time overflows" "$CLOUT" ingest --interactions "$T/t.csv" -o "$G"; noout

# NaN, negative, infinite weights
for w in nan NaN -1 inf -inf; do
  printf 'a b\nb c %s\n' "$w" > "$T/w.txt"
  expect_err 65 "w.txt:2: weight" "$CLOUT" ingest --edges "$T/w.txt" -o "$G"; noout
done
printf 'user,item,weight\nu,i,-0.5\n' > "$T/w.csv"
expect_err 65 "w.csv:2: weight must not be negative" "$CLOUT" ingest --interactions "$T/w.csv" -o "$G"; noout

# times that do not parse
for t in tomorrow 2021-02-30 2021-13-01 12:00 2021-01-01T25:00; do
  printf 'user,item,time\nu,i,%s\n' "$t" > "$T/t.csv"
  expect_err 65 "t.csv:2:" "$CLOUT" ingest --interactions "$T/t.csv" -o "$G"; noout
done
printf '1 2 soon\n' > "$T/c.txt"
expect_err 65 "c.txt:1: time is not a number" "$CLOUT" ingest --cascades "$T/c.txt" -o "$G"; noout

# --skip-bad-lines: one warning with the count, the good lines kept
printf 'a b\nc\nd e nan\nf g\n' > "$T/mixed.txt"
expect_err 0 "skipped 2 bad lines; the first, line 2" "$CLOUT" ingest --skip-bad-lines --edges "$T/mixed.txt" -o "$G"
eq "$(info "$G" social_edges)" 2 "good lines kept"
eq "$(info "$G" bad_lines_skipped)" 2 "bad lines counted"
rm -f "$G"

# truncated and corrupt gzip
gzip -c "$D/edges.txt" > "$T/e.gz"; head -c 30 "$T/e.gz" > "$T/trunc.gz"
expect_err 65 "trunc.gz: " "$CLOUT" ingest --edges "$T/trunc.gz" -o "$G"; noout

# snapshots: truncated, corrupted, wrong version
"$CLOUT" ingest --edges "$D/edges.txt" --interactions "$D/log.csv" -o "$T/ok.clout" 2>/dev/null
n=$(stat -c %s "$T/ok.clout")
head -c $((n / 2)) "$T/ok.clout" > "$T/half.clout"
expect_err 65 "half.clout: byte" "$CLOUT" info "$T/half.clout"
$PY -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[7] = 42; open(sys.argv[2], "wb").write(b)' "$T/ok.clout" "$T/v.clout"
expect_err 65 "snapshot format version 42 is not supported" "$CLOUT" info "$T/v.clout"

# missing input (66) and an output that cannot be written (74)
expect_err 66 "nope.txt: cannot open" "$CLOUT" ingest --edges "$T/nope.txt" -o "$G"; noout
expect_err 66 "is a directory" "$CLOUT" ingest --edges "$T" -o "$G"; noout
expect_err 66 "cannot open" "$CLOUT" info "$T/nope.clout"
expect_err 74 "cannot create output file" "$CLOUT" ingest --edges "$D/edges.txt" -o "$T/no/such/dir/g.clout"
finish
