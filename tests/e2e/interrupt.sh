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
for _ in $(seq 1 1200); do   # up to 60 s: cells start slowly on a busy machine
	n=$(cells_kept "$out")
	[ "$n" -ge 4 ] && break
	sleep 0.05
done
kill -INT $pid 2>/dev/null || { cat "$TMP/run1.err"; fail "the run ended before it could be interrupted ($n cells seen)"; }
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
"$OBJMEM" run --env FAKE_FAULT=hang -i "$fake" -w slots -n 1k -r 1 -t 20 -o "$TMP/locked.json" -q &
holder=$!
for _ in $(seq 1 100); do [ -e "$TMP/locked.json.lock" ] && break; sleep 0.05; done
expect_exit 2 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o "$TMP/locked.json" -q
expect_err "is being written by another objmem run"
kill -INT $holder; wait $holder || true
pass "a second run on the same file is refused"

# SIGKILL: the file stays readable, nothing outlives objmem
out=$TMP/kill.json
# unusual counts tell this run's processes from any other on the machine
"$OBJMEM" run --env FAKE_FAULT=grandchild --env FAKE_WORKLOAD=point3d -i "$fake" -w slots,point3d -n 1013,2000003 -r 2 -j 2 \
	-o "$out" -q >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 1200); do   # up to 60 s: cells start slowly on a busy machine
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

# SIGINT and SIGTERM stop objmem within a second wherever it waits: in a probe
# that hangs, in a prepare (extension build) that hangs, in a cell that hangs.
# Nothing it started is left (the hanging agent has a child of its own).
slow=$SRC/tests/fixtures/slow-python/slow-python
ms_now() { date +%s%3N; }
for at in probe prepare run; do
	for sig in INT TERM; do
		mark=objmem-e2e-slow-$at-$sig-$$
		out=$TMP/stop-$at.json
		# only a workload with a prepare step has one run (record builds its extension)
		wl=slots; [ "$at" != prepare ] || wl=record
		"$OBJMEM" run --env SLOW_AT=$at --env SLOW_MARK=$mark -i "$slow" -w $wl -n 1k -r 1 -o "$out" \
			>/dev/null 2>"$TMP/stop.err" &
		pid=$!
		for _ in $(seq 1 1200); do pgrep -f "^$mark" >/dev/null && break; sleep 0.05; done
		pgrep -f "^$mark" >/dev/null || { cat "$TMP/stop.err"; fail "$at: never reached the hang"; }
		t0=$(ms_now)
		kill -$sig $pid
		set +e; wait $pid; rc=$?; set -e
		took=$(( $(ms_now) - t0 ))
		[ $rc -eq 130 ] || { cat "$TMP/stop.err"; fail "SIG$sig in the $at: exit $rc, expected 130"; }
		[ $took -lt 1000 ] || fail "SIG$sig in the $at: exit took $took ms, expected < 1000"
		sleep 0.2
		if pgrep -f "$mark" >/dev/null; then fail "SIG$sig in the $at: a child was left"; fi
		pass "SIG$sig in a hanging $at: exit 130 in $took ms, nothing left"
	done
done

# the probe and the extension build honour --timeout (they had 60 and 300 s of their own)
for at in probe prepare; do
	mark=objmem-e2e-timeout-$at-$$
	t0=$(ms_now)
	set +e
	wl=slots; [ "$at" != prepare ] || wl=record
	"$OBJMEM" run --env SLOW_AT=$at --env SLOW_MARK=$mark -i "$slow" -w $wl -n 1k -r 1 -o "$TMP/t-$at.json" \
		-t 2 >/dev/null 2>"$TMP/t.err"
	set -e
	took=$(( $(ms_now) - t0 ))
	grep -q "no answer within 2 s" "$TMP/t.err" "$TMP/t-$at.json" 2>/dev/null ||
		{ cat "$TMP/t.err"; fail "the $at did not time out after -t 2"; }
	# 2 s, plus start-ups on a busy machine: far from 60 or 300
	[ $took -lt 40000 ] || fail "the $at with -t 2 took $took ms"
	if pgrep -f "$mark" >/dev/null; then fail "the timed-out $at left a child"; fi
	pass "a hanging $at gives up after -t 2 (run took $took ms)"
done

# SIGKILL of objmem while a workload's setsid grandchild and double-forked daemon
# live: with cgroups the guard kills the cell's cgroup; without, the guard kills
# what objmem had seen leave the group (child_watch, every quarter second)
for mode in auto off; do
for where in views cell; do
	# the workload detaches in its setup: in the views child (agent.py views,
	# a one-shot) or, with --no-views, in the cell
	extra=()
	[ $where = cell ] && extra=(--no-views)
	mark=objmem-e2e-killed-$mode-$where-$$
	OBJMEM_CGROUP=$mode "$OBJMEM" run --env DETACH_MARK=$mark --env DETACH_HANG=1 -i python3 \
		-w "$SRC/tests/fixtures/workloads/detaches.py" -n 1k -r 1 -o "$TMP/k-$mode.json" -q \
		"${extra[@]}" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 1 600); do pgrep -f "^$mark-daemon" >/dev/null && break; sleep 0.05; done
	pgrep -f "^$mark-daemon" >/dev/null || fail "OBJMEM_CGROUP=$mode: the workload never detached"
	sleep 2   # objmem sees what left its group every quarter second; a sanitizer build is slower
	kill -KILL $pid
	wait $pid 2>/dev/null || true
	for _ in $(seq 1 200); do pgrep -f "^$mark" >/dev/null || break; sleep 0.05; done
	if pgrep -f "^$mark" >/dev/null; then
		pgrep -af "^$mark" >&2
		fail "OBJMEM_CGROUP=$mode, in the $where: a detached process outlived a SIGKILLed objmem"
	fi
	pass "OBJMEM_CGROUP=$mode, in the $where: SIGKILL: no detached grandchild or daemon left"
done
done

# started with stdout and stderr closed: the table and the progress go nowhere,
# not into the lock file or the results file that took descriptors 1 and 2
out=$TMP/closed.json
"$OBJMEM" run --env FAKE_FAULT=hang -i "$fake" -w point3d,slots -n 1k -r 1 -j 1 -t 4 -o "$out" >&- 2>&- &
pid=$!
for _ in $(seq 1 400); do [ -s "$out.lock" ] && break; sleep 0.05; done
# descriptors 1 and 2 are /dev/null, not a file, pipe or socket objmem opened since
for fd in 1 2; do
	where=$(readlink "/proc/$pid/fd/$fd" || echo closed)
	[ "$where" = /dev/null ] || fail "stdout/stderr closed: objmem's fd $fd is $where, not /dev/null"
done
if [ -e "$out.lock" ]; then
	grep -qxE '[0-9]+' "$out.lock" || fail "stdout/stderr closed: the lock file holds: $(head -c 200 "$out.lock")"
fi
set +e; wait $pid; rc=$?; set -e
[ $rc -eq 1 ] || fail "stdout/stderr closed: exit $rc, expected 1 (the hanging cell failed)"
$CHECK "$out" schema
$CHECK "$out" status point3d ok
$CHECK "$out" status slots failed "timeout"
if grep -qE 'B/object|objmem:|wrote|Memory for' "$out"; then fail "stdout/stderr closed: progress or table in the results"; fi
if [ -e "$out.lock" ] && ! grep -qxE '[0-9]*' "$out.lock"; then fail "stdout/stderr closed: text in the lock file"; fi
pass "stdout and stderr closed: lock and results hold only what they should"
