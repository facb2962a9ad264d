#!/usr/bin/env bash
# compare, merge and trend on a real run of the system python3.
# Expected:
#  - a file compared with itself: exit 0, every row "same";
#  - one (interpreter, workload, count) 5% larger in every repetition:
#    exit 1, the row named LARGER; 5% smaller: "smaller", exit 0;
#  - a 2% shift inside the repetitions' spread: "same", exit 0;
#  - a different kernel is a warning in the output; rows only in one file
#    are listed, those measured in BASE as MISSING, which fail the gate
#    unless --allow-missing; --pair and one-interpreter
#    files match renamed builds; bad inputs exit 2;
#  - merge of `run --shard 1/2` and `--shard 2/2` has the unsharded run's
#    cells; the unsharded run split along the shards' keys and merged back
#    equals it cell for cell (pid, wall_s and created aside); a conflict is
#    reported and nothing is written (or the first copy kept);
#  - merge --expect N: the 2 shards of 2 are whole (exit 0); one alone is
#    partial (exit 1, written), the missing shard and each of its cells
#    named, and so is a cell a shard lacks; a shard given twice is named
#    (exit 1); a file that is not a shard, a shard of another N or of
#    another matrix exits 2 and nothing is written;
#  - trend marks the 5% step LARGER and draws it.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
EDIT="python3 $SRC/tests/fixtures/compare/edit_results.py"
MATRIX=(-i python3 -w point3d,slots -n 10k,100k -r 3 -q --no-table)

all=$TMP/all.json
expect_exit 0 "$OBJMEM" run "${MATRIX[@]}" -j 2 -o "$all" --label rev-1
pass "a real run: 2 workloads x 2 counts x 3 repetitions"

# ---- compare ---------------------------------------------------------

expect_exit 0 "$OBJMEM" compare "$all" "$all"
[ "$(grep -cE ' same$' "$TMP/out")" -eq 4 ] || { cat "$TMP/out"; fail "identical: not 4 rows same"; }
grep -q "4 rows: 0 LARGER, 0 smaller, 4 same" "$TMP/out" || fail "identical: totals"
pass "identical files: exit 0, every row same"

# A base whose point3d@100k repetitions all sit on their median, so that
# the 5% step is the only difference; then the step itself.
base=$TMP/base.json new=$TMP/new.json
$EDIT spread "$all" "$base" python3 point3d 100000 1 1 1
$EDIT scale "$base" "$new" python3 point3d 100000 1.05
$EDIT set "$new" "$new" label '"rev-2"'
$EDIT set "$new" "$new" created '"2099-01-02T03:04:05Z"'
expect_exit 1 "$OBJMEM" compare "$base" "$new"
grep -qE '^python3 +point3d +100k .* \+5\.00% +LARGER$' "$TMP/out" \
	|| { cat "$TMP/out"; fail "5% larger: the row is not LARGER"; }
grep -q '^LARGER: python3 point3d 100k: ' "$TMP/out" || fail "5% larger: not named at the end"
[ "$(grep -cE ' same$' "$TMP/out")" -eq 3 ] || fail "5% larger: the other rows are not same"
expect_exit 1 "$OBJMEM" compare "$base" "$new" --format json
python3 - "$TMP/out" <<'EOF' || fail "5% larger: json output"
import json, sys
d = json.load(open(sys.argv[1]))
larger = [r for r in d["rows"] if r["verdict"] == "LARGER"]
assert d["regressed"] is True and d["totals"]["LARGER"] == 1, d["totals"]
assert (larger[0]["new_interpreter"], larger[0]["workload"], larger[0]["count"]) == ("python3", "point3d", 100000)
assert abs(larger[0]["change_pct"] - 5) < 0.01, larger[0]["change_pct"]
EOF
expect_exit 1 "$OBJMEM" compare "$base" "$new" --format markdown
grep -q '| \*\*LARGER\*\* |' "$TMP/out" || fail "markdown: LARGER not in bold"
expect_exit 0 "$OBJMEM" compare "$base" "$new" --threshold 10%
pass "one row 5% larger: exit 1 and named (text, json, markdown); --threshold 10% lets it pass"

