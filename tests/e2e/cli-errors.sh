#!/usr/bin/env bash
# Bad input gets a clear error naming the option, exit 2, and nothing written.
. "$(dirname "$0")/lib.sh"
o=$TMP/never.json
while IFS='|' read -r args msg; do
	[ -z "$args" ] && continue
	# shellcheck disable=SC2086
	expect_exit 2 "$OBJMEM" run $args -o "$o" -q
	expect_err "$msg"
	[ ! -e "$o" ] || fail "'$args' wrote a results file"
	pass "run $args: $msg"
done <<'TABLE'
-n -5|--counts takes object counts like 100,1k,10M, not '-5': a count is a positive whole number without sign
-n 0|a count must be at least 1
-n 1e99|not a fraction or exponent
-n abc|a count starts with a digit
-n 10Q|unknown suffix
-n 2000G|count too large
-r 0|--repeat takes a whole number from 1 to 1000
-r x|--repeat takes a whole number
-j 0|--jobs takes a whole number from 1 to 256
-w slotz|unknown workload 'slotz'; did you mean 'slots'?
-i no-such-python-anywhere|no interpreter definition
-p nosuch|--preset takes default, versions, quick or tries, not 'nosuch'
--bogus|unknown option '--bogus'
-t -1|--timeout takes seconds
--shard 3/2|--shard takes K/N
--max-memory lots|--max-memory takes a size
TABLE

expect_exit 2 "$OBJMEM" frobnicate
expect_err "unknown command 'frobnicate'"
expect_exit 2 "$OBJMEM" show "$TMP/missing.json"
expect_err "missing.json"
expect_exit 0 "$OBJMEM" run --help
grep -q -- "--counts" "$TMP/out" || fail "run --help lacks --counts"
grep -q "example" "$TMP/out" || fail "run --help lacks an example"
pass "unknown command, missing file, --help"

# results files of another schema, truncated, or not JSON: a message naming the file
fx=$SRC/tests/fixtures/results
expect_exit 2 "$OBJMEM" show "$fx/other-schema.json"
expect_err "other-schema.json"
expect_err "objmem-results/1"
expect_exit 2 "$OBJMEM" show "$fx/truncated.json"
expect_err "truncated"
expect_exit 2 "$OBJMEM" show "$fx/garbage.json"
expect_err "garbage.json:1:"
pass "show: another schema, truncated, garbage"

# show -n: a count the file lacks is an error naming those it has, in every format
for f in text markdown csv json; do
	expect_exit 2 "$OBJMEM" show "$fx/small.json" -n 5k --format $f
	expect_err "count 5k is not in the results; they have"
	[ ! -s "$TMP/out" ] || fail "show -n 5k --format $f printed a table"
done
expect_exit 0 "$OBJMEM" show "$fx/small.json" --brief -n 1k
[ "$(grep -c "Bytes per object at" "$TMP/out")" -eq 1 ] || fail "--brief -n prints more than one table"
grep -q "Not measured\|Memory for" "$TMP/out" && fail "--brief -n prints more than the one table"
pass "show -n: a missing count exits 2 naming the counts; --brief -n is one table"

# a malformed definition stops the run with file:line:col
defs=$TMP/defs; mkdir -p "$defs"
printf '{"name": "x",\n  "argv": ["python3"],,\n}\n' > "$defs/bad.json"
OBJMEM_INTERPRETERS=$defs expect_exit 2 "$OBJMEM" run -w slots -n 1k -o "$o" -q
expect_err "bad.json:2:"
printf '{"name": "x", "argv": [], "colour": 1}\n' > "$defs/bad.json"
OBJMEM_INTERPRETERS=$defs expect_exit 2 "$OBJMEM" list interpreters
expect_err "unknown key"
[ ! -e "$o" ] || fail "a bad definition wrote a results file"
pass "bad definitions: file, line and column; nothing written"

# every command takes --version; a run records its whole command line
for cmd in run show list interpreters plot report compare merge trend upload; do
	expect_exit 0 "$OBJMEM" "$cmd" --version
	grep -qx "objmem [0-9][0-9.]*" "$TMP/out" || fail "objmem $cmd --version printed '$(cat "$TMP/out")'"
done
expect_exit 0 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o "$TMP/cmd.json" -q --no-table --no-views
[ "$($CHECK "$TMP/cmd.json" field config.command.1)" = run ] || fail "config.command lacks the subcommand"
pass "--version in every command; config.command is the whole command line"

# -V; every help ends with its exit statuses; a usage error is one line and a pointer
for v in -V --version; do
	expect_exit 0 "$OBJMEM" "$v"
	grep -qx "objmem [0-9][0-9.]*" "$TMP/out" || fail "objmem $v printed '$(cat "$TMP/out")'"
done
for cmd in "" run show list interpreters plot report compare merge trend upload; do
	# shellcheck disable=SC2086
	expect_exit 0 "$OBJMEM" $cmd --help
	python3 - "$TMP/out" "${cmd:-objmem}" <<'PY' || fail "'${cmd:-objmem} --help' does not end with its exit statuses"
import sys
paras = open(sys.argv[1]).read().rstrip("\n").split("\n\n")
assert paras[-1].startswith("exit status:"), (sys.argv[2], paras[-1][:80])
PY
	[ -z "$cmd" ] && continue
	expect_exit 2 "$OBJMEM" "$cmd" --no-such-option
	[ "$(wc -l <"$TMP/err")" -eq 2 ] || { cat "$TMP/err"; fail "$cmd: a usage error is not two lines"; }
	expect_err "error: objmem $cmd: unknown option '--no-such-option'"
	expect_err "run 'objmem $cmd --help' for the options"
	[ -s "$TMP/out" ] && fail "$cmd: a usage error printed the help"
done
pass "-V; every --help ends with its exit statuses; a usage error is one line and where the help is"
