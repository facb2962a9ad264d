#!/usr/bin/env bash
# scripts/slurm on a real Slurm: a one-node cluster started here from
# Debian's munge, slurmctld and slurmd, private to this test (its own
# slurm.conf through SLURM_CONF and -f, free ports, state, spool, log and
# pid directories, its own munge key and socket), stopped by pid at the end.
# Expected:
#  - submit, shard.sbatch and merge.sbatch: --help, bad arguments named
#    (exit 2), RUN_OPTIONS that a shard sets refused, --dry-run's commands
#    (these run without Slurm too); the job scripts by hand: a shard whose
#    cells failed exits 0 (the verdict is the merge job's), merge.sbatch
#    joins two shards and runs 'trend --check' over a history;
#  - submit --shards 4 --array-cap 2 --pin --baseline UNSHARDED of a small
#    matrix (the system python3, 2 workloads x 2 counts x 2 repetitions):
#    4 array tasks, never more than 2 at once, each pinned, then the merge
#    job; every job COMPLETED 0:0, 'merge --expect 4' says whole, and
#    merged.json has exactly the cells of an unsharded run of the matrix,
#    each bytes-per-object figure within that row's repetitions' spread in
#    the unsharded run, or two pages over the count from it (each of the
#    two samples a figure subtracts may land a page either way);
#  - a partial night: one shard cannot write its file; its task FAILED 2:0,
#    the merge job still runs (afterany), names shard 2/4 and its cells
#    missing, writes the partial merged.json and exits 1; submitted again
#    with --only 2, shard 2 alone runs and the new merge job says whole.
# Skips (77) only where Slurm cannot start: its packages or root missing.
. "$(dirname "$0")/lib.sh"
started=$(date +%s)
SLURM_DIR=$SRC/scripts/slurm
PY=/usr/bin/python3
MATRIX=(-i "$PY" -w point3d,slots -n 10k,100k -r 2 -q --no-table)

# ---- the scripts' arguments (no Slurm needed) ------------------------

for s in submit shard.sbatch merge.sbatch; do
	expect_exit 0 "$SLURM_DIR/$s" --help
	grep -q "^usage: " "$TMP/out" || fail "$s --help prints no usage"
done
expect_exit 2 "$SLURM_DIR/submit" --results "$TMP/r"
expect_err "error: submit: give the number of shards with --shards N"
expect_exit 2 "$SLURM_DIR/submit" --shards 0 --results "$TMP/r"
expect_err "--shards takes a whole number from 1 to 1000, not '0'"
expect_exit 2 "$SLURM_DIR/submit" --shards 4 --array-cap 5 --results "$TMP/r"
expect_err "--array-cap takes a whole number from 1 to 4, not '5'"
expect_exit 2 "$SLURM_DIR/submit" --shards 4 --results "$TMP/r" --frobnicate
expect_err "unknown option '--frobnicate': objmem run's options go after --"
expect_exit 2 "$SLURM_DIR/submit" --shards 4 --results "$TMP/r" -- -w slots -o x.json
expect_err "RUN_OPTIONS may not give '-o': each shard writes DIR/shard-K-of-N.json"
expect_exit 2 "$SLURM_DIR/submit" --shards 4 --results "$TMP/r" -- --cpu=1
expect_err "use --pin"
expect_exit 2 "$SLURM_DIR/submit" --shards 4 --results "$TMP/r" --baseline "$TMP/none.json"
expect_err "cannot read the baseline '$TMP/none.json'"
expect_exit 2 env -u SLURM_ARRAY_TASK_ID "$SLURM_DIR/shard.sbatch" --shards 2 --results "$TMP/r" --objmem "$OBJMEM"
expect_err "SLURM_ARRAY_TASK_ID is not set"
expect_exit 2 env SLURM_ARRAY_TASK_ID=2 "$SLURM_DIR/shard.sbatch" --shards 2 --results "$TMP/r" --objmem "$OBJMEM"
expect_err "array task '2' is not one of 0..1: submit 2 shards with --array=0-1"
expect_exit 0 "$SLURM_DIR/submit" --shards 4 --array-cap 2 --pin --results "$TMP/r" --objmem "$OBJMEM" \
	--sbatch-arg=--time=10 --dry-run -- -w 'slots,point3d' --label 'rev 1'
