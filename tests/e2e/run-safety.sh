#!/usr/bin/env bash
# run-safety.sh - a run never passes a broken build and never loses or
# mixes data.
#
# Expected:
#  - an interpreter named with -i that cannot run fails its cells, with the
#    probe's reason, and the run exits 1; the others are measured;
#  - a run over an existing file keeps it as FILE.prev once a cell has a
#    result (said on stderr even with -q); a run that gets no result leaves
#    the file as it was;
#  - -o onto a symbolic link writes its target; onto a device or a FIFO is
#    an error before anything runs (no FILE.lock made there); a rewrite
#    keeps the file's mode;
#  - --resume with no matrix options runs the matrix the file records, and
#    runs its failed cells again; with -i, only those builds' cells;
#    config.counts lists every count; a build that changed under its name
#    is refused;
#  - two runs on one file never both proceed, even when FILE.lock is
#    deleted; a run killed with SIGKILL leaves no lock that blocks;
#  - -i '' is an error; a mistyped build's hint names a build that is here.
. "$(dirname "$0")/lib.sh"

defs=$TMP/defs
mkdir -p "$defs"
export OBJMEM_INTERPRETERS=$defs
cells() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["cells"]))' "$1"; }
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(eval(sys.argv[2], {"d": d})))' "$1" "$2"; }

# ---- a broken build fails the night ----
out=$TMP/broken.json
expect_exit 1 "$OBJMEM" run -i python3 -i /bin/true -w slots -n 1k -r 1 -o "$out" -q --no-table
[ "$(field "$out" '[c["status"] for c in d["cells"] if c["interpreter"] == "/bin/true"]')" = '["failed"]' ] ||
	fail "the cell of the named /bin/true is not failed"
field "$out" '[c["reason"] for c in d["cells"] if c["status"] == "failed"][0]' | grep -q "cannot run: probe failed" ||
	fail "the failed cell does not give the probe's reason"
[ "$(field "$out" '[c["status"] for c in d["cells"] if c["interpreter"] == "python3"]')" = '["ok"]' ] ||
	fail "python3 was not measured beside the broken build"
expect_err "cannot run: /bin/true"
pass "a named build that cannot run fails its cells and the run (exit 1); the others are measured"

# ---- nothing is destroyed ----
keep=$TMP/keep.json
printf '{"kept": true}\n' >"$keep"
expect_exit 1 "$OBJMEM" run -i /bin/true -w slots -n 1k -r 1 -o "$keep" -q --no-table
grep -q '"kept": true' "$keep.prev" || fail "the replaced file was not kept as FILE.prev"
expect_err "the previous results are kept as '$keep.prev'"
pass "a replaced results file is kept as FILE.prev, said even with -q"

printf '{"kept": true}\n' >"$keep"
rm -f "$keep.prev"
"$OBJMEM" run -i python3 -w slots -n 10M -r 1 -o "$keep" -q --no-table >"$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 0.5
kill -INT "$pid"
set +e; wait "$pid"; st=$?; set -e
[ "$st" -eq 130 ] || { cat "$TMP/err"; fail "an interrupted run exited $st, not 130"; }
grep -q '"kept": true' "$keep" || fail "a run interrupted before its first result replaced the file"
[ ! -e "$keep.prev" ] || fail "a run with no result made FILE.prev"
pass "a run stopped before its first result leaves the file as it was"

# ---- where the results go ----
ln -s target.json "$TMP/link.json"
expect_exit 0 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o "$TMP/link.json" -q --no-table
[ -L "$TMP/link.json" ] && [ "$(cells "$TMP/target.json")" -eq 1 ] || fail "-o onto a link did not write its target"
chmod 600 "$TMP/target.json"
expect_exit 0 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o "$TMP/link.json" -q --no-table
[ "$(stat -c %a "$TMP/target.json")" = 600 ] || fail "a rewrite did not keep the file's mode"
mkfifo "$TMP/fifo"
expect_exit 2 timeout 20 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o "$TMP/fifo" -q --no-table
expect_err "not a regular file"
[ -p "$TMP/fifo" ] && [ ! -e "$TMP/fifo.lock" ] || fail "the FIFO was replaced or locked"
expect_exit 2 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o /dev/null -q --no-table
expect_err "not a regular file"
[ -c /dev/null ] && [ ! -e /dev/null.lock ] || fail "/dev/null was replaced or locked"
pass "-o: a link's target is written, the mode kept; a device or FIFO is refused before anything runs"

# ---- --resume ----
res=$TMP/res.json
expect_exit 0 "$OBJMEM" run -i python3 -w slots,point3d -n 1k,2k -r 2 -o "$res" -q --no-table
python3 - "$res" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["cells"] = [c for c in d["cells"] if not (c["workload"] == "point3d" and c["count"] == 2000)]
d["cells"][0]["status"], d["cells"][0]["reason"] = "failed", "made to fail by the test"
json.dump(d, open(sys.argv[1], "w"))
PY
expect_exit 0 "$OBJMEM" run --resume -o "$res" --no-table
[ "$(cells "$res")" -eq 8 ] || fail "--resume without matrix options did not complete the recorded 8 cells"
[ "$(field "$res" '[c["status"] for c in d["cells"]].count("ok")')" -eq 8 ] || fail "the failed cell was not run again"
[ "$(grep -c '^\[' "$TMP/err")" -eq 3 ] || { cat "$TMP/err"; fail "--resume ran more than the 3 missing or failed cells"; }
expect_exit 0 "$OBJMEM" run --resume -o "$res" -n 3k -r 1 -q --no-table
[ "$(field "$res" 'd["config"]["counts"]')" = '[1000, 2000, 3000]' ] || fail "config.counts does not list every count"
pass "--resume runs the recorded matrix and the failed cells; config.counts lists every count"

