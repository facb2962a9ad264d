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

"$OBJMEM" run --help | grep -q "tries (the three phone-route tries" || fail "--help does not list the tries preset"
pass "--preset tries is listed"
