#!/usr/bin/env bash
# Every interpreter found (system python3 always; pyenv builds and pypy3 when
# present): `slots` costs less than `point3d` per object on every CPython,
# and bytes/object for the slots class is what the layout predicts.
. "$(dirname "$0")/lib.sh"
args=(-i python3)
while read -r exe; do [ -n "$exe" ] && args+=(-i "$exe"); done < <(extra_interpreters)
out=$TMP/all.json
expect_exit 0 "$OBJMEM" run "${args[@]}" -w point3d,slots -n 100k -r 1 -o "$out" -q
$CHECK "$out" schema
$CHECK "$out" all-ok
python3 - "$out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
rows = {(r["interpreter"], r["workload"]): r for r in doc["summary"]}
n = 0
for it in doc["interpreters"]:
    p = it.get("probe") or {}
    if p.get("implementation") != "cpython":
        continue
    a, b = rows.get((it["name"], "slots")), rows.get((it["name"], "point3d"))
    x, y = a["bytes_per_object"]["median"], b["bytes_per_object"]["median"]
    print("%-22s slots %6.1f  point3d %6.1f" % (it["name"], x, y))
    assert x < y, "%s: slots %.1f not below point3d %.1f" % (it["name"], x, y)
    n += 1
assert n >= 1, "no CPython measured"
print("%d CPython builds: slots < point3d on each" % n)
PY
pass "slots < point3d on every CPython found (${#args[@]} args)"
