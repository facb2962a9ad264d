#!/usr/bin/env bash
# figure-layout.sh - the figures of `objmem plot` can be pasted into a post
# as they come out. Drawn with the real gnuplot from the fixtures gaps.json
# (4 builds, every kind of gap) and many.json (23 builds, 5 workloads), in
# PNG, SVG and PDF, at the default size and at sizes asked for.
#
# Expected, from the files (tests/e2e/figcheck.py reads them):
#  - every text of every SVG is at least 10 points (13.3 px), inside the
#    canvas, and overlaps no other text, with 4 builds and with 23;
#  - the PNG is 800 pixels wide; the PDF a column, 6.5 inches (468 pt)
#    wide, no taller than a page (11 in); PDF text is the PNG's physical
#    size: the PDF is the SVG's layout at 6.5 in, so both pass the checks;
#  - a chart of 23 builds x 5 workloads (115 bars) is split into one
#    chart per workload; with -w one workload it is one chart;
#  - --size 6.5x4in gives a 468 x 288 pt PDF and a 624 x 384 px PNG,
#    --size 1000 a 1000-pixel PNG;
#  - a bar chart has one number format (one FMT), min..max error bars
#    where a cell ran more than once, and the metric's definition on it;
#  - the .gp runs from any directory, and editing its width or title in the
#    .gp re-flows the figure (the checks still pass at 560 px);
#  - labels name builds as people do (CPython 3.12.1, PyPy 7.3.11 (3.9)).
# Figures are kept in tests/out/figure-layout/ for a look.
. "$(dirname "$0")/lib.sh"

command -v gnuplot >/dev/null || skip "gnuplot is not installed (Debian: apt-get install gnuplot-nox)"
ARTIFACTS=$SRC/tests/out/figure-layout
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
FIG="python3 $SRC/tests/e2e/figcheck.py"
GAPS=$SRC/tests/fixtures/plot/gaps.json
MANY=$SRC/tests/fixtures/plot/many.json