# cells measured in another environment are not resumed into: other --env,
# or a file whose children had the caller's environment (objmem 0.1)
env_res=$TMP/env-res.json
expect_exit 0 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 --env MARK=1 -o "$env_res" -q --no-table
[ "$(field "$env_res" 'd["config"]["env"]')" = '["MARK=1"]' ] || fail "config.env does not record --env"
expect_exit 0 "$OBJMEM" run --resume -o "$env_res" -w slots -n 1k -r 2 -q --no-table
[ "$(cells "$env_res")" -eq 2 ] || fail "--resume without --env did not take the recorded --env"
expect_exit 2 "$OBJMEM" run --resume -o "$env_res" --env MARK=2 -w slots -n 1k -r 3 -q --no-table
expect_err "cannot resume '$env_res': it was run with other --env values"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["config"]["child_env"]="PYTHON* removed; PYTHONHASHSEED=0 unless the definition sets it"; json.dump(d,open(sys.argv[1],"w"))' "$env_res"
expect_exit 2 "$OBJMEM" run --resume -o "$env_res" -w slots -n 1k -r 3 -q --no-table
expect_err "cannot resume '$env_res': its cells were measured with another children's environment (PYTHON* removed"
[ "$(cells "$env_res")" -eq 2 ] || fail "a refused --resume changed the file"
pass "--resume takes the recorded --env; other --env or another children's environment is refused"

printf '{"name": "py-a", "argv": ["python3"]}\n' >"$defs/py-a.json"
printf '{"name": "py-b", "argv": ["python3", "-X", "utf8"]}\n' >"$defs/py-b.json"
two=$TMP/two.json
expect_exit 0 "$OBJMEM" run -i py-a,py-b -w slots -n 1k -r 2 -o "$two" -q --no-table
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["cells"]=[c for c in d["cells"] if c["repeat"]==1]; json.dump(d,open(sys.argv[1],"w"))' "$two"
expect_exit 0 "$OBJMEM" run --resume -i py-a -o "$two" --no-table
[ "$(grep -c '^\[' "$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "--resume -i py-a ran other builds' cells"; }
grep -q 'py-a slots 1k #2' "$TMP/err" || fail "--resume -i py-a did not run py-a's missing cell"
printf '{"name": "py-a", "argv": ["python3", "-X", "dev"]}\n' >"$defs/py-a.json"
expect_exit 2 "$OBJMEM" run --resume -i py-a -o "$two" -q --no-table
expect_err "interpreter 'py-a' is another build now"
pass "--resume -i runs that build's cells only; a build changed under its name is refused"

# ---- one run per file ----
lk=$TMP/lk.json
"$OBJMEM" run -i python3 -w slots -n 10M -r 2 -o "$lk" -q --no-table >/dev/null 2>&1 &
first=$!
for _ in $(seq 50); do [ -e "$lk.lock" ] && break; sleep 0.1; done
rm -f "$lk.lock"
expect_exit 2 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o "$lk" -q --no-table
expect_err "is being written by another objmem run"
ln -s lk.json "$TMP/lk-alias.json"
expect_exit 2 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o "$TMP/lk-alias.json" -q --no-table
expect_err "is being written by another objmem run"
kill -KILL "$first"
wait "$first" 2>/dev/null || true
expect_exit 0 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o "$lk" -q --no-table
pass "two runs on one file (by another name, the lock file deleted) never both proceed; SIGKILL leaves no lock"

# ---- names ----
expect_exit 2 "$OBJMEM" run -i '' -o "$TMP/x.json"
expect_err "an empty name"
expect_exit 2 "$OBJMEM" run -w '' -o "$TMP/x.json"
expect_err "an empty name"
found=$("$OBJMEM" interpreters probe python3 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["name"])')
real=$("$OBJMEM" interpreters list 2>/dev/null | awk '$2 == "PATH" && $1 ~ /^cpython-/ { print $1; exit }')
if [ -n "$real" ]; then
	typo=${real%?}9
	expect_exit 2 "$OBJMEM" run -i "$typo" -w slots -n 1k -r 1 -o "$TMP/x.json" -q
	hint=$(sed -n "s/^hint: did you mean '\(.*\)'?$/\1/p" "$TMP/err")
	[ -n "$hint" ] || { cat "$TMP/err"; fail "no hint for '$typo'"; }
	expect_exit 0 "$OBJMEM" run -i "$hint" -w slots -n 1k -r 1 -o "$TMP/hint.json" -q --no-table
	pass "-i '' and -w '' are errors; the hint for '$typo' ('$hint') is a build that runs"
else
	pass "-i '' and -w '' are errors ($found found; no discovered cpython to mistype)"
fi
