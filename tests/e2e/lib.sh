# Sourced by the end-to-end tests: strict mode, a temporary directory that
# is removed on exit, the objmem binary, and small assertion helpers.
set -euo pipefail
export LC_ALL=C
SRC=${OBJMEM_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export OBJMEM_SRCDIR=$SRC
OBJMEM=${OBJMEM:-$SRC/objmem}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/objmem-e2e.XXXXXX")
# Extension builds go to a cache private to the test run.
export OBJMEM_CACHE=${OBJMEM_TEST_CACHE:-$TMP/cache}
# Only what the test names: no user definitions leak into the run.
export XDG_DATA_HOME=$TMP/data
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
CHECK="python3 $SRC/tests/e2e/check_results.py"

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }
skip() { echo "skip: $*"; exit 77; }

# cells_kept FILE: how many cells a run on FILE has kept so far. A run
# appends each cell to FILE.journal as one line (the lines of a run that did
# not resume are its cells); once the journal is folded, FILE holds them.
# Cheap enough to poll every 50 ms: no interpreter started while a journal
# is there.
cells_kept() {
	if [ -e "$1.journal" ]; then
		wc -l <"$1.journal"
	elif [ -e "$1" ]; then
		python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["cells"]))' "$1" \
			2>/dev/null || echo 0
	else
		echo 0
	fi
}

# expect_exit CODE CMD...: run CMD, fail unless it exits with CODE.
expect_exit() {
	local want=$1; shift
	set +e
	"$@" >"$TMP/out" 2>"$TMP/err"
	local got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout"; cat "$TMP/out"; echo "--- stderr"; cat "$TMP/err"
		fail "'$*' exited $got, expected $want"
	fi
}

# expect_err TEXT: the last command's stderr contains TEXT.
expect_err() {
	grep -qF -- "$1" "$TMP/err" || { cat "$TMP/err"; fail "stderr lacks '$1'"; }
}

# Every interpreter this machine has beyond the system python3: pyenv builds.
extra_interpreters() {
	local root=${PYENV_ROOT:-$HOME/.pyenv}
	for d in "$root"/versions/*/bin; do
		for exe in python pypy3 pypy; do
			if [ -x "$d/$exe" ]; then echo "$d/$exe"; break; fi
		done
	done 2>/dev/null
	command -v pypy3 2>/dev/null || true
}
