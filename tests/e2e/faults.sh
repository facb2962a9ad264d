#!/usr/bin/env bash
# A faulty child fails its own cell, with the reason in the results, and the
# run goes on: the other workload's cells are ok.
. "$(dirname "$0")/lib.sh"
# The segv fault must leave no core file behind: with a relative
# core_pattern it would land in the current directory (the repository under
# `make check`), with systemd-coredump or apport under /var.
ulimit -c 0
fake=$SRC/tests/fixtures/fake-python/fake-python
run_fault() { # FAULT EXPECTED_REASON [extra objmem args]
	local fault=$1 reason=$2; shift 2
	local out=$TMP/$fault.json
	expect_exit 1 "$OBJMEM" run --env FAKE_FAULT=$fault -i "$fake" -w point3d,slots -n 1k -r 1 -j 2 \
		-o "$out" -q -t 3 "$@"
	$CHECK "$out" schema
	$CHECK "$out" status point3d ok
	$CHECK "$out" status slots failed "$reason"
	pass "$fault: '$reason'"
}
run_fault not-protocol "not a protocol line"
run_fault bad-phase "expected phase 'start', got 'full'"
run_fault bad-json "not valid JSON"
run_fault exit "exited with status 3"
run_fault hang "timeout"
run_fault segv "killed by signal 11"
run_fault flood-stdout "longer than"

# a child gets fds 0, 1 and 2 only, even when objmem inherited more
out=$TMP/fds.json
exec 7</dev/null
expect_exit 1 "$OBJMEM" run --env FAKE_FAULT=fds -i "$fake" -w slots -n 1k -r 1 -o "$out" -q
exec 7<&-
$CHECK "$out" status slots failed "fds 0,1,2,3"
pass "children get stdin, stdout and stderr only"

# an executable the kernel cannot run, named with -i: failed with the exec error, exit 1
printf 'garbage' > "$TMP/badexec"; chmod +x "$TMP/badexec"
expect_exit 1 "$OBJMEM" run -i "$TMP/badexec" -w slots -n 1k -o "$TMP/bad.json" -q
grep -q "Exec format error" "$TMP/bad.json" || fail "exec failure not reported"
pass "exec failure reported through the close-on-exec pipe"

# the conditions of a run reach the child and are recorded
out=$TMP/cond.json
expect_exit 1 "$OBJMEM" run --env FAKE_FAULT=conditions -i "$fake" -w slots -n 1k -r 1 -o "$out" -q \
	--no-thp --cpu 0 --malloc-arena-max 2
$CHECK "$out" status slots failed "THP_enabled=0 cpus=0 arena=2 hashseed=0 persona=00040000"
[ "$($CHECK "$out" field config.thp_disabled_in_child)" = true ] || fail "config lacks thp"
[ "$($CHECK "$out" field config.cpu)" = 0 ] || fail "config lacks cpu"
[ "$($CHECK "$out" field config.malloc_arena_max)" = 2 ] || fail "config lacks the arena cap"
[ "$($CHECK "$out" field config.aslr_disabled_in_child)" = true ] || fail "config lacks the fixed layout"
expect_exit 1 "$OBJMEM" run --env FAKE_FAULT=conditions -i "$fake" -w slots -n 1k -r 1 -o "$out" -q --aslr
$CHECK "$out" status slots failed "THP_enabled=1"
$CHECK "$out" status slots failed "persona=00000000"
[ "$($CHECK "$out" field config.aslr_disabled_in_child)" = false ] || fail "--aslr is not recorded"
pass "--no-thp, --cpu, --malloc-arena-max, addresses not randomized (and --aslr) reach the child and the results"

# the child's environment is the same wherever objmem runs: of the caller's
# only PATH, HOME and TMPDIR here (CC and LD_LIBRARY_PATH unset), not a Slurm job's
# variables, PYTHONPATH or LANG; then --env; then objmem's own
out=$TMP/env.json
expect_exit 1 env -u CC -u LD_LIBRARY_PATH SLURM_JOB_ID=7 SLURM_NODELIST=n1 LANG=de_DE.UTF-8 \
	PYTHONPATH=/x KEEP_ME=1 CARRIED=yes "$OBJMEM" run --env FAKE_FAULT=env --env CARRIED \
	--env EXTRA=1 -i "$fake" -w slots -n 1k -r 1 -o "$out" -q