grep -q -- "--array=0-3%2 .*--time=10\|--time=10 .*--array=0-3%2" "$TMP/out" || { cat "$TMP/out"; fail "dry run: no --array=0-3%2 with the sbatch arg"; }
grep -qF -- '--pin -- -w slots\,point3d --label rev\ 1' "$TMP/out" || { cat "$TMP/out"; fail "dry run: the run options are not passed as given"; }
grep -q -- "--dependency=afterany:ARRAY_JOB_ID .*merge.sbatch --shards 4" "$TMP/out" || fail "dry run: no merge job"
expect_exit 0 "$SLURM_DIR/submit" --shards 4 --only 4,2 --results "$TMP/r" --objmem "$OBJMEM" --dry-run
grep -qF -- '--array=3\,1 ' "$TMP/out" || { cat "$TMP/out"; fail "dry run: --only 4,2 is not --array=3,1"; }
expect_exit 2 "$SLURM_DIR/submit" --shards 4 --only 5 --results "$TMP/r" --dry-run
expect_err "--only's shard takes a whole number from 1 to 4, not '5'"
pass "submit and the job scripts: --help, errors named (exit 2), --dry-run's sbatch commands"

# The job scripts by hand, outside Slurm (SLURM_ARRAY_TASK_ID set by hand).
[ -x "$PY" ] || skip "no $PY: the system python3 is the test's interpreter"
expect_exit 0 env SLURM_ARRAY_TASK_ID=0 "$SLURM_DIR/shard.sbatch" --shards 1 --results "$TMP/failing" \
	--objmem "$OBJMEM" -- -i /bin/false -w slots -n 1k -r 1 -q --no-table
grep -q "^objmem-shard: shard 1/1 measured; some cells failed" "$TMP/out" || { cat "$TMP/out" "$TMP/err"; fail "a shard with failed cells"; }
$CHECK "$TMP/failing/shard-1-of-1.json" status slots failed
hand=$TMP/hand hist=$TMP/history
mkdir -p "$hist"
expect_exit 0 "$OBJMEM" run "${MATRIX[@]}" -o "$hist/night0.json" --label night0
for t in 0 1; do
	expect_exit 0 env SLURM_ARRAY_TASK_ID=$t "$SLURM_DIR/shard.sbatch" --shards 2 --results "$hand" \
		--objmem "$OBJMEM" -- "${MATRIX[@]}" --label night1
done
trend_help=$("$OBJMEM" trend --help)   # whole, not cut short by grep -q under pipefail
if grep -q -- --check <<<"$trend_help"; then
	expect_exit 0 "$SLURM_DIR/merge.sbatch" --shards 2 --results "$hand" --objmem "$OBJMEM" --history "$hist"
	grep -q "^objmem-merge: trend --check over 1 earlier file(s) exited 0$" "$TMP/out" || { cat "$TMP/out"; fail "merge.sbatch --history"; }
	[ -s "$hand/trend.txt" ] || fail "merge.sbatch --history wrote no trend.txt"
else
	expect_exit 2 "$SLURM_DIR/merge.sbatch" --shards 2 --results "$hand" --objmem "$OBJMEM" --history "$hist"
	expect_err "trend' has no --check here"
fi
expect_err "whole: the 2 shards of 2 and all 8 cells of the matrix"
$CHECK "$hand/merged.json" cells 8
pass "the job scripts by hand: a shard whose cells failed exits 0; merge.sbatch merges 2 shards, then trend --check over a history"

# ---- a one-node Slurm ------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip "starting slurmd and munged needs root"
missing=()
for c in munged slurmctld slurmd sbatch squeue scontrol sinfo scancel setpriv taskset; do
	command -v "$c" >/dev/null || missing+=("$c")
