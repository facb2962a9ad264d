#!/usr/bin/env bash
# objmem list and objmem interpreters probe: what a run can use, and why not.
. "$(dirname "$0")/lib.sh"
expect_exit 0 "$OBJMEM" list workloads
for w in point3d slots namedtuple record largeints dict tuple dataclass dataclass-slots; do
	grep -q "^$w " "$TMP/out" || fail "list workloads lacks $w"
done
pass "list workloads names every workload"

# list workloads tells the truth: with no C compiler (and no build of it in
# the cache) the record extension cannot be built, so record cannot run on
# python3, and list says why
mkdir -p "$TMP/none"
CC=/nonexistent/cc OBJMEM_CACHE=$TMP/nocc-cache OBJMEM_INTERPRETERS=$TMP/none \
	expect_exit 0 "$OBJMEM" list workloads
grep -Eq "^record +python3 .*(no C compiler|cannot be built)" "$TMP/out" ||
	{ cat "$TMP/out"; fail "list workloads does not say record cannot run without a compiler"; }
pass "list workloads: record cannot run without a C compiler, and says why"

# ... and what it claims for python3 is what a run finds: every workload it
# lists as unable to run is skipped, every other one is measured
OBJMEM_INTERPRETERS=$TMP/none expect_exit 0 "$OBJMEM" list workloads
awk '/^cannot run here:/ { on = 1; next } on && $2 == "python3" { print $1 }' "$TMP/out" | sort > "$TMP/claimed"
OBJMEM_INTERPRETERS=$TMP/none expect_exit 0 "$OBJMEM" run -i python3 -n 1k -r 1 -j 2 -o "$TMP/all.json" -q --no-table
python3 - "$TMP/all.json" <<'PY' | sort > "$TMP/found"
import json, sys
for c in json.load(open(sys.argv[1]))["cells"]:
    if c["status"] == "skipped":
        print(c["workload"])
PY
diff "$TMP/claimed" "$TMP/found" >/dev/null ||
	{ echo "list says:"; cat "$TMP/claimed"; echo "run skipped:"; cat "$TMP/found"; fail "list workloads and run disagree on python3"; }
pass "list workloads and a run of every workload agree on python3 ($(wc -l < "$TMP/found") cannot run)"

expect_exit 0 "$OBJMEM" interpreters probe python3 python3-malloc
python3 -c 'import json,sys; a = json.load(open(sys.argv[1])); assert [d["name"] for d in a] == ["python3", "python3-malloc"], a' "$TMP/out" ||
	fail "interpreters probe A B is not one JSON array of A and B"
expect_exit 0 "$OBJMEM" interpreters probe --help
grep -q "^usage: objmem interpreters probe" "$TMP/out" || fail "interpreters probe --help is not help"
pass "interpreters probe A B: one array; probe --help: help"

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