$CHECK "$out" status slots failed
# (a pyenv shim or a shell between the fake and python may add its own)
got=,$($CHECK "$out" field cells.0.stderr_tail | sed -nE 's/^"?env ([A-Za-z0-9_,]*)\..*/\1/p'),
for name in CARRIED EXTRA FAKE_FAULT HOME LC_ALL OBJMEM_CACHE PATH PYTHONDONTWRITEBYTECODE \
	PYTHONHASHSEED PYTHONUNBUFFERED; do
	[[ $got == *",$name,"* ]] || fail "the child lacks $name: $got"
done
for name in SLURM_JOB_ID SLURM_NODELIST LANG PYTHONPATH KEEP_ME; do
	[[ $got != *",$name,"* ]] || fail "the child was given the caller's $name: $got"
done
[ "$($CHECK "$out" field config.env)" = '["FAKE_FAULT=env", "CARRIED=yes", "EXTRA=1"]' ] ||
	fail "config.env is not what --env gave: $($CHECK "$out" field config.env)"
$CHECK "$out" field config.child_env | grep -qE "^\"?only PATH, HOME, TMPDIR, LD_LIBRARY_PATH and CC from" ||
	fail "config.child_env does not say what the children were given"
expect_exit 2 "$OBJMEM" run --env PYTHONMALLOC=malloc -i "$fake" -w slots -n 1k -o "$TMP/e.json" -q
expect_err "--env PYTHONMALLOC: it makes another build of the interpreter: write a definition"
expect_exit 2 env -u OBJMEM_NOT_SET_X "$OBJMEM" run --env NOT_SET_X -i "$fake" -w slots -n 1k -o "$TMP/e.json" -q
expect_err "--env NOT_SET_X: it is not set here; give its value (--env NOT_SET_X=VALUE)"
expect_exit 2 "$OBJMEM" run --env A=1 --env A=2 -i "$fake" -w slots -n 1k -o "$TMP/e.json" -q
expect_err "--env A is given twice: give it once"
pass "the child's environment: PATH, HOME and TMPDIR of the caller's, --env, objmem's own; recorded; bad --env named"

# stderr flooding is drained: the cell still measures, and is ok
out=$TMP/flood-stderr.json
expect_exit 0 "$OBJMEM" run --env FAKE_FAULT=flood-stderr -i "$fake" -w point3d,slots -n 1k -r 1 -o "$out" -q -t 30
$CHECK "$out" all-ok
pass "flood-stderr: drained, cells ok"

# a grandchild left behind is killed with the child's process group
out=$TMP/grandchild.json
expect_exit 0 "$OBJMEM" run --env FAKE_FAULT=grandchild -i "$fake" -w slots -n 1k -r 1 -o "$out" -q -t 30
sleep 0.5
if pgrep -f "fake-python .* run slots" >/dev/null; then fail "a grandchild outlived its cell"; fi
pass "grandchild killed with the process group"

# memory cap: 1M point3d objects need ~100 MB; a 40M cap kills the cell
out=$TMP/cap.json
expect_exit 1 "$OBJMEM" run -i python3 -w point3d -n 1M -r 1 -o "$out" -q --max-memory 40M
$CHECK "$out" status point3d failed "max-memory"
pass "max-memory kills the cell"

# an executable that is not Python, named with -i: its cell failed with the
# probe's reason (a broken build fails the run), exit 1
out=$TMP/notpy.json
expect_exit 1 "$OBJMEM" run -i /bin/true -w slots -n 1k -r 1 -o "$out" -q
expect_err "cannot run: /bin/true: probe failed"
$CHECK "$out" status slots failed "probe failed"
pass "not a Python, named: failed with the probe's reason"

# workloads that misbehave fail their own cell only (-w takes a file path)
wl=$SRC/tests/fixtures/workloads
out=$TMP/workloads.json
expect_exit 1 "$OBJMEM" run -i python3 -w slots,"$wl/raises.py","$wl/prints.py","$wl/hangs.py" -n 1k -r 1 -j 2 \
	-o "$out" -q -t 3
