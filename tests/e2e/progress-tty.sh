#!/usr/bin/env bash
# The progress line on a terminal, under a pseudo-terminal (pty_run.py) of
# 60 and 120 columns: two cells of one group, each 3 s long (a workload
# that sleeps 1.5 s at each of its two calls), one job. Expected:
#  - while a cell runs the line is redrawn at least once a second, and the
#    run's elapsed time and the cell's own time move;
#  - no line is wider than the terminal less one column (no wrapping);
#  - the estimate learns: during the second cell, the time left is what the
#    first one took less what has passed (at most 0:04), not "?" and not a
#    doubling of the elapsed time;
#  - TERM=dumb gets plain lines, one per finished cell, no carriage returns.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
PTY="python3 $SRC/tests/e2e/pty_run.py"
WL=$SRC/tests/fixtures/workloads/sleeps.py
export SLEEP_S=1.5   # the children get it through --env SLEEP_S
# a build with a long name, so that the line must be cut at 60 columns
long=python3-under-a-name-long-enough-to-be-cut-at-sixty-columns
mkdir -p "$XDG_DATA_HOME/objmem/interpreters"
printf '{"name": "%s", "argv": ["python3"], "env": {}, "tags": ["cpython"], "description": "python3, long name"}\n' \
	"$long" >"$XDG_DATA_HOME/objmem/interpreters/$long.json"
run_args=(run --env SLEEP_S -i "$long" -w "$WL" -n 1 -r 2 -j 1 --no-views --no-table)

for cols in 60 120; do
	TERM=xterm $PTY "$cols" "$TMP/chunks$cols.json" "$OBJMEM" "${run_args[@]}" -o "$TMP/r$cols.json" \
		|| fail "run under a $cols-column pty failed"
	python3 - "$TMP/chunks$cols.json" "$cols" <<'PY' || fail "the progress line at $cols columns"
import json, re, sys
chunks, cols = json.load(open(sys.argv[1])), int(sys.argv[2])
frames = []   # (time, text) of each drawn line
for t, text in chunks:
    for part in re.split(r"[\r\n]", text):
        part = part.replace("\x1b[K", "")
        if part.strip():
            frames.append((t, part))
# the redrawn lines ("[done/total] ..."); messages above them wrap as text does
wide = [f for _, f in frames if re.match(r"\[\d+/\d+\] ", f) and len(f) > cols - 1]
assert not wide, "wider than %d-1 columns: %r" % (cols, wide[0])
cell = [(t, f) for t, f in frames if re.match(r"\[\d/2\] python3-under", f)]
if cols == 60:
    assert all("..." in f for _, f in cell), "the long label was not cut at 60 columns"
else:
    assert all("sleeps 1 #" in f for _, f in cell), "the label was cut at 120 columns"
assert len(cell) >= 6, "too few redraws while cells ran: %d" % len(cell)
# during each cell (the frames naming cell k), no gap of more than a second
for k in ("[0/2]", "[1/2]"):   # the first cell runs at 0 done, the second at 1
    ts = [t for t, f in cell if f.startswith(k)]
    gaps = [b - a for a, b in zip(ts, ts[1:])]
    assert ts and max(gaps or [0]) <= 1.05, (k, gaps)
owns = {m.group(1) for _, f in cell for m in [re.search(r" (\d+:\d\d)  elapsed", f)] if m}
assert len(owns) >= 3, "the cell's own time did not move: %r" % owns
els = {m.group(1) for _, f in frames for m in [re.search(r"elapsed (\S+?),", f)] if m}
assert len(els) >= 4, "the elapsed time did not move: %r" % els
second = [f for _, f in frames if f.startswith("[1/2]") and "left ~" in f]
assert second, "no line during the second cell"
for f in second:
    left = re.search(r"left ~(\S+)", f).group(1)
    assert left != "?", f
    assert re.fullmatch(r"0:0[0-4]", left), "left during the second cell: %r" % f
print("frames", len(frames), "own", sorted(owns), "left in cell 2", sorted({re.search(r'left ~(\S+)', f).group(1) for f in second}))
PY
done
pass "60 and 120 columns: redrawn at least once a second, never wider than the terminal, the estimate learnt"

TERM=dumb $PTY 80 "$TMP/dumb.json" "$OBJMEM" "${run_args[@]}" -o "$TMP/dumb.json.r" || fail "TERM=dumb run failed"
python3 - "$TMP/dumb.json" <<'PY' || fail "TERM=dumb: not plain lines"
import json, sys
text = "".join(c for _, c in json.load(open(sys.argv[1])))
assert "\r" not in text.replace("\r\n", "\n"), repr(text[:200])
assert "\x1b[" not in text, repr(text[:200])
lines = [l for l in text.replace("\r\n", "\n").split("\n") if l.startswith("[")]
assert len(lines) == 2 and all(": ok" in l for l in lines), lines
PY
pass "TERM=dumb: one plain line per finished cell"
