#!/usr/bin/env bash
# The figures agree with the object layouts (README, "The figures explained"):
# at 1M objects, 3 repetitions, on every build found that has an expectation:
#   CPython 3.8+   slots     64 +/- 1   (16 header + 16 GC + 3 x 8 = 56 -> pymalloc 64)
#   CPython 3.11   point3d  112 +/- 1   (48-byte object + 64-byte values block)
#   CPython 3.12+  point3d   96 +/- 1   (inline values: 48 + 48-byte values)
#   CPython 2.7    point3d  356 +/- 4   (64 object + 288 malloc'ed dict chunk + pool overhead)
#   any CPython    record    48 +/- 1   (16 header + 3 x 8 = 40, no GC header -> 48)
# and the repetitions agree within 0.2%.
. "$(dirname "$0")/lib.sh"
# The C compiler's temporaries (objmem prepares `record` by building the
# extension) go under $TMP, not /tmp.
export TMPDIR=$TMP
out=$TMP/phys.json
args=(-i python3)
while read -r exe; do [ -n "$exe" ] && args+=(-i "$exe"); done < <(extra_interpreters)
expect_exit 0 "$OBJMEM" run "${args[@]}" -w slots,point3d,record -n 1M -r 3 -j 2 -o "$out" -q --no-table
python3 - "$out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
probes = {i["name"]: i.get("probe") or {} for i in doc["interpreters"]}
checked = 0
for row in doc["summary"]:
    p = probes[row["interpreter"]]
    bpo = row["bytes_per_object"]
    if p.get("implementation") != "cpython" or p.get("debug") or not bpo:
        continue
    v = tuple(p["version_info"][:2])
    w = row["workload"]
    want = None
    if w == "slots" and v >= (3, 8):
        want = (64, 1)
    elif w == "point3d" and v == (3, 11):
        want = (112, 1)
    elif w == "point3d" and v >= (3, 12):
        want = (96, 1)
    elif w == "point3d" and v == (2, 7):
        want = (356, 4)
    elif w == "record":
        want = (48, 1)
    spread = (bpo["max"] - bpo["min"]) / bpo["median"] * 100
    print("%-18s %-8s %7.2f B/object  spread %.4f%%%s" % (
        row["interpreter"], w, bpo["median"], spread,
        "  expected %d +/- %d" % want if want else ""))
    assert spread <= 0.2, "%s/%s: repetitions differ by %.3f%%" % (row["interpreter"], w, spread)
    if want:
        assert abs(bpo["median"] - want[0]) <= want[1], "%s/%s: %.2f, expected %d +/- %d" % (
            row["interpreter"], w, bpo["median"], want[0], want[1])
        checked += 1
assert checked >= 2, "nothing to check"
print("%d figures match their layout" % checked)
PY
pass "per-object figures match the layouts; repetitions within 0.2%"