# check_dir DIR [PNGWIDTH]: every figure in DIR passes the checks
check_dir() {
	local dir=$1 want=${2:-800} n=0 f
	for f in "$dir"/*.svg; do
		$FIG svg "$f" >"$TMP/fig" || { cat "$TMP/fig"; fail "$(basename "$f") is not legible"; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || fail "no SVG in $dir"
	for f in "$dir"/*.png; do
		read -r w h < <($FIG png "$f")
		[ "$w" -eq "$want" ] || fail "$(basename "$f") is $w px wide, not $want"
	done
	for f in "$dir"/*.pdf; do
		[ -e "$f" ] || continue
		read -r w h < <($FIG pdf "$f")
		python3 -c "import sys; w, h = float('$w'), float('$h'); sys.exit(not (abs(w - 468) < 1 and h <= 792))" ||
			fail "$(basename "$f") is $w x $h pt: not 6.5 in wide, or taller than 11 in"
	done
	echo "$n"
}

# ---- 4 builds with gaps, all three metrics ----
"$OBJMEM" plot "$GAPS" -o "$TMP/gaps" -f png,svg,pdf --metric delta,absolute,peak -q
n=$(check_dir "$TMP/gaps")
[ -e "$TMP/gaps/versions.svg" ] && [ -e "$TMP/gaps/versions-peak.svg" ] &&
	[ -e "$TMP/gaps/versions-absolute.svg" ] || fail "a metric's chart is missing"
grep -q "VmHWM" "$TMP/gaps/versions-peak.gp" || fail "the peak chart does not define peak"
grep -q "AbsoluteUsage" "$TMP/gaps/versions-absolute.gp" || fail "the absolute chart does not say what it is"
pass "4 builds: $n figures legible at 800 px, PDFs a column wide"

# ---- 23 builds ----
"$OBJMEM" plot "$MANY" -o "$TMP/many" -f png,svg,pdf --metric delta,peak -q
[ ! -e "$TMP/many/versions.png" ] && [ -e "$TMP/many/versions-point3d.png" ] &&
	[ -e "$TMP/many/versions-peak-largeints.png" ] ||
	fail "23 builds x 5 workloads: not one chart per workload"
n=$(check_dir "$TMP/many")
pass "23 builds, 5 workloads: split per workload, $n figures legible"
"$OBJMEM" plot "$MANY" -o "$TMP/one" -f png,svg,pdf --metric delta,peak -w point3d -n 10M -q
n=$(check_dir "$TMP/one")
[ -e "$TMP/one/versions.png" ] || fail "-w point3d: no single versions chart"
cp "$TMP/one/versions.png" "$TMP/one/versions-peak.png" "$TMP/one/versions.pdf" "$ARTIFACTS/"
gp=$TMP/one/versions.gp
for want in "'CPython 2.7.18'" "'CPython 3.13.15 free-threaded'" "'CPython 3.11.2 debug'" \
	"'PyPy 7.3.11 (3.9)'" "'MicroPython 1.19.1'" "'CPython 3.12.1 (python3)'"; do
	grep -qF "$want" "$gp" || fail "versions.gp has no label $want"
done
[ "$(grep -c '^FMT = ' "$gp")" -eq 1 ] || fail "not one number format in versions.gp"
grep -q "xerrorbars" "$gp" || fail "versions.gp draws no error bars"
# 3 repeats with different USS: every ok row has min < max
awk '$1 ~ /^[0-9]+$/ && $6 == "ok" && !($4 < $5) { bad = 1 } END { exit bad }' "$TMP/one/versions.dat" ||
	fail "a row of versions.dat has no min..max range"
pass "23 builds of one workload: one chart, labels as people say them, error bars, one format"

# ---- sizes ----
"$OBJMEM" plot "$GAPS" -o "$TMP/in" -f png,svg,pdf --size 6.5x4in -q
read -r w h < <($FIG pdf "$TMP/in/versions.pdf")
[ "$w $h" = "468 288" ] || fail "--size 6.5x4in: the PDF is $w x $h pt"
read -r w h < <($FIG png "$TMP/in/versions.png")
[ "$w $h" = "624 384" ] || fail "--size 6.5x4in: the PNG is $w x $h px"
$FIG svg "$TMP/in/versions.svg" >/dev/null || fail "--size 6.5x4in: not legible"
"$OBJMEM" plot "$GAPS" -o "$TMP/wide" -f png,svg --size 1000 -q
check_dir "$TMP/wide" 1000 >/dev/null
expect_exit 2 "$OBJMEM" plot "$GAPS" -o "$TMP/x" --size 50x50
expect_err "at least 200x100 pixels"
expect_exit 2 "$OBJMEM" plot "$GAPS" -o "$TMP/x" --size 6x4ft
expect_err "the unit is px, in or cm"
pass "--size: inches for the PDF, pixels for the PNG; bad sizes refused"

# ---- the .gp is the source: runs from elsewhere, re-flows when edited ----
mkdir -p "$TMP/moved"
cp "$TMP/gaps/versions.gp" "$TMP/gaps/versions.dat" "$TMP/moved/"
(cd / && gnuplot "$TMP/moved/versions.gp") || fail "versions.gp does not run from /"
[ -s "$TMP/moved/versions.png" ] && [ -s "$TMP/moved/versions.pdf" ] ||
	fail "versions.gp run from / did not draw beside itself"
sed -i 's/^PNGW = 800 /PNGW = 560 /; s/^TITLE = .*/TITLE = '"'"'A much longer title, edited by hand in the script, that has to wrap'"'"'/' \
	"$TMP/moved/versions.gp"
rm -f "$TMP/moved/versions.png" "$TMP/moved/versions.svg"
(cd / && gnuplot "$TMP/moved/versions.gp")
read -r w h < <($FIG png "$TMP/moved/versions.png")
[ "$w" -eq 560 ] || fail "edited PNGW = 560, got $w"
$FIG svg "$TMP/moved/versions.svg" >"$TMP/fig" || { cat "$TMP/fig"; fail "560 px: not legible after editing the .gp"; }
pass "the .gp runs from any directory and re-flows when its width or title is edited"
