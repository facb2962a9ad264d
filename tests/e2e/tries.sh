#!/usr/bin/env bash
# The trie workloads of the Pympler seed (003): one phone route added per
# object to a trie of nested dicts (trie-dict), of __slots__ nodes with a
# children dict (trie-slots), and of __slots__ nodes with a children list
# indexed through one shared map (trie-mapped).
# Expected, on the system python3 at 100k routes:
#  - the route list is what _routes.py says: route(0) is '+120000000', every
#    route different, prefixes shared (about 1.11 trie nodes per route);
#  - each step saves: trie-dict > trie-slots > trie-mapped per route, and
#    trie-mapped costs at most half of trie-dict (the seed's "from around
#    3 GB to 1.5 GB", which it reached with these two steps);
#  - trie-mapped is explained by its layout on CPython 3.8+ with pymalloc:
#    a leaf node (__slots__ children and value: 48 bytes) and its cost (a
#    float: 24, served as 32), plus a tenth of a parent node and its list of
#    11 places (48 + 64 + 11 x 8 -> 96), plus the levels above, within 5%;
#  - under glibc's malloc (python3 with PYTHONMALLOC=malloc, 200k routes):
#    the kernel's figure is malloc's own count (in use + free in its bins,
#    read by the agent at base and full) within a byte a route; in use is
#    at least the allocator figure; trie-dict keeps 20 B a route or more of
#    freed dict tables in its bins, trie-slots and plain slots none;
#  - --preset tries runs the three at 10k, 100k and 1M (checked with -n).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"

python3 - "$SRC/workloads" <<'PY' || fail "the route list is not what _routes.py says"
import sys
sys.path.insert(0, sys.argv[1])
from _routes import route
assert route(0) == "+120000000", route(0)
assert route(123456) == "+120123456", route(123456)
routes = [route(i) for i in range(100000)]
assert len(set(routes)) == len(routes), "two routes are the same"
prefixes = set()
for r in routes:
    for k in range(1, len(r) + 1):
        prefixes.add(r[:k])
nodes_per_route = len(prefixes) / float(len(routes))
assert 1.10 < nodes_per_route < 1.12, nodes_per_route
PY
pass "routes: distinct, shared prefixes, about 1.11 nodes per route"

out=$TMP/tries.json
expect_exit 0 "$OBJMEM" run -p tries -i python3 -n 100k -r 1 -j 2 -o "$out" -q --no-table
$CHECK "$out" all-ok
$CHECK "$out" cells 3
$CHECK "$out" less trie-slots trie-dict 100000
$CHECK "$out" less trie-mapped trie-slots 100000
python3 - "$out" <<'PY' || fail "the tries do not cost what their layout says"
import json, statistics, sys
doc = json.load(open(sys.argv[1]))
bpo = {}
for c in doc["cells"]:
    full, base = c["samples"]["full"], c["samples"]["base"]
    owned = lambda s: s["uss"] - s.get("private_clean", 0)
    bpo[c["workload"]] = (owned(full) - owned(base)) / float(c["count"])
print("bytes per route at 100k: " + ", ".join("%s %.1f" % kv for kv in sorted(bpo.items())))
assert bpo["trie-mapped"] <= 0.5 * bpo["trie-dict"], bpo
probe = doc["interpreters"][0]["probe"]
version = tuple(int(x) for x in probe["version"].split(".")[:2])
if probe["implementation"] == "cpython" and version >= (3, 8) and probe.get("allocator") == "pymalloc" \
        and not probe.get("debug") and not probe.get("gil_disabled"):
    # leaf 48 + float 32; parent (1/10): node 48 + list 64 + items 96; level above (1/100) the same
    predicted = 48 + 32 + (48 + 64 + 96) / 10.0 + (48 + 64 + 96) / 100.0
    assert abs(bpo["trie-mapped"] - predicted) <= 0.05 * predicted, (bpo["trie-mapped"], predicted)
    print("trie-mapped %.1f against %.1f from the layout" % (bpo["trie-mapped"], predicted))
PY
pass "each step of the seed saves; trie-mapped is half of trie-dict or less"

# Under glibc's malloc (python3-malloc: PYTHONMALLOC=malloc) the tries cost
# more than the allocator figure (tracemalloc's requests in glibc's chunks):
# malloc's own count, which the agent reads at base and full, says where it
# goes, and with it the kernel is explained within a byte a route.
gm=$TMP/glibc.json
expect_exit 0 "$OBJMEM" run -w trie-dict,trie-slots,slots -i python3-malloc -n 200k -r 1 -o "$gm" -q --no-table
"$OBJMEM" show --explain --format json "$gm" >"$TMP/gm-explain.json"
python3 - "$gm" "$TMP/gm-explain.json" <<'PY' || fail "malloc's own count does not explain the tries under glibc"
import json, sys
doc = json.load(open(sys.argv[1]))
rows = dict((r["workload"], r) for r in json.load(open(sys.argv[2])))
if not any(c.get("malloc") for c in doc["cells"]):
    print("skip: the agent could not count malloc here (no glibc mallinfo2): "
          + (doc["machine"].get("glibc") or "no glibc"))
    sys.exit(0)