smaller=$TMP/smaller.json
$EDIT scale "$base" "$smaller" python3 point3d 100000 0.95
expect_exit 0 "$OBJMEM" compare "$base" "$smaller"
grep -qE '^python3 +point3d +100k .* -5\.00% +smaller$' "$TMP/out" || { cat "$TMP/out"; fail "5% smaller"; }
pass "5% smaller: smaller, exit 0"

# Noise: the median moves 2% (beyond the 1% threshold), but the new range
# overlaps the base's: the same, not a regression.
nb=$TMP/noise-base.json nn=$TMP/noise-new.json
$EDIT spread "$all" "$nb" python3 slots 100000 0.97 1.00 1.03
$EDIT spread "$all" "$nn" python3 slots 100000 1.00 1.02 1.035
expect_exit 0 "$OBJMEM" compare "$nb" "$nn" --format json
python3 - "$TMP/out" <<'EOF' || fail "noise inside the spread is not same"
import json, sys
d = json.load(open(sys.argv[1]))
r = [r for r in d["rows"] if r["workload"] == "slots" and r["count"] == 100000][0]
assert r["verdict"] == "same", r
assert 1.9 < r["change_pct"] < 2.1, r["change_pct"]
assert r["new"]["min"] <= r["base"]["max"], r
EOF
pass "a 2% move inside the repetitions' spread: same"

other=$TMP/other-kernel.json
$EDIT set "$base" "$other" machine.kernel '"9.9.9-objmem-test"'
expect_exit 0 "$OBJMEM" compare "$base" "$other"
grep -q "^warning: different kernel: base '.*', new '9.9.9-objmem-test'" "$TMP/out" \
	|| { cat "$TMP/out"; fail "no kernel warning in the output"; }
pass "a different kernel is a warning in the output"

dropped=$TMP/dropped.json
$EDIT drop "$base" "$dropped" slots
expect_exit 1 "$OBJMEM" compare "$base" "$dropped"
[ "$(grep -cE ' MISSING \(not in new\)$' "$TMP/out")" -eq 2 ] || { cat "$TMP/out"; fail "rows missing from new not listed as MISSING"; }
grep -q " same, 2 MISSING, " "$TMP/out" || { cat "$TMP/out"; fail "the totals do not count the MISSING rows"; }
expect_exit 0 "$OBJMEM" compare "$base" "$dropped" --allow-missing
expect_exit 1 "$OBJMEM" compare "$base" "$dropped" --strict   # the default, kept for old scripts
expect_exit 0 "$OBJMEM" compare "$dropped" "$base"
[ "$(grep -cE ' only-new$' "$TMP/out")" -eq 2 ] || fail "rows only in new not listed"
pass "a row measured in BASE and missing from NEW fails the gate (MISSING); --allow-missing relaxes it"

tonight=$TMP/tonight.json
$EDIT rename "$new" "$tonight" python3 cpython-tonight
expect_exit 1 "$OBJMEM" compare "$base" "$tonight"
grep -q "note: no interpreter name is in both files: comparing the only interpreter" "$TMP/out" \
	|| fail "one interpreter each: no note"
grep -qE '^python3 -> cpython-tonight +point3d +100k .*LARGER$' "$TMP/out" || { cat "$TMP/out"; fail "auto pair"; }
expect_exit 1 "$OBJMEM" compare "$base" "$tonight" --pair python3=cpython-tonight
grep -q "note:" "$TMP/out" && fail "--pair: a note about guessing"
expect_exit 2 "$OBJMEM" compare "$base" "$tonight" --pair python3=nope
expect_err "the new file has no interpreter 'nope' (it has 'cpython-tonight')"
pass "renamed builds: paired when alone, or with --pair; a wrong --pair is an error"

expect_exit 2 "$OBJMEM" compare "$base"
expect_err "give two results files"
expect_exit 2 "$OBJMEM" compare "$base" "$TMP/nope.json"
expect_err "nope.json"
echo 'not json' >"$TMP/garbage.json"
expect_exit 2 "$OBJMEM" compare "$TMP/garbage.json" "$base"
expect_err "garbage.json:1:1: invalid JSON"
expect_exit 2 "$OBJMEM" compare "$base" "$new" --threshold lots
expect_err "--threshold takes a percentage"
expect_exit 0 "$OBJMEM" compare --help
grep -q "example:" "$TMP/out" || fail "compare --help has no example"
pass "bad input exits 2 with a message"

