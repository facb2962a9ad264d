#!/usr/bin/env bash
# A small matrix on the system python3: exit 0, a results file with every
# field of the schema, 2 workloads x 2 counts x 2 repetitions = 8 ok cells,
# slots cheaper than point3d, show prints the article's table.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
out=$TMP/basic.json
expect_exit 0 "$OBJMEM" run -i python3 -w point3d,slots -n 1k,100k -r 2 -j 2 -o "$out" -q
$CHECK "$out" schema
$CHECK "$out" cells 8
$CHECK "$out" all-ok
$CHECK "$out" less slots point3d 100000
pass "schema, 8 ok cells, slots < point3d"

# the slope of the fit is the per-object cost; R^2 near 1
slope=$($CHECK "$out" field fits.0.slope)
r2=$($CHECK "$out" field fits.0.r2)
python3 -c "import sys; s,r=float('$slope'),float('$r2'); sys.exit(0 if s>20 and r>0.99 else 1)" \
	|| fail "fit slope $slope r2 $r2"
pass "fit slope $slope, R^2 $r2"

expect_exit 0 "$OBJMEM" show "$out"
for word in Count AbsoluteUsage Delta "Bytes per object"; do
	grep -q "$word" "$TMP/out" || fail "show output lacks '$word'"
done
pass "show prints Count / AbsoluteUsage / Delta and bytes per object"

for f in markdown csv json; do
	expect_exit 0 "$OBJMEM" show --format $f "$out"
	[ -s "$TMP/out" ] || fail "show --format $f printed nothing"
done
python3 -c "import json,sys; json.load(open('$TMP/out'))" || fail "show --format json is not JSON"
pass "show formats"
