#!/usr/bin/env bash
# report-browser.sh - report.html in a real browser: Debian's Chromium,
# headless, driven through the DevTools protocol by puppeteer-core
# (tests/browser/check-report.mjs; nothing downloads a browser).
#
# Expected, for the report of 23 builds (fixture plot/many.json) and of 4
# builds with every kind of gap (plot/gaps.json), at 1400 and 400 pixels:
# the page is no wider than the window, every figure lies inside it, wide
# tables scroll in their own box, the contents' links lead to headings,
# no request leaves the page, and the console stays silent. Screenshots
# are kept in tests/out/report-browser/.
#
# Skips, with a message, only where Chromium is absent; puppeteer-core comes
# from tests/browser/package-lock.json (scripts/install-deps --test runs
# npm ci there).
. "$(dirname "$0")/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || CHROMIUM=$(command -v chromium || true)
[ -n "$CHROMIUM" ] && [ -x "$CHROMIUM" ] ||
	skip "chromium is not installed (Debian: apt-get install chromium; scripts/install-deps --test does it)"
command -v node >/dev/null ||
	fail "node is not installed: run scripts/install-deps --test (Debian's nodejs and npm)"
[ -d "$SRC/tests/browser/node_modules/puppeteer-core" ] ||
	fail "puppeteer-core is not installed: run scripts/install-deps --test (npm ci in tests/browser)"
ARTIFACTS=$SRC/tests/out/report-browser
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
# chromium writes crash reports and settings under HOME: keep them in TMP
export HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config XDG_CACHE_HOME=$TMP/home/.cache
mkdir -p "$HOME"

for name in many gaps; do
	rep=$TMP/report-$name
	expect_exit 0 "$OBJMEM" report "$SRC/tests/fixtures/plot/$name.json" -o "$rep" -q
	mkdir -p "$ARTIFACTS/$name"
	CHROMIUM=$CHROMIUM timeout 300 node "$SRC/tests/browser/check-report.mjs" \
		"$rep/report.html" "$ARTIFACTS/$name" 1400 400 >"$TMP/browser.log" 2>&1 ||
		{ cat "$TMP/browser.log"; fail "$name's report.html in Chromium"; }
	sed "s/^ok: /ok: $name: /" "$TMP/browser.log"
done

# The check itself catches a page that is too wide: a figure forced wider
# than the window must fail it.
bad=$TMP/report-bad
cp -r "$TMP/report-gaps" "$bad"
sed -i 's|<svg role="img"|<svg style="min-width:900px" role="img"|' "$bad/report.html"
if CHROMIUM=$CHROMIUM timeout 300 node "$SRC/tests/browser/check-report.mjs" "$bad/report.html" \
	"$TMP" 400 >"$TMP/browser.log" 2>&1; then
	cat "$TMP/browser.log"
	fail "a page with 900-pixel figures passed the 400-pixel check"
fi
grep -q "FAIL: 400px: the page is" "$TMP/browser.log" || { cat "$TMP/browser.log"; fail "the check did not say the page is too wide"; }
pass "a page with figures wider than the window fails the check"

# ... and a page that reaches out: a request or the policy's refusal fails it
sed 's|<main>|<main><img src="http://127.0.0.1:9/pixel.png" alt="">|' "$TMP/report-gaps/report.html" >"$bad/report.html"
if CHROMIUM=$CHROMIUM timeout 300 node "$SRC/tests/browser/check-report.mjs" "$bad/report.html" \
	"$TMP" 1400 >"$TMP/browser.log" 2>&1; then
	cat "$TMP/browser.log"
	fail "a page that loads an image from the network passed the check"
fi
grep -Eq "FAIL: 1400px: (a request left the page|console)" "$TMP/browser.log" ||
	{ cat "$TMP/browser.log"; fail "the check did not name the request"; }
pass "a page that reaches the network fails the check"
