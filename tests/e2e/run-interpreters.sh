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

# A pyenv shim (a bash script running `pyenv exec`, 60 ms or more per start)
# is resolved to the executable it runs, once the probe has said which; the
# probe records the shim. Any other wrapper is run as given: it may set what
# the interpreter sees.
shim=$(command -v python3)
if head -c 300 "$shim" 2>/dev/null | grep -q pyenv && [[ $shim == */shims/* ]]; then
	expect_exit 0 "$OBJMEM" run -i "$shim" -w slots -n 1k -r 1 -o "$TMP/shim.json" -q --no-table --no-views
	python3 - "$TMP/shim.json" "$shim" <<'PY' || fail "the pyenv shim was not resolved to its executable"
import json, sys
it = json.load(open(sys.argv[1]))["interpreters"][0]
assert it["probe"]["resolved_from"] == sys.argv[2], it["probe"].get("resolved_from")
assert it["argv"][0] == it["probe"]["executable"] != sys.argv[2], it["argv"]
PY
	pass "a pyenv shim runs as the executable it starts (probe.resolved_from says which shim)"
else
	echo "skip: python3 is not a pyenv shim here: shim resolution not exercised"
fi
wrapper=$TMP/bin/python3-wrapped
mkdir -p "$TMP/bin"
printf '#!/bin/sh\n# a wrapper that is not pyenv'"'"'s\nexec python3 "$@"\n' >"$wrapper"
chmod +x "$wrapper"
expect_exit 0 "$OBJMEM" run -i "$wrapper" -w slots -n 1k -r 1 -o "$TMP/wrap.json" -q --no-table --no-views
python3 - "$TMP/wrap.json" "$wrapper" <<'PY' || fail "a wrapper that is not a pyenv shim was replaced"
import json, sys
it = json.load(open(sys.argv[1]))["interpreters"][0]
assert it["argv"][0] == sys.argv[2] and "resolved_from" not in it["probe"], (it["argv"], it["probe"].get("resolved_from"))
PY
pass "another wrapper is run as given"
