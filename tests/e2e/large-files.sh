#!/usr/bin/env bash
# Large results files are read and written by several threads, each a
# stretch of the cells; what comes out must be what one thread would give.
# Expected (a synthetic file of 10,000 cells, bench/gen-results.py):
#  - merge of the file with itself writes its cells, the same values in the
#    same order, and show of the two prints the same table;
#  - a file with a bad cell in its first stretch and another in its last
#    names only the first (cells[100]), as a reading in order would; with
#    only the last bad, that one is named (cells[9000]);
#  - compare of two bad files names only the first file's bad cell, and
#    trend of a good file and a bad one names the bad one: exit 2 each.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"

big=$TMP/big.json
python3 "$SRC/bench/gen-results.py" 10000 "$big"

expect_exit 0 "$OBJMEM" merge -q -o "$TMP/merged.json" "$big" "$big"
python3 - "$big" "$TMP/merged.json" <<'EOF' || fail "merge of a 10k-cell file changed its cells"
import json, sys
a, b = (json.load(open(p))["cells"] for p in sys.argv[1:])
assert len(a) == len(b) == 10000, (len(a), len(b))
for x, y in zip(a, b):
    for k in ("interpreter", "workload", "count", "repeat", "status", "samples", "peak"):
        assert x.get(k) == y.get(k), (k, x.get(k), y.get(k))
EOF
"$OBJMEM" show -f csv "$big" >"$TMP/a.csv"
"$OBJMEM" show -f csv "$TMP/merged.json" >"$TMP/b.csv"
cmp -s "$TMP/a.csv" "$TMP/b.csv" || fail "show of the merged file differs from show of its input"
pass "10k cells: merged file has the input's cells in order; show prints the same table"

python3 - "$big" "$TMP" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["cells"][9000]["count"] = -9000
json.dump(d, open(sys.argv[2] + "/last.json", "w"))
d["cells"][100]["count"] = -100
json.dump(d, open(sys.argv[2] + "/both.json", "w"))
EOF
expect_exit 2 "$OBJMEM" show "$TMP/both.json"
expect_err "cells[100].count: expected a whole number from 1"
grep -q "cells\[9000\]" "$TMP/err" && { cat "$TMP/err"; fail "a later stretch's error was said too"; }
[ "$(wc -l <"$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "more than one message"; }
expect_exit 2 "$OBJMEM" show "$TMP/last.json"
expect_err "cells[9000].count: expected a whole number from 1"
pass "bad cells in two stretches: only the first is named, as read in order"

expect_exit 2 "$OBJMEM" compare "$TMP/last.json" "$TMP/both.json"
expect_err "last.json: cells[9000].count"
grep -q "both.json" "$TMP/err" && { cat "$TMP/err"; fail "compare named the second file too"; }
expect_exit 2 "$OBJMEM" trend "$big" "$TMP/both.json"
expect_err "both.json: cells[100].count"
[ "$(wc -l <"$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "trend: more than one message"; }
pass "compare and trend read their files at once and name only the first bad one"
