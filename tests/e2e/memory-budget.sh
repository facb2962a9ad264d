#!/usr/bin/env bash
# run --memory-budget: the cells running at once fit their predicted peaks
# (memplan.h: the line through the peaks of the two largest smaller counts)
# in the budget; a cell predicted above the budget fails unrun.
# Expected, on the system python3 (point3d at 100k, 1M and 2M, 2 repetitions,
# -j 2), with P the peak of a 2M cell measured first:
#  - budget 1.5 P: the two 2M cells never run at once (no poll of /proc sees
#    both children, each seen by several polls), the 1M cells may; every
#    cell ok; config.memory_budget records it;
#  - budget halfway between the 1M and 2M peaks: the 2M cells fail with
#    "not run: its predicted peak of ... exceeds the memory budget", no
#    2M child is started, exit 1; --resume with the budget of 1.5 P runs
#    them;
#  - a bad budget is named (exit 2).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || skip "no python3"
PY=$(python3 -c 'import os, sys; print(os.path.realpath(sys.argv[1]))' "$PY")
cd "$TMP"
M=(-i "$PY" -w point3d --no-views -q --no-table)

# the peaks of one cell at 1M and 2M
expect_exit 0 "$OBJMEM" run "${M[@]}" -n 1M,2M -r 1 -o cal.json
read -r p1 p2 <<<"$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(*[c["peak"]["vm_hwm"] for c in sorted(d["cells"], key=lambda c: c["count"])])' cal.json)"
budget=$((p2 * 3 / 2))
low=$(((p1 + p2) / 2))

# watch COUNT OUT: poll /proc every 5 ms for agent children running COUNT
# objects until the file stop exists; OUT gets, per poll, the pids seen.
watch() {
	python3 - "$1" "$2" <<'PY' &
import os, sys, time
want, out = " %s" % sys.argv[1], open(sys.argv[2], "w")
while not os.path.exists("stop"):
    seen = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                args = open("/proc/%s/cmdline" % pid, "rb").read().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "agent.py run point3d" in args and args.rstrip().endswith(want.strip()):
                seen.append(pid)
    out.write(" ".join(seen) + "\n")
    time.sleep(0.005)
PY
	watcher=$!
}
unwatch() { touch stop; wait "$watcher"; rm -f stop; }

watch 2000000 polls
expect_exit 0 "$OBJMEM" run "${M[@]}" -n 100k,1M,2M -r 2 -j 2 --memory-budget "$budget" -o a.json
unwatch
python3 - "$budget" <<'PY' || fail "the 2M cells ran at once under a budget of 1.5 times one's peak"
import json, sys
d = json.load(open("a.json"))
assert d["config"]["memory_budget"] == int(sys.argv[1]), d["config"]["memory_budget"]
assert len(d["cells"]) == 6 and all(c["status"] == "ok" for c in d["cells"]), d["cells"]
polls = [l.split() for l in open("polls")]
both = [p for p in polls if len(p) > 1]
assert not both, "%d polls saw two 2M children: %s" % (len(both), both[:3])
per = {}
for p in polls:
    for pid in p:
        per[pid] = per.get(pid, 0) + 1
assert len(per) == 2 and min(per.values()) >= 3, per
PY
pass "--memory-budget 1.5x a 2M cell's peak ($((budget / 1000000)) MB): the two 2M cells ran one at a time, every cell ok"

watch 2000000 polls
expect_exit 1 "$OBJMEM" run "${M[@]}" -n 100k,1M,2M -r 2 -j 2 --memory-budget "$low" -o b.json
unwatch
[ ! -s polls ] || ! grep -q '[0-9]' polls || fail "a 2M child was started though predicted above the budget"
python3 - <<'PY' || fail "the 2M cells are not failed with their prediction"
import json
d = json.load(open("b.json"))
for c in d["cells"]:
    if c["count"] == 2000000:
        assert c["status"] == "failed", c
        r = c["reason"]
        assert r.startswith("not run: its predicted peak of ") and "exceeds the memory budget of " in r, r
        assert "the line through its 100k and 1M cells" in r, r
    else:
        assert c["status"] == "ok", c
PY
grep -q "point3d 2M #1" "$TMP/err" || { cat "$TMP/err"; fail "the failed cells are not listed"; }
expect_exit 0 "$OBJMEM" run "${M[@]}" -n 100k,1M,2M -r 2 -j 2 --memory-budget "$budget" -o b.json --resume
python3 -c 'import json; d = json.load(open("b.json")); assert all(c["status"] == "ok" for c in d["cells"]) and len(d["cells"]) == 6' ||
	fail "--resume with a larger budget did not run the 2M cells"
pass "--memory-budget between the 1M and 2M peaks: the 2M cells failed unrun with their prediction (exit 1); --resume with room ran them"

expect_exit 2 "$OBJMEM" run "${M[@]}" -n 1k --memory-budget lots -o c.json
expect_err "--memory-budget"
[ ! -e c.json ] || fail "a bad budget wrote c.json"
pass "--memory-budget lots: exit 2, named"
