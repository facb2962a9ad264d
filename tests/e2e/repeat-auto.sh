#!/usr/bin/env bash
# run -r auto: adaptive repetitions. Each row (interpreter, workload, count)
# runs 2 cells, then one more at a time up to 5 until two of its ok cells
# grew by the same bytes within one page.
# Expected:
#  - config records repeat 5, repeat_min 2 and the rule in words;
#  - every row holds 2 to 5 cells; a row stopped before 5 has two cells that
#    agree within a page, and its cells but the last had none (it stopped as
#    soon as it could); a row of 5 had no agreeing pair in its first 4;
#  - a workload whose runs never agree (noisy.py: its first object is a
#    random number of 8 KB blocks) runs more than 2 cells a row; the
#    summary says how many repetitions were not run;
#  - --shard K/3 deals whole rows to one shard; merge --expect 3 of the 3
#    shards says whole;
#  - --resume without the matrix of a file run with a workload file: exit 2,
#    named; --resume of a whole file runs nothing and exits 0, untouched;
#    with a row's later cells removed, it runs them again under the rule;
#  - a bad -r value is named (exit 2).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
cd "$TMP"
PY=$(command -v python3)
NOISY=$SRC/tests/fixtures/workloads/noisy.py

# check FILE: the rule held for every row; prints "ROWS CELLS NOISY_MIN"
check() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["config"]
assert (c["repeat"], c["repeat_min"]) == (5, 2), (c["repeat"], c["repeat_min"])
assert "within one page" in c["repeat_rule"], c["repeat_rule"]
page = d["machine"]["page_size"]
rows = {}
for x in d["cells"]:
    assert x["status"] == "ok", x
    rows.setdefault((x["interpreter"], x["workload"], x["count"]), []).append(x)
def grown(x):
    s = x["samples"]
    own = lambda p: s[p]["uss"] - s[p]["private_clean"]
    return own("full") - own("base")
def agree(cells):
    g = [grown(x) for x in cells]
    return any(abs(a - b) <= page for i, a in enumerate(g) for b in g[i + 1:])
noisy = []
for k, cells in sorted(rows.items()):
    cells.sort(key=lambda x: x["repeat"])
    n = len(cells)
    assert [x["repeat"] for x in cells] == list(range(1, n + 1)), (k, [x["repeat"] for x in cells])
    assert 2 <= n <= 5, (k, n)
    if n < 5:
        assert agree(cells), "%s stopped at %d without two agreeing" % (k, n)
    if n > 2:
        assert not agree(cells[:-1]), "%s ran %d though its first %d agreed" % (k, n, n - 1)
    if k[1] == "noisy":
        noisy.append(n)
print(len(rows), len(d["cells"]), min(noisy) if noisy else 0)
PY
}

expect_exit 0 "$OBJMEM" run -i "$PY" -w "$NOISY",point3d -n 10k,100k -r auto -j 2 -o a.json --no-table
read -r rows cells noisy_min <<<"$(check a.json)" || fail "the adaptive rule did not hold in a.json"
[ "$rows" -eq 4 ] || fail "$rows rows, not 4"
[ "$noisy_min" -ge 3 ] || fail "a row of noisy.py stopped at $noisy_min cells"
grep -qE "^[0-9]+ repetitions? (was|were) not run: " "$TMP/err" || [ "$cells" -eq 20 ] ||
	{ cat "$TMP/err"; fail "the summary does not say how many repetitions were not run"; }
grep -q "2 to 5 repetitions (auto)" "$TMP/err" || { cat "$TMP/err"; fail "the start line does not say auto"; }
pass "-r auto: $rows rows, $cells cells of at most 20; each row stopped as soon as two cells agreed within a page; noisy.py rows ran >= $noisy_min"

cp a.json a.orig
MATRIX=(-i "$PY" -w "$NOISY",point3d -n 10k,100k -r auto)
expect_exit 2 "$OBJMEM" run --resume -o a.json -q --no-table
expect_err "cannot resume 'a.json': its workload 'noisy' is not one objmem knows"
cmp -s a.json a.orig || fail "a refused resume changed the file"
expect_exit 0 "$OBJMEM" run --resume "${MATRIX[@]}" -o a.json -q --no-table
expect_err "nothing to run: 'a.json' holds every cell of its matrix"
cmp -s a.json a.orig || fail "a resume with nothing to run changed the file"
python3 - <<'PY'
import json
d = json.load(open("a.json"))
d["cells"] = [c for c in d["cells"] if c["repeat"] == 1]
json.dump(d, open("a.json", "w"))
PY
expect_exit 0 "$OBJMEM" run --resume "${MATRIX[@]}" -o a.json -q --no-table
read -r rows cells noisy_min <<<"$(check a.json)" || fail "the rule did not hold after --resume"
[ "$rows" -eq 4 ] && [ "$noisy_min" -ge 3 ] || fail "after --resume: $rows rows, noisy rows of $noisy_min"
pass "--resume: of a workload file without the matrix: refused (exit 2), named; a whole file runs nothing (exit 0, file untouched); rows cut to their first cell are run again under the rule ($cells cells)"

for k in 1 2 3; do
	expect_exit 0 "$OBJMEM" run -i "$PY" -w "$NOISY",point3d -n 1k,10k -r auto --shard $k/3 -o s$k.json -q --no-table
done
python3 - s1.json s2.json s3.json <<'PY' || fail "a row's cells were dealt to more than one shard"
import json, sys
seen = {}
for f in sys.argv[1:]:
    for c in json.load(open(f))["cells"]:
        k = (c["workload"], c["count"])
        assert seen.setdefault(k, f) == f, (k, seen[k], f)
assert len(seen) == 4, seen
PY
expect_exit 0 "$OBJMEM" merge --expect 3 s1.json s2.json s3.json -o m.json
grep -q "^whole: the 3 shards of 3" "$TMP/err" "$TMP/out" || { cat "$TMP/out" "$TMP/err"; fail "merge --expect 3 did not say whole"; }
check m.json >/dev/null || fail "the merged shards break the rule"
pass "--shard K/3 with -r auto: whole rows to one shard; merge --expect 3 says whole"

expect_exit 2 "$OBJMEM" run -i "$PY" -r often -o b.json
expect_err "--repeat takes a whole number from 1 to 1000, or auto, not 'often'"
[ ! -e b.json ] || fail "a bad -r wrote b.json"
pass "-r often: exit 2, named"