for w, r in sorted(rows.items()):
    inuse, free, kernel, alloc = r["malloc_in_use"], r["malloc_free"], r["kernel"], r["allocator"]
    print("%s at 200k: kernel %.1f = in use %.1f + free in bins %.1f (%+.1f); allocator figure %.1f"
          % (w, kernel, inuse, free, kernel - inuse - free, alloc))
    assert abs(kernel - inuse - free) <= 1, (w, "the kernel is not malloc's count", r)
    assert inuse >= alloc - 0.5, (w, "less in use than the allocator figure", r)
    assert "malloc's own count" in r["steps"], r["steps"]
# the dicts that grew leave their old tables in malloc's bins: most of the
# nested-dict trie's residual; the slots trie and plain slots leave none
assert rows["trie-dict"]["malloc_free"] >= 20, rows["trie-dict"]
# (less free than at base where start-up's free chunks were reused)
assert rows["slots"]["malloc_free"] <= 1 and rows["trie-slots"]["malloc_free"] <= 1, rows
PY
pass "under glibc malloc the tries' residual is malloc's own count: chunks larger than asked, freed tables in its bins"

# the whole text first: grep -q stops reading at its match, and under
# pipefail objmem's write into the closed pipe would fail the line
help=$("$OBJMEM" run --help)
grep -q "tries (the three phone-route tries" <<<"$help" || fail "--help does not list the tries preset"
pass "--preset tries is listed"

# a workload parameter: the tries' alphabet, on the command line and in the results
python3 - "$SRC/workloads" <<'PY' || fail "route(i, alphabet) is not what _routes.py says"
import sys
sys.path.insert(0, sys.argv[1])
from _routes import route
assert route(5, "01") == "+12000" + "00000000000101", route(5, "01")   # 14 binary symbols
assert len({route(i, "01") for i in range(20000)}) == 20000
assert route(123456, "0123456789") == route(123456)
PY
bin=$TMP/binary.json
expect_exit 0 "$OBJMEM" run -w trie-dict,trie-mapped,slots -i python3 -n 10k -r 1 -o "$bin" -q --no-table \
	--no-views --param alphabet=01
$CHECK "$bin" all-ok
[ "$($CHECK "$bin" field config.params.0)" = alphabet=01 ] || fail "config.params does not record --param"
python3 - "$out" "$bin" <<'PY' || fail "a binary alphabet did not make the tries deeper"
import json, sys
def bpo(path, w):
    for c in json.load(open(path))["cells"]:
        if c["workload"] == w and c["count"] == 10000:
            owned = lambda s: s["uss"] - s.get("private_clean", 0)
            return (owned(c["samples"]["full"]) - owned(c["samples"]["base"])) / 1e4
# 14 binary levels under the area instead of 4 decimal ones: more nodes per route
assert bpo(sys.argv[2], "trie-mapped") > 1.5 * 103, bpo(sys.argv[2], "trie-mapped")
print("trie-mapped at 10k, alphabet 01: %.1f B/route" % bpo(sys.argv[2], "trie-mapped"))
PY
expect_exit 2 "$OBJMEM" run -w slots -i python3 -n 1k -r 1 -o "$TMP/x.json" -q --param alphabet=01
expect_err "--param alphabet: no workload of this run takes it"
expect_exit 2 "$OBJMEM" run -w trie-dict -i python3 -n 1k -r 1 -o "$TMP/x.json" -q --param alfabet=01
expect_err "(trie-dict alphabet)"
expect_exit 2 "$OBJMEM" run -w trie-dict -i python3 -n 1k -o "$TMP/x.json" -q --param 'no name'
expect_err "--param takes NAME=VALUE"
expect_exit 1 "$OBJMEM" run -w trie-dict -i python3 -n 1k -r 1 -o "$TMP/x.json" -q --no-table --no-views \
	--param alphabet=0
grep -q "give two or more different symbols" "$TMP/x.json" || fail "a bad alphabet's reason is not in the results"
expect_exit 2 "$OBJMEM" run --resume -w trie-dict,trie-mapped,slots -i python3 -n 10k -r 1 -o "$bin" -q \
	--param alphabet=012
expect_err "it was run with other --param values"
# the failed cell of the bad alphabet runs again with the file's own --param
expect_exit 1 "$OBJMEM" run --resume -o "$TMP/x.json" -q --no-table --no-views
[ "$($CHECK "$TMP/x.json" field config.params.0)" = alphabet=0 ] || fail "--resume lost the file's --param"
grep -q "give two or more different symbols" "$TMP/x.json" || fail "--resume ran without the file's --param"
pass "--param alphabet=01: recorded, deeper tries; unknown, malformed and bad values said; --resume keeps it"
