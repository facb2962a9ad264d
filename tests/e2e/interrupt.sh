#!/usr/bin/env bash
# Interruption: SIGINT stops cleanly and keeps every finished cell; --resume
# runs exactly the missing cells; a second run on the same file is refused
# (lock); SIGKILL of objmem leaves the last results file readable and no
# child or grandchild behind.
. "$(dirname "$0")/lib.sh"
fake=$SRC/tests/fixtures/fake-python/fake-python
out=$TMP/int.json
args=(-i python3 -w point3d,slots -n 1k,300k -r 3 -j 1 -o "$out")

"$OBJMEM" run "${args[@]}" >"$TMP/run1.out" 2>"$TMP/run1.err" &
pid=$!
# wait until a few cells are in the file, then interrupt
for _ in $(seq 1 200); do
	n=$(python3 -c "import json;print(len(json.load(open('$out'))['cells']))" 2>/dev/null || echo 0)
	[ "$n" -ge 4 ] && break
	sleep 0.05
done
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
[ $rc -eq 130 ] || { cat "$TMP/run1.err"; fail "SIGINT: exit $rc, expected 130"; }
grep -q "resume" "$TMP/run1.err" || fail "SIGINT: no hint to --resume"
kept=$(python3 -c "import json;print(len(json.load(open('$out'))['cells']))")
[ "$kept" -ge 4 ] && [ "$kept" -lt 12 ] || fail "SIGINT: $kept cells kept, expected 4..11"
$CHECK "$out" all-ok
$CHECK "$out" schema
pass "SIGINT: exit 130, $kept finished cells kept, all ok"

expect_exit 0 "$OBJMEM" run "${args[@]}" --resume
$CHECK "$out" cells 12
$CHECK "$out" all-ok
missing=$((12 - kept))
grep -q "\[$missing/$missing\]" "$TMP/err" || { cat "$TMP/err"; fail "resume did not run exactly $missing cells"; }
pass "--resume ran exactly the $missing missing cells"

# lock: a run holds the file; a second one on it is refused
FAKE_FAULT=hang "$OBJMEM" run -i "$fake" -w slots -n 1k -r 1 -t 20 -o "$TMP/locked.json" -q &
holder=$!
for _ in $(seq 1 100); do [ -e "$TMP/locked.json.lock" ] && break; sleep 0.05; done
expect_exit 2 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o "$TMP/locked.json" -q
expect_err "is being written by another objmem run"
kill -INT $holder; wait $holder || true
pass "a second run on the same file is refused"

# SIGKILL: the file stays readable, nothing outlives objmem
out=$TMP/kill.json
# unusual counts tell this run's processes from any other on the machine
FAKE_FAULT=grandchild FAKE_WORKLOAD=point3d "$OBJMEM" run -i "$fake" -w slots,point3d -n 1013,2000003 -r 2 -j 2 \
	-o "$out" -q >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do
	pgrep -f "fake-python .*run point3d 2000003" >/dev/null && break
	sleep 0.05
done
sleep 0.3
kill -KILL $pid
wait $pid 2>/dev/null || true
sleep 1
if pgrep -f "agent.py run (slots|point3d) (1013|2000003)" >/dev/null; then
	pgrep -af "agent.py run (slots|point3d) (1013|2000003)" >&2 || true
	fail "SIGKILL: a child or grandchild outlived objmem"
fi
if [ -e "$out" ]; then $CHECK "$out" schema; fi
pass "SIGKILL: no child left, results file readable"