done
id munge >/dev/null 2>&1 || missing+=("user munge")
id slurm >/dev/null 2>&1 || missing+=("user slurm")
[ ${#missing[@]} -eq 0 ] ||
	skip "Slurm cannot start here, missing: ${missing[*]} (scripts/install-deps --test installs munge, slurmctld, slurmd, slurm-client)"

# The daemons' pids, stopped by the trap whatever happens.
munged_pid='' ctld_pid='' slurmd_pid=''
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
stop_cluster() {
	local i
	if [ -n "$ctld_pid" ] && kill -0 "$ctld_pid" 2>/dev/null; then
		# jobs still queued or running (a timeout): cancel them, let slurmd end them
		scancel --full --quiet --user=root 2>/dev/null || true
		for ((i = 0; i < 40; i++)); do
			[ -z "$(squeue -h 2>/dev/null)" ] && break
			sleep 0.5
		done
	fi
	stop_pid "$slurmd_pid"
	stop_pid "$ctld_pid"
	stop_pid "$munged_pid"
}
trap 'stop_cluster; cleanup' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# show_logs: the daemons' logs, when something failed
show_logs() {
	local f
	for f in "$S"/*.out "$S"/log/*.log; do
		[ -s "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
	done
	return 0
}
die_cluster() { show_logs; fail "$*"; }

# wait_for SECONDS WHAT CMD...: poll CMD until it succeeds, or fail naming WHAT
wait_for() {
	local secs=$1 what=$2 i
	shift 2
	for ((i = 0; i < secs * 2; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	die_cluster "$what: not within ${secs}s"
}

cluster_started=$(date +%s)
# The directories the daemons' users must reach: the test's own, opened to x.
chmod 711 "$TMP"
S=$TMP/slurm M=$TMP/munge
mkdir -p "$S"/state "$S"/spool "$S"/log "$S"/run "$M"/sock
chown -R slurm:slurm "$S"
chmod 711 "$M"
chmod 755 "$M"/sock
if command -v mungekey >/dev/null; then
	mungekey --create --keyfile="$M/munge.key"
else
	dd if=/dev/urandom of="$M/munge.key" bs=1024 count=1 status=none
fi
chown -R munge:munge "$M"
chmod 600 "$M/munge.key"
socket=$M/sock/munge.socket.2
# our own munged on our own socket, whether or not the machine runs one
setpriv --reuid=munge --regid=munge --clear-groups munged --foreground --socket="$socket" \
	--key-file="$M/munge.key" --pid-file="$M/munged.pid" --seed-file="$M/munged.seed" \
	--log-file="$M/munged.log" >"$S/munged.out" 2>&1 &
munged_pid=$!
wait_for 20 "munged answering on $socket" test -S "$socket"

# two free ports, neither Slurm's default (6817, 6818)
read -r ctld_port slurmd_port < <(python3 - <<'EOF'
import socket
socks = []
while len(socks) < 2:
    s = socket.socket()
    s.bind(("", 0))
    if s.getsockname()[1] not in (6817, 6818):
        socks.append(s)
print(*[s.getsockname()[1] for s in socks])
EOF
)
node=$(slurmd -C | head -n 1)
[[ $node == NodeName=* ]] || fail "slurmd -C printed '$node', not a node line"
export SLURM_CONF=$S/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=objmemtest$$
SlurmctldHost=$(hostname -s)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=slurm
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/run/slurmctld.pid
SlurmdPidFile=$S/run/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
MailProg=/bin/true
$node State=UNKNOWN
PartitionName=objmem Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -f "$SLURM_CONF" >"$S/slurmctld.out" 2>&1 &
ctld_pid=$!
wait_for 30 "slurmctld answering 'scontrol ping'" bash -c 'scontrol ping | grep -q "is UP"'
slurmd -D -f "$SLURM_CONF" >"$S/slurmd.out" 2>&1 &
slurmd_pid=$!
wait_for 60 "the node idle in sinfo" bash -c '[ "$(sinfo -h -o %t)" = idle ]'
cpus=$(sinfo -h -o %c)
pass "a one-node Slurm is up: $(sinfo -h -o '%P %t %c CPUs' | head -n 1), ports $ctld_port and $slurmd_port, up in $(( $(date +%s) - cluster_started ))s"

# ---- 4 shards and their merge ----------------------------------------

unsharded=$TMP/unsharded.json
expect_exit 0 "$OBJMEM" run "${MATRIX[@]}" -o "$unsharded"

# submit_and_wait DIR ARGS...: submit, wait (at most 5 minutes), set array and merge
submit_and_wait() {
	local dir=$1 i running
	shift
	expect_exit 0 "$SLURM_DIR/submit" --shards 4 --array-cap 2 --pin --results "$dir" \
		--objmem "$OBJMEM" "$@" -- "${MATRIX[@]}"
	array=$(awk '$1 == "array_job" { print $2 }' "$TMP/out")
	merge=$(awk '$1 == "merge_job" { print $2 }' "$TMP/out")
	[[ $array =~ ^[0-9]+$ && $merge =~ ^[0-9]+$ ]] || { cat "$TMP/out"; fail "submit printed no job ids"; }
	max_running=0
	for ((i = 0; i < 600; i++)); do
		running=$(squeue -h -j "$array" -t RUNNING -o %i 2>/dev/null | wc -l)
		[ "$running" -le "$max_running" ] || max_running=$running
		[ -n "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] || return 0
		sleep 0.5
	done
	die_cluster "jobs $array and $merge did not end within 5 minutes: $(squeue -j "$array,$merge")"
}

# state_of JOB: "STATE EXIT" of one job or array task
state_of() {
	scontrol -o show job "$1" | head -n 1 | sed -E 's/.*JobState=([A-Z_]+).* ExitCode=([0-9:]+).*/\1 \2/'
}

res=$TMP/night1
slurm_started=$(date +%s)
submit_and_wait "$res" --baseline "$unsharded"
slurm_secs=$(( $(date +%s) - slurm_started ))
for t in 0 1 2 3; do
	st=$(state_of "${array}_$t")
	[ "$st" = "COMPLETED 0:0" ] || { show_logs; cat "$res"/logs/*; fail "array task $t: '$st', not COMPLETED 0:0"; }
done
st=$(state_of "$merge")
[ "$st" = "COMPLETED 0:0" ] || { cat "$res"/logs/merge-*.out; fail "merge job: '$st', not COMPLETED 0:0"; }
[ "$max_running" -le 2 ] || fail "$max_running shards ran at once under --array-cap 2"
grep -q "^whole: the 4 shards of 4 and all 8 cells of the matrix$" "$res/logs/merge-$merge.out" ||
	{ cat "$res"/logs/merge-*.out; fail "merge --expect 4 did not say whole"; }
grep -q "^4 rows: 0 LARGER, 0 smaller, 4 same" "$res/compare.txt" || { cat "$res/compare.txt"; fail "compare with the unsharded run"; }
for t in 0 1 2 3; do
	grep -qE "^objmem-shard: shard $((t + 1))/4 pinned to CPUs [0-9]" "$res/logs/shard-${array}_$t.out" ||
		{ cat "$res/logs/shard-${array}_$t.out"; fail "shard $((t + 1)) was not pinned"; }
done
python3 - "$unsharded" "$res/merged.json" <<'EOF' || fail "the merged shards are not the unsharded run"
import json, sys
one, merged = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda c: (c["interpreter"], c["workload"], c["count"], c["repeat"])
a, b = ({key(c): c for c in d["cells"]} for d in (one, merged))
assert sorted(a) == sorted(b), "cells: unsharded %s, merged %s" % (sorted(a), sorted(b))
assert len(b) == 8 and all(c["status"] == "ok" for c in b.values())
assert [m["shard"] for m in merged["config"]["merged_from"]] == ["1/4", "2/4", "3/4", "4/4"]
page = one["machine"]["page_size"]
# compared in whole bytes (the kernel counts whole pages): a figure is the
# difference of two samples, each of which may land a page either way, so
# the merged cell may sit up to two pages outside the unsharded spread
def grown(c):
    s = c["samples"]
    owned = lambda p: s[p]["uss"] - s[p]["private_clean"]
    return owned("full") - owned("base")
for k, c in b.items():
    row = [grown(x) for kk, x in a.items() if kk[:3] == k[:3]]
    lo, hi = min(row) - 2 * page, max(row) + 2 * page
    assert lo <= grown(c) <= hi, "%s: %.4f B/object, the unsharded run %s (+-%.4f)" % (
        k, grown(c) / k[2], [g / k[2] for g in row], 2 * page / k[2])
EOF
pass "4 shards (at most $max_running at once, each pinned) and the merge job on Slurm: whole, the unsharded run's 8 cells, each figure within its spread (${slurm_secs}s from submit to merged)"

# ---- a partial night -------------------------------------------------

res2=$TMP/night2
mkdir -p "$res2/shard-2-of-4.json"   # shard 2 cannot write its file: objmem exits 2
submit_and_wait "$res2" --baseline "$unsharded"
for t in 0 2 3; do
	[ "$(state_of "${array}_$t")" = "COMPLETED 0:0" ] || fail "partial night: task $t did not complete"
done
st=$(state_of "${array}_1")
[ "$st" = "FAILED 2:0" ] || { cat "$res2/logs/shard-${array}_1.out"; fail "partial night: task 1 is '$st', not FAILED 2:0"; }
grep -q "objmem could not run shard 2/4 (exit 2)" "$res2/logs/shard-${array}_1.out" || fail "partial night: the failed shard does not say why"
st=$(state_of "$merge")
[ "$st" = "FAILED 1:0" ] || { cat "$res2"/logs/merge-*.out; fail "partial night: the merge job is '$st', not FAILED 1:0"; }
log=$res2/logs/merge-$merge.out
grep -q "^missing: shard 2/4: no input was made with --shard 2/4$" "$log" || { cat "$log"; fail "partial night: shard 2/4 not named missing"; }
n_missing=$(grep -c "^missing: cell " "$log")
n_merged=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["cells"]))' "$res2/merged.json")
[ "$n_missing" -ge 1 ] && [ $((n_missing + n_merged)) -eq 8 ] || { cat "$log"; fail "partial night: $n_missing cells named missing, $n_merged merged, not 8 in all"; }
grep -q "^error: partial: 1 of 4 shards and $n_missing of 8 cells of the matrix are missing" "$log" || { cat "$log"; fail "partial night: no 'partial' verdict"; }
grep -q "MISSING" "$res2/compare.txt" || fail "partial night: compare does not show the missing rows"
pass "a partial night: the failed shard's task FAILED 2:0, the merge job ran after it, named shard 2/4 and its $n_missing cells, wrote $n_merged cells, exit 1"

rmdir "$res2/shard-2-of-4.json"
submit_and_wait "$res2" --baseline "$unsharded" --only 2
[ "$(state_of "${array}_1")" = "COMPLETED 0:0" ] || { cat "$res2/logs/shard-${array}_1.out"; fail "--only 2: shard 2 did not complete"; }
! scontrol -o show job "${array}_0" 2>/dev/null | grep -q "JobId=" || fail "--only 2 ran another shard too"
[ "$(state_of "$merge")" = "COMPLETED 0:0" ] || { cat "$res2/logs/merge-$merge.out"; fail "--only 2: the merge job did not complete"; }
grep -q "^whole: the 4 shards of 4 and all 8 cells of the matrix$" "$res2/logs/merge-$merge.out" ||
	{ cat "$res2/logs/merge-$merge.out"; fail "--only 2: the night is not whole"; }
pass "the missing shard submitted again with --only 2: it alone ran, and the new merge job says whole"

echo "slurm.sh: ${cpus} CPUs, $(( $(date +%s) - started ))s in all"
