#!/usr/bin/env bash
# -j 2 gives the same per-object figures as -j 1: memory is sampled per
# process, so parallel cells do not disturb each other.
. "$(dirname "$0")/lib.sh"
for j in 1 2; do
	expect_exit 0 "$OBJMEM" run -i python3 -w point3d,slots -n 200k -r 2 -j $j -o "$TMP/j$j.json" -q
done
python3 - "$TMP/j1.json" "$TMP/j2.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda r: (r["interpreter"], r["workload"], r["count"])
sa = {key(r): r["bytes_per_object"]["median"] for r in a["summary"]}
sb = {key(r): r["bytes_per_object"]["median"] for r in b["summary"]}
assert sa.keys() == sb.keys()
for k in sa:
    d = abs(sa[k] - sb[k]) / sa[k] * 100
    print("%s: -j1 %.2f  -j2 %.2f  (%.3f%%)" % (k, sa[k], sb[k], d))
    assert d < 0.5, "differs by %.3f%%" % d
PY
$CHECK "$TMP/j2.json" spread 0.5
pass "-j1 and -j2 agree within 0.5%, repetitions within 0.5% under -j2"
