#!/usr/bin/env bash
# bench/floor.py runs end to end on a small matrix, so the benchmark the
# README quotes does not rot between the runs that are quoted.
# Expected (the system python3, slots and point3d x 1k and 50k, 1 round):
#  - exit 0 and every line of its table, each with its seconds and ratio;
#  - the minimal driver of the method speaks the agent's protocol to the
#    end: its base-to-full and full-to-freed windows are parts of its
#    cells, so each sums to more than nothing and both to less than the
#    cells' whole time, and the fills (timed by the article's method) are
#    less than the method's cells;
#  - objmem's time over the minimal driver's is a finite positive ratio;
#  - an agent that fails (a factory that returns one object every time,
#    which the article's method takes and the agent refuses) stops the
#    benchmark with exit 1 and the agent's words, not a table.
. "$(dirname "$0")/lib.sh"
py=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))') ||
	skip "no python3"

OBJMEM="$OBJMEM" python3 "$SRC/bench/floor.py" -w slots,point3d -n 1000,50000 -r 1 "$py" \
	>"$TMP/out" 2>"$TMP/err" || fail "bench/floor.py exited $?: $(cat "$TMP/err")"
python3 - "$TMP/out" <<'PY' || fail "bench/floor.py's table: $(cat "$TMP/out")"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
def row(label):
    hits = [l for l in lines if re.match(re.escape(label) + r"\s{2,}\d", l)]
    assert len(hits) == 1, (label, hits)
    return [float(x) for x in re.findall(r"\d+\.\d+", hits[0][len(label):])]
assert lines[0].startswith("1 interpreters x 2 workloads x 2 counts = 4 cells"), lines[0]
fills = row("floor, 1 core (the fills)")[0]
for label in ("objmem -j 1", "objmem -j 2", "objmem -j 2 --no-views",
              "article's method (sequential)", "article's method, two at a time",
              "the same, two at a time"):
    secs, ratio = row(label)
    assert secs > 0 and ratio > 0, (label, secs, ratio)
method, mratio = row("the method, minimal driver")
fill_w, _ = row("  its base-to-full windows")
free_w, _ = row("  its full-to-freed windows")
assert fill_w > 0 and free_w > 0 and fill_w + free_w < method, (fill_w, free_w, method)
assert fills < method, (fills, method)
for label in ("objmem -j 1 / minimal driver", "objmem -j 2 / the same, two"):
    (r,) = row(label)
    assert 0 < r < 100, (label, r)
PY
pass "bench/floor.py: its table whole; the method's windows parts of its cells"

# the agent refuses the workload: the minimal driver names what it said
mkdir -p "$TMP/wl"
cat >"$TMP/wl/same.py" <<'PY'
ONE = object()
def setup():
    return lambda i: ONE
PY
OBJMEM="$OBJMEM" expect_exit 1 python3 "$SRC/bench/floor.py" -w "$TMP/wl/same.py" -n 100 -r 1 "$py"
expect_err "the factory returned the same object twice"
[ ! -s "$TMP/out" ] || fail "bench/floor.py printed a table for a refused workload: $(cat "$TMP/out")"
pass "bench/floor.py: a failing agent stops it with its words"
