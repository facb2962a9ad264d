#!/usr/bin/env bash
# provision-definitions.sh - interpreters/write-definition writes valid,
# atomic definitions and rejects bad input without leaving a file behind.
set -eu

src=${OBJMEM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
writer=$src/interpreters/write-definition
if ! command -v python3 >/dev/null 2>&1; then
	echo "skip: python3 is needed to run $writer"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/defs
mkdir "$out"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A good definition, with an argv that has options and an environment.
if ! "$writer" --dir "$out" --name cpython-3.13-ft --env PYTHON_GIL=0 \
	--env 'EMPTY=' --tag cpython --tag free-threaded \
	--description 'CPython 3.13 --disable-gil' --provision cpython-3.13-ft \
	-- /opt/py/bin/python3.13t -X 'heapsize=1000M' >"$tmp/msg" 2>&1; then
	fail "good definition rejected: $(cat "$tmp/msg")"
fi
grep -q "^wrote $out/cpython-3.13-ft.json\$" "$tmp/msg" || fail "no 'wrote' line: $(cat "$tmp/msg")"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert sorted(d) == ["argv", "description", "env", "name", "provision", "tags"], sorted(d)
assert d["name"] == "cpython-3.13-ft"
assert d["argv"] == ["/opt/py/bin/python3.13t", "-X", "heapsize=1000M"], d["argv"]
assert d["env"] == {"PYTHON_GIL": "0", "EMPTY": ""}, d["env"]
assert d["tags"] == ["cpython", "free-threaded"], d["tags"]
assert d["description"] == "CPython 3.13 --disable-gil"
assert d["provision"] == "cpython-3.13-ft"
' "$out/cpython-3.13-ft.json" || fail "written JSON is not what was asked for"
"$writer" --validate "$out/cpython-3.13-ft.json" || fail "--validate rejects a written definition"

# Writing the same again changes nothing; a change is written.
"$writer" --dir "$out" --name cpython-3.13-ft --env PYTHON_GIL=0 --env 'EMPTY=' \
	--tag cpython --tag free-threaded --description 'CPython 3.13 --disable-gil' \
	--provision cpython-3.13-ft -- /opt/py/bin/python3.13t -X heapsize=1000M >"$tmp/msg" 2>&1 ||
	fail "rewrite failed"
grep -q '^unchanged ' "$tmp/msg" || fail "same definition not reported unchanged: $(cat "$tmp/msg")"
"$writer" --dir "$out" --name cpython-3.13-ft -- /opt/py/bin/python3.13t >"$tmp/msg" 2>&1 ||
	fail "changed definition rejected"
grep -q '^wrote ' "$tmp/msg" || fail "changed definition not rewritten"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["env"] == {} and d["tags"] == []' \
	"$out/cpython-3.13-ft.json" || fail "rewrite kept old fields"

# A bare command is looked up on PATH; --check wants it there.
"$writer" --dir "$out" --name python3 --check -- python3 >/dev/null || fail "bare 'python3' with --check rejected"

# Bad input: exit non-zero, say why, write nothing.
reject() { # DESCRIPTION ARGS...
	local what=$1
	shift
	local before after
	before=$(find "$out" -mindepth 1 | sort)
	if "$writer" "$@" >"$tmp/msg" 2>&1; then
		fail "accepted $what"
		return
	fi
	grep -q '^error: ' "$tmp/msg" || fail "no 'error:' message for $what: $(cat "$tmp/msg")"
	after=$(find "$out" -mindepth 1 | sort)
	[ "$before" = "$after" ] || fail "files changed after rejecting $what"
}
reject "a name with a slash" --dir "$out" --name 'a/b' -- /bin/true
reject "an empty name" --dir "$out" --name '' -- /bin/true
reject "no argv" --dir "$out" --name x --
reject "no '--'" --dir "$out" --name x /bin/true
reject "a relative argv[0] with a slash" --dir "$out" --name x -- bin/python
reject "an empty argv[0]" --dir "$out" --name x -- ''
reject "a bad env name" --dir "$out" --name x --env '1X=y' -- /bin/true
reject "an env without '='" --dir "$out" --name x --env 'NOVALUE' -- /bin/true
reject "an env given twice" --dir "$out" --name x --env A=1 --env A=2 -- /bin/true
reject "an uppercase tag" --dir "$out" --name x --tag CPython -- /bin/true
reject "a duplicate tag" --dir "$out" --name x --tag a --tag a -- /bin/true
reject "a newline in the description" --dir "$out" --name x --description $'two\nlines' -- /bin/true
reject "an unknown option" --dir "$out" --name x --colour red -- /bin/true
reject "a missing directory" --dir "$tmp/nowhere" --name x -- /bin/true
reject "--check of a missing program" --dir "$out" --name x --check -- /nonexistent/python
reject "--check of a command not on PATH" --dir "$out" --name x --check -- objmem-no-such-python

# --validate: unknown keys, wrong types, bad JSON, duplicate names.
printf '{"name": "x", "argv": ["/bin/true"], "colour": "red"}\n' >"$tmp/unknown.json"
printf '{"name": "x", "argv": "/bin/true"}\n' >"$tmp/string-argv.json"
printf '{"name": "x", "argv": ["/bin/true"], "env": {"A": 1}}\n' >"$tmp/int-env.json"
printf '{"name": "x", "argv": ["/bin/true"]\n' >"$tmp/truncated.json"
printf '[{"name": "x", "argv": ["/bin/true"]}, {"name": "x", "argv": ["/bin/false"]}]\n' >"$tmp/dup.json"
printf '{"argv": ["/bin/true"]}\n' >"$tmp/noname.json"
for f in unknown string-argv int-env truncated dup noname; do
	if "$writer" --validate "$tmp/$f.json" >"$tmp/msg" 2>&1; then
		fail "--validate accepted $f.json"
	elif ! grep -q '^error: ' "$tmp/msg"; then
		fail "--validate of $f.json gave no 'error:' line"
	fi
done
printf '[{"name": "a", "argv": ["python3"]}, {"name": "b", "argv": ["python3"], "env": {"PYTHONMALLOC": "malloc"}}]\n' >"$tmp/array.json"
"$writer" --validate "$tmp/array.json" || fail "--validate rejected an array of good definitions"

# No temporary file is left behind.
if [ -n "$(find "$out" -name '*.tmp')" ]; then fail "temporary files left in $out"; fi

# The definitions committed in the repository are valid.
for f in "$src"/interpreters/*.json; do
	[ -e "$f" ] || continue
	"$writer" --validate "$f" || fail "repository definition $f is invalid"
done

if [ "$failures" -ne 0 ]; then
	echo "provision-definitions: $failures failure(s)"
	exit 1
fi
echo "provision-definitions: ok"