# ---- merge -----------------------------------------------------------

s1=$TMP/shard1.json s2=$TMP/shard2.json merged=$TMP/merged.json
expect_exit 0 "$OBJMEM" run "${MATRIX[@]}" -j 2 -o "$s1" --label rev-1 --shard 1/2
expect_exit 0 "$OBJMEM" run "${MATRIX[@]}" -j 2 -o "$s2" --label rev-1 --shard 2/2
$EDIT disjoint "$s1" "$s2" || fail "the shards overlap or one is empty"
expect_exit 0 "$OBJMEM" merge "$s1" "$s2" -o "$merged"
$EDIT keys "$all" "$merged" || fail "merged shards do not have the unsharded run's cells"
$CHECK "$merged" cells 12
$CHECK "$merged" all-ok
python3 - "$merged" <<'EOF' || fail "merged config"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["config"]
assert "shard" not in c and [m["shard"] for m in c["merged_from"]] == ["1/2", "2/2"], c
assert c["counts"] == [10000, 100000] and d["label"] == "rev-1"
EOF
expect_exit 0 "$OBJMEM" compare "$all" "$merged"
pass "merge of --shard 1/2 and 2/2: the unsharded run's 12 cells, measured alike"

# The unsharded run cut along the shards' keys and merged back: equal cell
# for cell, and merging a part twice is no conflict.
p1=$TMP/part1.json p2=$TMP/part2.json back=$TMP/back.json
$EDIT split "$all" "$s1" "$s2" "$p1" "$p2"
expect_exit 0 "$OBJMEM" merge "$p2" "$p1" "$p1" -o "$back"
grep -q "merged 3 files: 12 cells" "$TMP/err" || { cat "$TMP/err"; fail "merge summary line"; }
$EDIT same "$all" "$back" || fail "split and merged back differs from the run"
pass "a run split along the shards and merged back equals it cell for cell"

rm -f "$TMP/conflict.json"
expect_exit 1 "$OBJMEM" merge "$base" "$new" -o "$TMP/conflict.json"
expect_err "conflict: cell 'python3' point3d 100k #1: '$base' and '$new' differ: samples.full.uss"
expect_err "3 conflicts: '$TMP/conflict.json' was not written"
[ ! -e "$TMP/conflict.json" ] || fail "a conflicting merge wrote its output"
expect_exit 0 "$OBJMEM" merge "$base" "$new" -o "$TMP/conflict.json" --keep-first
$EDIT same "$base" "$TMP/conflict.json" --cells-only || fail "--keep-first did not keep the first copies"
expect_exit 2 "$OBJMEM" merge "$base" "$new"
expect_err "give the merged file with -o FILE"
pass "a conflict is reported, not overwritten; --keep-first keeps the first"

