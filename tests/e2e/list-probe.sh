#!/usr/bin/env bash
# objmem list and objmem interpreters probe: what a run can use, and why not.
. "$(dirname "$0")/lib.sh"
expect_exit 0 "$OBJMEM" list workloads
for w in point3d slots namedtuple record largeints dict tuple dataclass dataclass-slots; do
	grep -q "^$w " "$TMP/out" || fail "list workloads lacks $w"
done
pass "list workloads names every workload"

expect_exit 0 "$OBJMEM" interpreters probe python3
python3 - "$TMP/out" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
assert isinstance(a, list) and len(a) == 1, "one JSON array, one entry per build named"
d = a[0]
p = d["probe"]
for k in ("implementation", "version", "pointer_bits", "debug", "allocator", "gil_disabled",
          "compiler", "configure_args", "getsizeof_works", "layout"):
    assert k in p, "probe lacks %s" % k
assert p["implementation"] == "cpython" and p["pointer_bits"] == 64 and p["getsizeof_works"] is True
print("probe:", d["name"], p["version"], p["allocator"])
PY
pass "interpreters probe python3 gives every field"

# a definition that is not installed is listed with how to get it
defs=$TMP/defs; mkdir -p "$defs"
printf '{"name": "ghost-3.99", "argv": ["/nonexistent/python3.99"], "provision": "cpython-3.99"}\n' > "$defs/ghost.json"
OBJMEM_INTERPRETERS=$defs expect_exit 0 "$OBJMEM" list interpreters
grep -q "ghost-3.99.*not installed.*provision cpython-3.99" "$TMP/out" || { cat "$TMP/out"; fail "missing definition not explained"; }
# the repository's python3-malloc differs from python3 only by PYTHONMALLOC=malloc
grep -q "^python3-malloc .* malloc" "$TMP/out" || { cat "$TMP/out"; fail "an env-only variant is not its own interpreter"; }
pass "list interpreters: missing builds say how to get them; env variants are their own rows"

# the same build under two names is measured once, with a warning
printf '{"name": "twin", "argv": ["python3"]}\n' > "$defs/twin.json"
printf '{"name": "twin2", "argv": ["python3"]}\n' > "$defs/twin2.json"
OBJMEM_INTERPRETERS=$defs expect_exit 0 "$OBJMEM" run -i twin -i twin2 -w slots -n 1k -r 1 -o "$TMP/t.json" -q
expect_err "is the same build as 'twin'"
[ "$($CHECK "$TMP/t.json" field interpreters | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] \
	|| fail "a duplicate build was measured twice"
pass "duplicate definitions: reported and measured once"
