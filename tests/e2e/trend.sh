#!/usr/bin/env bash
# trend.sh - `objmem trend --detect` and `--check` on histories made from
# one real run of the system python3 (point3d, 10k objects, 3 repetitions,
# set to sit on their median: zero variance, so the noise floor is one
# page over the count, 0.41 bytes per object), scaled file by file.
# Expected:
#  - a 5% step at file 6 of 10: --detect finds it there (levels 1 -> 1.05
#    of the run), --check exits 1 and names it (text and JSON); with
#    --threshold 10% it passes;
#  - a spike (one file up 30%, then back): no step, --check exits 0;
#  - a step up, then back down: two steps, --check exits 0;
#  - the newest file alone 5% up: a suspected step; --check exits 0 and
#    says so, --check --strict exits 1; --strict without --check is usage;
#  - trend of ONE file draws (gnuplot crashed on its script before);
#  - the figure (png, svg, pdf) follows the figure rules: the PNG 800 px
#    wide, the PDF 6.5 in, every SVG text >= 10 pt, inside the canvas and
#    overlapping no other (tests/e2e/figcheck.py), with 10 files and with
#    60 (tic labels thinned, not a wider figure); the script stands alone.
# Figures are kept in tests/out/trend/ for a look.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
ARTIFACTS=$SRC/tests/out/trend
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
FIG="python3 $SRC/tests/e2e/figcheck.py"

run=$TMP/run.json
expect_exit 0 "$OBJMEM" run -i python3 -w point3d -n 10k -r 3 -j 2 -o "$run" --label rev-1 -q --no-table
pass "a real run: point3d, 10k objects, 3 repetitions"