# --expect N: the shards of one run, whole or partial, each gap named.
expect_exit 0 "$OBJMEM" merge --expect 2 "$s2" "$s1" -o "$merged"
expect_err "whole: the 2 shards of 2 and all 12 cells of the matrix"
$EDIT keys "$all" "$merged" || fail "merge --expect: not the unsharded run's cells"
# the cells a file holds, as merge names them: 'python3' point3d 10k #1
cell_names() {
	python3 - "$1" <<'EOF'
import json, sys
def fmt(n):
    for div, s in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if n >= div and n % div == 0:
            return "%d%s" % (n // div, s)
    return str(n)
for c in json.load(open(sys.argv[1]))["cells"]:
    print("'%s' %s %s #%d" % (c["interpreter"], c["workload"], fmt(c["count"]), c["repeat"]))
EOF
}
n1=$(cell_names "$s1" | wc -l) n2=$(cell_names "$s2" | wc -l)
partial=$TMP/partial.json
rm -f "$partial"
expect_exit 1 "$OBJMEM" merge --expect 2 "$s1" -o "$partial"
expect_err "missing: shard 2/2: no input was made with --shard 2/2"
diff <(cell_names "$s2" | sort) <(sed -n 's/^missing: cell //p' "$TMP/err" | sort) \
	|| fail "merge --expect: the missing cells named are not shard 2's"
expect_err "error: partial: 1 of 2 shards and $n2 of 12 cells of the matrix are missing; '$partial' was written with the $n1 cells there are"
$CHECK "$partial" cells "$n1"
expect_exit 1 "$OBJMEM" merge --expect 2 "$s1" -o "$partial" -q
expect_err "missing: shard 2/2"
pass "merge --expect 2: whole with both shards; with one, partial: written, exit 1, the shard and its $n2 cells named"

# a shard cut short (its job killed after some cells): the cell it lacks is named
cut=$TMP/shard2-cut.json
python3 - "$s2" "$cut" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["cells"] = d["cells"][:-1]
json.dump(d, open(sys.argv[2], "w"))
EOF
lost=$(cell_names "$s2" | tail -n 1)
expect_exit 1 "$OBJMEM" merge --expect 2 "$s1" "$cut" -o "$partial"
[ "$(grep -c '^missing: ' "$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "a cut shard: not exactly one thing missing"; }
expect_err "missing: cell $lost"
expect_err "0 of 2 shards and 1 of 12 cells of the matrix are missing"
expect_exit 1 "$OBJMEM" merge --expect 2 "$s1" "$s2" "$s1" -o "$TMP/twice.json"
expect_err "duplicate: shard 1/2 is given twice: '$s1' and '$s1'"
expect_err "error: 1 shard is given more than once"
$CHECK "$TMP/twice.json" cells 12
pass "merge --expect: a cell a shard lacks and a shard given twice are named, exit 1"

rm -f "$TMP/nope.json"
expect_exit 2 "$OBJMEM" merge --expect 2 "$all" "$s2" -o "$TMP/nope.json"
expect_err "mismatch: '$all' is not a shard: it records no config.shard"
expect_exit 2 "$OBJMEM" merge --expect 3 "$s1" "$s2" -o "$TMP/nope.json"
expect_err "mismatch: '$s1' is shard 1/2, not one of 3"
$EDIT set "$s2" "$TMP/other-matrix.json" config.repeat 5
expect_exit 2 "$OBJMEM" merge --expect 2 "$s1" "$TMP/other-matrix.json" -o "$TMP/nope.json"
expect_err "mismatch: '$TMP/other-matrix.json' is a shard of another matrix: it has 5 repetitions, '$s1' 3"
expect_err "error: the inputs are not the 2 shards of one run: '$TMP/nope.json' was not written"
[ ! -e "$TMP/nope.json" ] || fail "merge --expect wrote a file from inputs that are not shards"
expect_exit 2 "$OBJMEM" merge --expect many "$s1" -o "$TMP/nope.json"
expect_err "--expect takes a whole number from 1 to 1000000, not 'many'"
pass "merge --expect: not a shard, another N, another matrix: exit 2, nothing written"

# ---- trend -----------------------------------------------------------

expect_exit 0 "$OBJMEM" trend "$new" "$base" --count 100k --format json
python3 - "$TMP/out" <<'EOF' || fail "trend json"
import json, sys
d = json.load(open(sys.argv[1]))
assert [f["x_label"] for f in d["files"]] == ["rev-1", "rev-2"], d["files"]
line = [l for l in d["lines"] if l["workload"] == "point3d"][0]
assert [p["verdict"] for p in line["points"]] == [None, "LARGER"], line
assert d["larger"] == 1
EOF
args=(--image png)
command -v gnuplot >/dev/null || args=(--scripts-only)
expect_exit 0 "$OBJMEM" trend "$base" "$new" -o "$TMP/trend" "${args[@]}"
grep -qE '^ *2 +rev-2 .* \+5\.00% +LARGER$' "$TMP/out" || { cat "$TMP/out"; fail "trend table"; }
for f in trend.dat trend.gp trend.md; do [ -s "$TMP/trend/$f" ] || fail "trend: no $f"; done
grep -q '^1 .* ok 1 "+5.0%"$' "$TMP/trend/trend.dat" || fail "trend.dat does not mark the step"
if command -v gnuplot >/dev/null; then
	[ -s "$TMP/trend/trend.png" ] || fail "trend: no png"
	(cd "$TMP/trend" && rm trend.png && gnuplot trend.gp) || fail "trend.gp does not stand alone"
	[ -s "$TMP/trend/trend.png" ] || fail "trend.gp alone made no png"
fi
pass "trend: the 5% step marked LARGER in the table, the data and the figure"
