#!/usr/bin/env bash
# plot-report.sh - objmem plot and objmem report, end to end.
#
# Expected:
#  - from a real small run (system python3) and from the fixtures small.json
#    and plot/gaps.json (failed, skipped, missing cells; names full of
#    markup), `objmem plot --format png,svg,pdf` writes every figure, each
#    non-empty and of its type (magic bytes, and file(1) when present);
#  - each NAME.gp, run alone with plain gnuplot in its directory, draws its
#    figure again (the same bytes for PNG and SVG);
#  - the gaps of gaps.json are NaN in the data and labelled in the figure;
#  - bad usage exits 2 with a clear message;
#  - `objmem report` writes report.md and report.html: the answer first and
#    the machine and probes last, a contents list linking every section, no
#    script and no address off the page, one inline SVG per figure, and
#    every value of `objmem show`'s tables; the page in a browser is
#    tests/e2e/report-browser.sh's.
. "$(dirname "$0")/lib.sh"

command -v gnuplot >/dev/null || skip "gnuplot is not installed (Debian: apt-get install gnuplot-nox)"
ARTIFACTS=$SRC/tests/out/plot-report
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"

# magic_is FILE png|svg|pdf: the file is non-empty and of that type
magic_is() {
	local f=$1 t=$2
	[ -s "$f" ] || fail "$f is missing or empty"
	case $t in
	png) [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
		fail "$f does not start with the PNG signature" ;;
	pdf) [ "$(head -c 5 "$f")" = "%PDF-" ] || fail "$f does not start with %PDF-"
	     tail -c 1024 "$f" | grep -q '%%EOF' || fail "$f has no %%EOF: cut short?" ;;
	svg) grep -q '<svg' "$f" || fail "$f has no <svg element"
	     grep -q '</svg>' "$f" || fail "$f has no </svg>: cut short?" ;;
	esac
	if command -v file >/dev/null; then
		local what
		what=$(file -b "$f")
		case $t in
		png) [[ $what == "PNG image data"* ]] || fail "file(1) says $f is: $what" ;;
		pdf) [[ $what == "PDF document"* ]] || fail "file(1) says $f is: $what" ;;
		svg) [[ $what == *"SVG"* ]] || fail "file(1) says $f is: $what" ;;
		esac
	fi
}

# figures_of RESULTS: the figure names objmem plot should write for it
figures_of() {
	python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
wl = []
for c in d["cells"]:
    if c["workload"] not in wl:
        wl.append(c["workload"])
for w in d.get("config", {}).get("workloads", []):
    if w not in wl:
        wl.append(w)
names = ["versions", "bytes-per-object"]
names += ["scaling-" + w for w in wl
          if any(c["workload"] == w and c["status"] == "ok" for c in d["cells"])]
kinds = any(c["status"] == "ok" and c["samples"].get("full") and
            (c["samples"]["full"]["rss"] != c["samples"]["full"]["uss"] or
             c["samples"]["full"]["pss"] != c["samples"]["full"]["uss"]) for c in d["cells"])
if kinds:
    names += ["memory-kinds-" + w for w in wl
              if any(c["workload"] == w and c["status"] == "ok" for c in d["cells"])]
print("\n".join(names))
EOF
}

# ---- results to plot: a real run, and the fixtures ----
RUN=$TMP/run.json
if command -v python3 >/dev/null; then
	expect_exit 0 "$OBJMEM" run -i python3 -w point3d,slots -n 1k,10k -r 1 -j 1 -o "$RUN" -q --no-table
	pass "a small real run to plot"
else
	cp "$SRC/tests/fixtures/results/small.json" "$RUN"
fi
cp "$SRC/tests/fixtures/results/small.json" "$TMP/small.json"
cp "$SRC/tests/fixtures/plot/gaps.json" "$TMP/gaps.json"