# history NAME F1,F2,...: one results file per factor, NAME/01.json ...,
# the run's point3d@10k delta times the factor in every repetition (each
# repetition first set to the median: zero variance), labelled rev-K and
# dated a day apart. Prints the run's bytes per object.
history() {
	python3 - "$run" "$TMP/$1" "$2" <<'EOF'
import copy, json, os, statistics, sys
src, out, factors = sys.argv[1], sys.argv[2], [float(f) for f in sys.argv[3].split(",")]
doc = json.load(open(src))
owned = lambda s: s["uss"] - s.get("private_clean", 0)
cells = [c for c in doc["cells"] if c["workload"] == "point3d" and c["count"] == 10000
         and c["status"] == "ok"]
assert len(cells) == 3, cells
med = statistics.median(owned(c["samples"]["full"]) - owned(c["samples"]["base"]) for c in cells)
os.makedirs(out)
for k, f in enumerate(factors):
    d = copy.deepcopy(doc)
    for c in d["cells"]:
        if c["workload"] == "point3d" and c["count"] == 10000 and c["status"] == "ok":
            full, base = c["samples"]["full"], c["samples"]["base"]
            full["uss"] += int(round(med * f)) - (owned(full) - owned(base))
    d["label"] = "rev-%d" % (k + 1)
    d["created"] = "2099-%02d-%02dT03:00:00Z" % (1 + k // 28, 1 + k % 28)
    json.dump(d, open("%s/%02d.json" % (out, k + 1), "w"))
print(med / 10000)
EOF
}

# ---- a 5% step -------------------------------------------------------

bpo=$(history step 1,1,1,1,1,1.05,1.05,1.05,1.05,1.05)
expect_exit 0 "$OBJMEM" trend "$TMP"/step/*.json --detect --format json
python3 - "$TMP/out" "$bpo" <<'EOF' || fail "--detect json: the step"
import json, sys
d, bpo = json.load(open(sys.argv[1])), float(sys.argv[2])
det = d["detect"]
assert det["schema"] == "objmem-trend-steps/1", det
steps = det["steps"]
assert len(steps) == 1 and det["n_suspected"] == 0, steps
s = steps[0]
assert (s["workload"], s["count"], s["kind"], s["x_label"]) == ("point3d", 10000, "step", "rev-6"), s
assert s["file"] == 5 and (s["files_before"], s["files_after"]) == (5, 5), s
assert abs(s["before"] - bpo) < 0.01 and abs(s["after"] - 1.05 * bpo) < 0.01, (s, bpo)
assert abs(s["change_pct"] - 5) < 0.05, s
assert "gate" not in d                        # --detect alone is no gate
EOF
expect_exit 1 "$OBJMEM" trend --check "$TMP"/step/*.json
grep -q '^LARGER: python3 point3d 10k: the newest level, since #6 rev-6 (5 files), is a step up' \
	"$TMP/out" || { cat "$TMP/out"; fail "--check: the step is not named"; }
grep -q '^check: FAILED: 1 of 1 line fails the gate' "$TMP/out" || fail "--check: no FAILED line"
expect_exit 1 "$OBJMEM" trend "$TMP"/step/*.json --check --format json
python3 - "$TMP/out" <<'EOF' || fail "--check json: the gate"
import json, sys
g = json.load(open(sys.argv[1]))["gate"]
assert g["failed"] is True and g["n_failed"] == 1, g
assert g["lines"][0]["verdict"] == "LARGER" and g["lines"][0]["step"]["x_label"] == "rev-6", g
EOF
expect_exit 1 "$OBJMEM" trend "$TMP"/step/*.json --check --format csv
grep -q '^python3,point3d,10000,6,rev-6,.*,LARGER,[0-9.]*,step$' "$TMP/out" || { cat "$TMP/out"; fail "csv: the step"; }
grep -q '^LARGER: python3 point3d 10k' "$TMP/err" || fail "csv: the gate's lines not on stderr"
expect_exit 0 "$OBJMEM" trend "$TMP"/step/*.json --check --threshold 10%
grep -q '^check: passed: 0 of 1 line fail the gate' "$TMP/out" || fail "--threshold 10%: not passed"
pass "a 5% step at file 6: found there; --check exits 1 naming it (text, json, csv); 10% passes"

# ---- a spike, a step up and back down --------------------------------

history spike 1,1,1,1,1.3,1,1,1,1,1 >/dev/null
expect_exit 0 "$OBJMEM" trend "$TMP"/spike/*.json --check
grep -q '^no step: one level, ' "$TMP/out" || { cat "$TMP/out"; fail "a spike: a step was found"; }
history updown 1,1,1,1,1.08,1.08,1.08,1.08,1,1,1,1 >/dev/null
expect_exit 0 "$OBJMEM" trend "$TMP"/updown/*.json --check --format json
python3 - "$TMP/out" <<'EOF' || fail "up and back down"
import json, sys
d = json.load(open(sys.argv[1]))
st = d["detect"]["steps"]
assert [(s["x_label"], s["change_pct"] > 0) for s in st] == [("rev-5", True), ("rev-9", False)], st
assert d["gate"]["failed"] is False
EOF
pass "a spike is no step; a step up and back down: two steps, the gate passes"

# ---- the newest file alone -------------------------------------------

history last 1,1,1,1,1,1,1,1,1,1.05 >/dev/null
expect_exit 0 "$OBJMEM" trend "$TMP"/last/*.json --check
grep -q '^suspected: python3 point3d 10k: the newest file, #10 rev-10, alone is up' "$TMP/out" \
	|| { cat "$TMP/out"; fail "the newest file alone: not suspected"; }
grep -q 'it fails the gate only with --strict$' "$TMP/out" || fail "suspected: --strict not named"
expect_exit 1 "$OBJMEM" trend "$TMP"/last/*.json --check --strict
grep -q '^check: FAILED: 1 of 1 line fails the gate' "$TMP/out" || fail "--strict: not FAILED"
expect_exit 2 "$OBJMEM" trend "$TMP"/last/*.json --strict
expect_err "--strict is a rule of the gate: give --check with it"
pass "the newest file alone: suspected, gated only with --strict"

# ---- figures ---------------------------------------------------------

command -v gnuplot >/dev/null || { pass "(no gnuplot: figures not drawn)"; exit 0; }

# check_fig DIR: the figure rules, from the files
check_fig() {
	$FIG svg "$1/trend.svg" >"$TMP/fig" || { cat "$TMP/fig"; fail "$1/trend.svg is not legible"; }
	read -r w h < <($FIG png "$1/trend.png")
	[ "$w" -eq 800 ] || fail "$1/trend.png is $w px wide, not 800"
	read -r w h < <($FIG pdf "$1/trend.pdf")
	python3 -c "import sys; w, h = float('$w'), float('$h'); sys.exit(not (abs(w - 468) < 1 and h <= 792))" ||
		fail "$1/trend.pdf is $w x $h pt: not 6.5 in wide, or taller than 11 in"
}

expect_exit 0 "$OBJMEM" trend "$TMP/step/01.json" -o "$TMP/one" --image png,svg,pdf
check_fig "$TMP/one"
expect_exit 0 "$OBJMEM" trend "$TMP/step/01.json" -o "$TMP/one-detect" --image png,svg --detect
pass "trend of one file draws (png, svg, pdf)"

expect_exit 1 "$OBJMEM" trend "$TMP"/step/*.json -o "$TMP/fig-step" --image png,svg,pdf --check -q
check_fig "$TMP/fig-step"
grep -q '^NSTEPS = 1$' "$TMP/fig-step/trend.gp" || fail "the script has no step"
grep -q "^array STEPTEXT\[1\] = \['.* (+5.0%)'\]" "$TMP/fig-step/trend.gp" || fail "the step's label"
grep -q '>[0-9.]* (+5.0%)</text>' "$TMP/fig-step/trend.svg" || fail "the step is not labelled on the figure"
(cd "$TMP/fig-step" && rm trend.png && gnuplot trend.gp 2>"$TMP/gp-err") ||
	{ cat "$TMP/gp-err"; fail "trend.gp does not stand alone"; }
[ -s "$TMP/fig-step/trend.png" ] || fail "trend.gp alone made no png"
expect_exit 0 "$OBJMEM" trend "$TMP"/updown/*.json -o "$TMP/fig-rings" --image png,svg,pdf -q
check_fig "$TMP/fig-rings"
cp "$TMP/fig-step/trend.png" "$ARTIFACTS/step.png"
cp "$TMP/fig-rings/trend.png" "$ARTIFACTS/rings.png"
pass "the step drawn and labelled; with and without --detect the figure follows the rules"

# 60 nightly files: as wide as ever, the tic labels thinned
history many "$(python3 -c 'print(",".join("1.06" if i >= 40 else "1" for i in range(60)))')" >/dev/null
expect_exit 1 "$OBJMEM" trend "$TMP"/many/*.json -o "$TMP/fig-many" --image png,svg,pdf --check -q
check_fig "$TMP/fig-many"
ticks=$(grep -c '>rev-[0-9]*</text>' "$TMP/fig-many/trend.svg")
[ "$ticks" -lt 60 ] && [ "$ticks" -ge 8 ] || fail "60 files: $ticks tic labels, not thinned to 8..59"
grep -q '>rev-60</text>' "$TMP/fig-many/trend.svg" || fail "60 files: the newest is not labelled"
cp "$TMP/fig-many/trend.png" "$ARTIFACTS/many.png"
pass "60 files: an 800 px figure, $ticks tic labels, the newest among them"
