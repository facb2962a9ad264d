#!/usr/bin/env bash
# show's exports other tools read, on the committed sample (23 builds).
# Expected:
#  - -f pyperf loads as a pyperf BenchmarkSuite (its loader's rules,
#    tests/fixtures/pyperf/check_suite.py): one benchmark per row, each run
#    one ok repetition, the median of the runs equal to show's csv median;
#    repetitions of 0 bytes or less (pyperf takes > 0) left out and counted
#    on stderr; -n 1M keeps only that count; nothing left is an error;
#  - -o FILE writes what stdout would get, for text, markdown, csv, json and
#    pyperf; a bad -o (empty, a directory that does not exist) exits 2 and
#    writes nothing; --explain with pyperf is a usage error.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
sample=$SRC/results/sample/versions.json
SUITE="python3 $SRC/tests/fixtures/pyperf/check_suite.py"

expect_exit 0 "$OBJMEM" show "$sample" -f pyperf -o "$TMP/all.pyperf.json"
expect_err "repetitions left out: a figure of 0 bytes or less"
$SUITE "$TMP/all.pyperf.json" >"$TMP/medians" || fail "-f pyperf is not a pyperf suite"
"$OBJMEM" show "$sample" -f csv >"$TMP/all.csv"
python3 - "$TMP/medians" "$TMP/all.csv" "$sample" <<'PY' || fail "pyperf medians differ from show's"
import csv, json, sys
med = {}
for line in open(sys.argv[1]):
    name, m, n = line.split()
    med[name] = (float(m), int(n))
rows = {"%s/%s/%s" % (r["interpreter"], r["workload"], r["count"]): r
        for r in csv.DictReader(open(sys.argv[2]))}
checked = 0
for name, (m, n) in med.items():
    r = rows[name]                       # every benchmark is a row of show
    if n == int(r["n_ok"]):              # all repetitions kept: the same median
        want = float(r["bytes_per_object_median"])
        assert abs(m - want) <= 1e-9 * max(1.0, abs(want)), (name, m, want)
        checked += 1
    else:
        assert n < int(r["n_ok"]), name
# every row with an ok figure above 0 is a benchmark
for name, r in rows.items():
    if r["bytes_per_object_max"] not in ("", "nan") and float(r["bytes_per_object_max"]) > 0:
        assert name in med, name
assert checked > 100, checked
print("checked", checked)
PY
pass "show -f pyperf: a pyperf suite whose medians are show's ($(wc -l <"$TMP/medians") benchmarks)"

expect_exit 0 "$OBJMEM" show "$sample" -f pyperf -n 1M -o "$TMP/1m.json"
$SUITE "$TMP/1m.json" >"$TMP/m1" || fail "-n 1M: not a pyperf suite"
grep -qv '/1000000 ' "$TMP/m1" && fail "-n 1M kept another count"
python3 - "$sample" "$TMP/all.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["cells"]:
    c["status"], c["reason"] = "failed", "test: nothing measured"
json.dump(d, open(sys.argv[2], "w"))
PY
expect_exit 2 "$OBJMEM" show "$TMP/all.json" -f pyperf
expect_err "pyperf: nothing to export"
expect_exit 2 "$OBJMEM" show "$sample" -f pyperf --explain
expect_err "--explain prints text, markdown, csv or json, not pyperf"
pass "-n keeps one count; nothing to export and --explain -f pyperf are errors"

for f in text markdown csv json pyperf; do
	"$OBJMEM" show "$sample" -f "$f" -n 1M >"$TMP/stdout.$f" 2>/dev/null
	expect_exit 0 "$OBJMEM" show "$sample" -f "$f" -n 1M -o "$TMP/file.$f"
	cmp -s "$TMP/stdout.$f" "$TMP/file.$f" || fail "-o with -f $f differs from stdout"
	[ -s "$TMP/file.$f" ] || fail "-o with -f $f wrote nothing"
done
expect_exit 2 "$OBJMEM" show "$sample" -o ''
expect_err "--output takes a file name"
expect_exit 2 "$OBJMEM" show "$sample" -f csv -o "$TMP/no/such/dir/t.csv"
expect_err "$TMP/no/such/dir"
[ -e "$TMP/no" ] && fail "a failed -o left something behind"
pass "-o writes what stdout gets in every format; a bad -o exits 2 and writes nothing"
