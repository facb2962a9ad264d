#!/usr/bin/env bash
# run --replay FILE: the matrix a results file records, run again into a new file.
# Expected:
#  - the results record the whole command line, subcommand included;
#  - the replay measures the same interpreters, workloads, counts and
#    repetitions into FILE.replay.json (or -o), FILE untouched; -q and
#    --no-table of the recorded run are not carried over; --label applies;
#  - the replay's own record replays to the same matrix again;
#  - a recorded command without -i replays the builds the file measured;
#  - -o FILE itself, matrix options with --replay, a file without a
#    recorded command, a missing file: exit 2 with a reason, nothing run.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
cd "$TMP"
matrix() {   # interpreters, workloads, counts, repeat, cells of a results file
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["config"]
print(sorted(i["name"] for i in d["interpreters"]), sorted(c["workloads"]), c["counts"],
      c["repeat"], len(d["cells"]), sorted({x["status"] for x in d["cells"]}))
PY
}

expect_exit 0 "$OBJMEM" run -i python3 -w point3d,slots -n 1k,10k -r 2 -j 2 -o a.json -q --no-table
python3 -c 'import json, sys; c = json.load(open("a.json"))["config"]["command"]; assert c[:2] == ["objmem", "run"] and "-o" in c, c' \
	|| fail "the command line is not recorded whole"
cp a.json a.orig
expect_exit 0 "$OBJMEM" run --replay a.json -j 1 --label again
[ -s a.replay.json ] || fail "no a.replay.json"
cmp -s a.json a.orig || fail "the replayed file changed"
[ "$(matrix a.json)" = "$(matrix a.replay.json)" ] || { matrix a.json; matrix a.replay.json; fail "not the same matrix"; }
grep -q "replaying 'a.json'" "$TMP/err" || fail "the replay did not say what it runs (-q carried over?)"
grep -q "point3d" "$TMP/out" || fail "the replay printed no table (--no-table carried over?)"
python3 -c 'import json; d = json.load(open("a.replay.json")); assert d["label"] == "again", d["label"]' \
	|| fail "--label did not apply"
pass "replay: the same matrix into a.replay.json, a.json untouched; -q/--no-table not carried, --label applied"

expect_exit 0 "$OBJMEM" run --replay a.replay.json -o b.json -q --no-table
[ "$(matrix a.json)" = "$(matrix b.json)" ] || fail "the replay of a replay is another matrix"
pass "a replay's record replays to the same matrix"

python3 - <<'PY'
import json
d = json.load(open("a.json"))
c = d["config"]["command"]
i = c.index("-i")
d["config"]["command"] = c[:i] + c[i + 2:]
json.dump(d, open("noi.json", "w"))
PY
expect_exit 0 "$OBJMEM" run --replay noi.json --no-table
expect_err "--interpreter python3"
[ "$(matrix a.json)" = "$(matrix noi.replay.json)" ] || fail "a command without -i: not the file's builds"
pass "a command without -i replays the builds the file measured"

expect_exit 2 "$OBJMEM" run --replay a.json -o a.json
expect_err "is the file replayed"
expect_exit 2 "$OBJMEM" run --replay a.json -w slots
expect_err "give no -i, -w, -n, -r, -p, --shard or --resume"
python3 -c 'import json; d = json.load(open("a.json")); d["config"]["command"] = []; json.dump(d, open("old.json", "w"))'
expect_exit 2 "$OBJMEM" run --replay old.json
expect_err "records no command line"
expect_exit 2 "$OBJMEM" run --replay missing.json
expect_err "missing.json"
[ -e old.replay.json ] || [ -e missing.replay.json ] && fail "a refused replay wrote a file"
pass "refused replays exit 2 with a reason and write nothing"