$CHECK "$out" status slots ok
$CHECK "$out" status raises failed "ValueError: workload gave up at object 500"
$CHECK "$out" status prints ok
$CHECK "$out" status hangs failed "timeout"
python3 - "$out" <<'PY'
import json, sys
cells = {c["workload"]: c for c in json.load(open(sys.argv[1]))["cells"]}
tail = cells["raises"]["stderr_tail"] or ""
assert "Traceback" in tail and "raises.py" in tail, "traceback not kept: %r" % tail
PY
pass "a raising workload fails with its traceback kept; one printing protocol text on stdout is ok; a hanging one times out"

# Children stay inside their limits (issue 11), with a cgroup per cell where
# objmem can make one ("auto"; on a hybrid machine the memory limit is a
# cgroup v1 one) and without (OBJMEM_CGROUP=off: process tree, subreaper,
# RSS checks). The run must say which limit held --max-memory.
for mode in auto off; do
	# a setsid grandchild and a double-forked daemon outlive neither cell nor run
	mark=objmem-e2e-detached-$mode-$$
	out=$TMP/detached-$mode.json
	OBJMEM_CGROUP=$mode expect_exit 0 "$OBJMEM" run --env DETACH_MARK=$mark -i python3 \
		-w "$wl/detaches.py",slots -n 1k -r 2 -j 2 -o "$out" -q --no-table
	$CHECK "$out" all-ok
	[ "$($CHECK "$out" field config.memory_limit)" = null ] || fail "a memory limit without --max-memory"
	if pgrep -f "$mark" >/dev/null; then
		pgrep -af "$mark" >&2
		fail "OBJMEM_CGROUP=$mode: a detached process outlived the run"
	fi
	pass "OBJMEM_CGROUP=$mode: no setsid grandchild or daemon outlives its run"

	# 2 GB in setup() under --max-memory 200M: held from the start, not only in the fill
	out=$TMP/hog-$mode.json
	OBJMEM_CGROUP=$mode expect_exit 1 "$OBJMEM" run -i python3 -w "$wl/allocates_2g.py" -n 1k -r 1 \
		-o "$out" -q --no-table --max-memory 200M -t 120
	limit=$($CHECK "$out" field config.memory_limit)
	case "$mode:$limit" in
	"auto:cgroup memory.max"|"auto:cgroup v1 memory.limit_in_bytes")
		$CHECK "$out" status allocates_2g failed \
			"killed by the kernel's OOM killer at --max-memory 200 MiB ($limit) before 'base'" ;;
	*":rss checks")
		$CHECK "$out" status allocates_2g failed "exceeded --max-memory (200 MiB)" ;;
	*) fail "OBJMEM_CGROUP=$mode: config.memory_limit is '$limit'" ;;
	esac
	pass "OBJMEM_CGROUP=$mode: 2 GB in setup() under --max-memory 200M: failed, held by $limit"
done

# an exception message, skip reason or note of any length reaches the results, cut and marked
out=$TMP/long.json
expect_exit 1 "$OBJMEM" run -i python3 -w "$wl/raises_long.py,$wl/skips_long.py,$wl/notes_long.py" \
	-n 1k -r 1 -o "$out" -q --no-table -t 60
$CHECK "$out" status raises_long failed "the workload raised: ValueError: xxxx"
$CHECK "$out" status raises_long failed "… [truncated, 1000012 bytes]"
$CHECK "$out" status skips_long skipped "… [truncated, 300000 bytes]"
$CHECK "$out" status notes_long ok
python3 - "$out" <<'PY'
import json, sys
cells = {c["workload"]: c for c in json.load(open(sys.argv[1]))["cells"]}
note = cells["notes_long"]["note"]
assert note.startswith("zzzz") and note.endswith("… [truncated, 200000 bytes]"), note[-60:]
for w in ("raises_long", "skips_long"):
    assert len(cells[w]["reason"]) < 8000, (w, len(cells[w]["reason"]))
PY
pass "a 1 MB exception message, a 300 kB skip reason and a 200 kB note: cut, marked, no protocol error"