for name in run small gaps; do
	res=$TMP/$name.json
	out=$TMP/figs-$name
	expect_exit 0 "$OBJMEM" plot "$res" -o "$out" --format png,svg,pdf
	n=0
	for fig in $(figures_of "$res"); do
		for t in png svg pdf; do
			magic_is "$out/$fig.$t" $t
		done
		[ -s "$out/$fig.dat" ] || fail "$out/$fig.dat is missing"
		[ -s "$out/$fig.gp" ] || fail "$out/$fig.gp is missing"
		grep -qE "^  $fig " "$TMP/out" || fail "plot did not list $fig"
		n=$((n + 1))
	done
	[ $n -ge 3 ] || fail "only $n figures for $name"
	pass "$name: $n figures in png, svg and pdf, each of its type"

	# each script alone, in its directory, with plain gnuplot
	mkdir -p "$TMP/prev"
	for gp in "$out"/*.gp; do
		fig=$(basename "$gp" .gp)
		for t in png svg pdf; do mv "$out/$fig.$t" "$TMP/prev/$fig.$t"; done
		(cd "$out" && gnuplot "$fig.gp") >"$TMP/gp.log" 2>&1 ||
			{ cat "$TMP/gp.log"; fail "gnuplot $fig.gp failed when run alone"; }
		for t in png svg pdf; do magic_is "$out/$fig.$t" $t; done
		cmp -s "$out/$fig.png" "$TMP/prev/$fig.png" || fail "$fig.gp alone drew another PNG"
		cmp -s "$out/$fig.svg" "$TMP/prev/$fig.svg" || fail "$fig.gp alone drew another SVG"
	done
	pass "$name: every .gp draws its figure again when run alone"
	cp "$out/versions.png" "$ARTIFACTS/versions-$name.png"
done

# ---- gaps: NaN in the data, a word on the figure, never a zero ----
g=$TMP/figs-gaps
# rows: "# row N: label" comments, then: row ypos value min max status ...
row_of() { # row_of FILE N: the data line of bar N
	awk -v n="$2" '$1 == n && $0 !~ /^#/ { print; exit }' "$1"
}
label_of() { # label_of FILE N
	sed -n "s/^# row $2: \"\(.*\)\"$/\1/p" "$1"
}
[ "$(label_of "$g/versions.dat" 3)" = PyPy_3.10.14 ] || fail "row 3 of versions.dat is not PyPy"
row_of "$g/versions.dat" 3 | grep -q ' NaN NaN NaN failed ' || fail "failed cell not NaN in versions.dat"
row_of "$g/versions.dat" 6 | grep -q ' NaN NaN NaN missing ' || fail "missing cell not NaN in versions.dat"
row_of "$g/versions.dat" 11 | grep -q ' NaN NaN NaN skipped ' || fail "skipped cell not NaN in versions.dat"
for word in failed skipped missing; do
	grep -q ">$word<" "$g/versions.svg" || fail "versions.svg does not say '$word'"
done
grep -q '^1000000 NaN NaN failed$' "$g/scaling-point3d.dat" || fail "scaling data: failed 1M not NaN"
grep -q 'PyPy 3.10.14 at 1M (failed)' "$g/scaling-point3d.svg" || fail "scaling figure does not name the gap"
expect_exit 0 "$OBJMEM" plot "$TMP/gaps.json" -o "$TMP/markup" -f svg --title "a <b> & 'c'" -q
grep -q "a &lt;b> &amp; 'c'" "$TMP/markup/versions.svg" || fail "a title with markup is not escaped in the SVG"
pass "gaps are NaN in the data and labelled in the figures"

# ---- the default count and format, and usage errors ----
expect_exit 0 "$OBJMEM" plot "$TMP/small.json" -n 1k -q
[ -s "$TMP/small-figures/versions.png" ] && [ -s "$TMP/small-figures/versions.svg" ] ||
	fail "default output directory or formats wrong"
[ ! -e "$TMP/small-figures/versions.pdf" ] || fail "pdf drawn without being asked for"
grep -q '^# objmem figure .versions.: Memory for 1k objects' "$TMP/small-figures/versions.dat" ||
	fail "--count 1k not used"
pass "defaults: RESULTS-figures, png and svg; --count picks the bars' count"

expect_exit 2 "$OBJMEM" plot "$TMP/nonexistent.json" -o "$TMP/x"
expect_err "nonexistent.json"
expect_exit 2 "$OBJMEM" plot "$TMP/small.json" --format png,jpeg -o "$TMP/x"
expect_err "'jpeg' is not one of them"
touch "$TMP/afile"
expect_exit 2 "$OBJMEM" plot "$TMP/small.json" -o "$TMP/afile/sub"
expect_err "cannot create directory"
expect_exit 2 "$OBJMEM" plot "$TMP/small.json" -o "$TMP/afile"
expect_err "not a directory"
expect_exit 2 "$OBJMEM" plot "$TMP/small.json" -n 7k -o "$TMP/x"
expect_err "count 7k is not in the results"
expect_exit 2 "$OBJMEM" plot "$TMP/small.json" --gnuplot /nonexistent/gnuplot -o "$TMP/x"
expect_err "cannot run '/nonexistent/gnuplot'"
expect_exit 2 "$OBJMEM" plot
expect_err "give one results file"
expect_exit 0 "$OBJMEM" plot --help
grep -A1 "^examples:" "$TMP/out" | grep -q "^  objmem plot" || fail "plot --help has no example"
expect_exit 2 "$OBJMEM" report "$TMP/nonexistent.json"
expect_err "nonexistent.json"
expect_exit 2 "$OBJMEM" report "$TMP/small.json" -o "$TMP/afile"
expect_err "not a directory"
expect_exit 2 "$OBJMEM" report "$TMP/small.json" --bogus
expect_err "unknown option '--bogus'"
expect_exit 0 "$OBJMEM" report --help
grep -q "^example: objmem report" "$TMP/out" || fail "report --help has no example"
pass "usage errors exit 2 and say what is wrong"

# ---- the report ----
for name in run gaps; do
	rep=$TMP/report-$name
	expect_exit 0 "$OBJMEM" report "$TMP/$name.json" -o "$rep"
	[ -s "$rep/report.md" ] && [ -s "$rep/report.html" ] || fail "report files missing"
	# the answer first, the machine and probes last; a contents list links them
	order=$(grep -o '^<h2 id="[a-z-]*"' "$rep/report.html" | sed 's/.*id="//; s/"//' | tr '\n' ' ')
	# the five views when the run asked for them (a real run), not in the fixture
	want="answer bytes-per-object other-counts figures memory-by-count not-measured machine interpreters probe-details "
	[ $name = run ] && want="answer bytes-per-object other-counts figures memory-by-count views not-measured machine interpreters probe-details "
	[ "$order" = "$want" ] || fail "report.html's sections are, in order: $order"
	for id in answer bytes-per-object other-counts figures memory-by-count not-measured machine interpreters; do
		grep -qF "<a href=\"#$id\">" "$rep/report.html" || fail "the contents do not link to #$id"
	done
	! grep -qi '<script' "$rep/report.html" || fail "report.html holds a script"
	! grep -qiE '(src|href)="(https?:)?//' "$rep/report.html" || fail "report.html refers to the network"
	n_svg=$(grep -c '^<svg role="img"' "$rep/report.html")
	n_fig=$(( $(figures_of "$TMP/$name.json" | wc -l) + 1 ))   # and the peak chart
	[ "$n_svg" -eq "$n_fig" ] || fail "report.html has $n_svg inline SVGs, expected $n_fig"
	# the values of the tables (bytes per object; Count, AbsoluteUsage, Delta;
	# fits), as objmem show prints them
	"$OBJMEM" show "$TMP/$name.json" --format markdown | sed -n '/^\*\*Not measured/q; p' |
		grep -E '^\| [^-]' |
		awk -F'|' '{ for (i = 3; i < NF; i++) { v = $i; gsub(/^ +| +$/, "", v); if (v != "") print v } }' |
		sort -u >"$TMP/values-$name"
	[ -s "$TMP/values-$name" ] || fail "no table values to look for"
	cp "$rep/report.html" "$ARTIFACTS/report-$name.html"
	pass "$name: report.md and report.html with every section, $n_svg figures inline, no script"
done
grep -qF '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;' "$TMP/report-gaps/report.html" ||
	fail "the failure reason is not escaped in report.html"
grep -qF '| pypy3.10 | point3d | failed | 1M #1, 1M #2 |' "$TMP/report-gaps/report.md" ||
	fail "report.md does not list the failed cells with their counts"
pass "report: reasons escaped, failed cells listed with counts"

# ---- names are data: %, quotes, a newline, @, markup ----
# A workload file named pct%d.py used to make gnuplot stop with "Bad format
# character" (tic labels are formats); names from a results file may hold
# anything JSON can.
mkdir -p "$TMP/wl"
cp "$SRC/workloads/slots.py" "$TMP/wl/pct%d.py"
expect_exit 0 "$OBJMEM" run -i python3 -w "$TMP/wl/pct%d.py" -w slots -n 1k,2k -r 1 -o "$TMP/pct.json" -q --no-table
python3 - "$TMP/pct.json" "$TMP/odd.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
odd = "py'q\"%s\n@NAME@ <b>&"
old = d["interpreters"][0]["name"]
d["interpreters"][0]["name"] = odd
d["interpreters"][0]["probe"] = None   # no probe: figures name the build by its name
for c in d["cells"]:
    if c["interpreter"] == old:
        c["interpreter"] = odd
json.dump(d, open(sys.argv[2], "w"))
PY
for f in pct odd; do
	expect_exit 0 "$OBJMEM" plot "$TMP/$f.json" -o "$TMP/names-$f" --format png,svg -q
	for fig in versions bytes-per-object; do
		magic_is "$TMP/names-$f/$fig.png" png
		(cd "$TMP/names-$f" && gnuplot "$fig.gp") >"$TMP/gp.log" 2>&1 || { cat "$TMP/gp.log"; fail "$f: $fig.gp does not run alone"; }
	done
	expect_exit 0 "$OBJMEM" report "$TMP/$f.json" -o "$TMP/names-report-$f" -q
done
grep -qF "'pct%d'" "$TMP/names-pct/versions.gp" || fail "the workload's name is not in the script as it is"
grep -qF '>pct%d<' "$TMP/names-pct/versions.svg" || fail "the figure does not show the name pct%d"
grep -qF "'py''q\"%s\\n@NAME@ <b>&'" "$TMP/names-odd/versions.gp" ||
	{ grep -n "SERIES" "$TMP/names-odd/versions.gp"; fail "the odd name is not a literal string in the script"; }
# (Markdown has no line break inside a table cell: the newline shows as a space)
grep -qF 'py&#39;q&quot;%s @NAME@ &lt;b&gt;&amp;' "$TMP/names-report-odd/report.html" ||
	fail "report.html does not show the odd name as text, escaped once"
if grep -qF '&amp;lt;' "$TMP/names-report-odd/report.html"; then fail "report.html escapes a name twice"; fi
pass "names are data: pct%d.py and a name with quotes, %, a newline, @ and markup plot, draw and report"

# ---- the values are in the page (the browser test loads it: report-browser.sh) ----
for name in run gaps; do
	while read -r v; do
		v_html=$(printf '%s' "$v" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')
		grep -qF ">$v_html<" "$TMP/report-$name/report.html" ||
			fail "$name's report.html lacks the table value '$v'"
	done <"$TMP/values-$name"
	pass "$name's report.html holds the $(wc -l <"$TMP/values-$name") values of objmem show"
done
