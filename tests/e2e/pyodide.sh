#!/usr/bin/env bash
# pyodide.sh - Python on WebAssembly: interpreters/provision installs the
# npm package pyodide into a temporary prefix with the shim
# interpreters/pyodide/python.mjs, and objmem measures it as any other
# child (the Node process's USS):
#   - the probe sees CPython on wasm32: 4-byte pointers, malloc (no pymalloc);
#   - the shim behaves as python does: -c, sys.argv, the exit status of
#     sys.exit and os._exit, stdin and stdout unbuffered;
#   - a slots cell at 2M objects costs what its layout says: the view's
#     allocator figure (28 requested bytes -> a 32-byte dlmalloc chunk),
#     less at most what start-up left free for the first objects (the
#     cell's note says how much), give or take a byte: with the young
#     generation the definition fixes at 1 MB a semi-space, V8 can give
#     back 2 MB during the cell (1 B/object at 2M; left to grow, it gave
#     back 10 MB in one cell in ten, read as 25.5);
#   - the heap is never given back: freed reads as full, and the note says
#     so.
# Skips (77) when node or npm is missing or the npm registry does not answer.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

for tool in node npm; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not found (scripts/install-deps installs nodejs and npm)"
done
if ! timeout 60 npm view pyodide version >"$TMP/npm.out" 2>&1; then
	skip "the npm registry does not answer: $(tail -n 1 "$TMP/npm.out")"
fi

prefix=$TMP/prefix
start=$(date +%s)
if ! "$SRC/interpreters/provision" --prefix "$prefix" pyodide >"$TMP/prov.out" 2>&1; then
	cat "$TMP/prov.out"
	fail "provision pyodide failed"
fi
pass "provisioned pyodide in $(($(date +%s) - start)) s"
def=$prefix/interpreters/pyodide.json
[ -f "$def" ] || fail "no definition $def"
mapfile -t argv < <(python3 -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["argv"]))' "$def")

# The shim as a python executable.
out=$("${argv[@]}" -c 'import sys; print(sys.platform, sys.maxsize, sys.argv[1:])' a b) ||
	fail "the shim does not run -c"
[ "$out" = "emscripten 2147483647 ['a', 'b']" ] || fail "the shim said '$out'"
set +e
"${argv[@]}" -c 'import sys; sys.exit(7)'; rc1=$?
"${argv[@]}" -c 'import os; os._exit(5)'; rc2=$?
echo 'hello' | "${argv[@]}" -c 'import os; os.write(1, os.read(0, 100).upper())' >"$TMP/echo"; rc3=$?
set -e
[ "$rc1" -eq 7 ] || fail "sys.exit(7) gave exit status $rc1"
[ "$rc2" -eq 5 ] || fail "os._exit(5) gave exit status $rc2"
if [ "$rc3" -ne 0 ] || [ "$(cat "$TMP/echo")" != HELLO ]; then
	fail "stdin to stdout: status $rc3, '$(cat "$TMP/echo")'"
fi
pass "the shim runs -c, passes argv, stdin and stdout, and exits as Python says"

export OBJMEM_INTERPRETERS=$prefix/interpreters
expect_exit 0 "$OBJMEM" run -q -i pyodide -w slots -n 2000000 -r 1 -o "$TMP/r.json"
python3 - "$TMP/r.json" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
probe = d["interpreters"]["pyodide"]["probe"] if isinstance(d["interpreters"], dict) else \
    [i for i in d["interpreters"] if i["name"] == "pyodide"][0]["probe"]
assert probe["pointer_bits"] == 32 and probe["machine"] == "wasm32", probe
assert probe["allocator"] == "malloc", probe["allocator"]
assert probe.get("pyodide"), "the probe does not name the Pyodide release"
cell = [c for c in d["cells"] if c["count"] == 2000000][0]
assert cell["status"] == "ok", cell
s = cell["samples"]
per = ((s["full"]["uss"] - s["full"]["private_clean"]) - (s["base"]["uss"] - s["base"]["private_clean"])) / 2e6
note = cell["note"] or ""
assert "4-byte pointers" in note and "never given back" in note, note
m = re.search(r"reuse up to ([0-9.]+) MB", note)
assert m, note
reuse = float(m.group(1)) * 1e6 / 2e6
# freed reads as full: the wasm heap does not shrink
assert s["freed"]["anon"] >= s["full"]["anon"] - 64 * 1024, (s["freed"], s["full"])
view = [v for v in d["views"] if v["interpreter"] == "pyodide" and v["workload"] == "slots"][0]
blocks = view["requested_blocks"]
assert len(blocks) == 1 and blocks[0][0] == 28 and abs(blocks[0][1] - 1) < 0.01, blocks
lo, hi = 32 - reuse - 1, 32 + 1
print("slots on wasm32 at 2M: %.2f B/object (allocator 32, start-up reuse up to %.2f)" % (per, reuse))
assert lo <= per <= hi, "%.2f not within [%.2f, %.2f]" % (per, lo, hi)
PY
pass "a slots object on wasm32 costs its 32-byte chunk, less what start-up left free"
"$OBJMEM" show --explain "$TMP/r.json" >"$TMP/explain.out"
grep -q '32-bit dlmalloc (4-byte header, 8-byte steps): 28->32.0' "$TMP/explain.out" ||
	{ cat "$TMP/explain.out"; fail "show --explain does not round with the 32-bit dlmalloc"; }
pass "show --explain rounds with the 32-bit dlmalloc"
