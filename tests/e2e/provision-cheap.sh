#!/usr/bin/env bash
# provision-cheap.sh - interpreters/provision really provisions one cheap
# target (PyPy 2.7 from Debian 11: download and unpack, about 30 s) into a
# temporary prefix, writes a definition whose interpreter runs, leaves it
# alone on a second run, and reports a failing target without stopping the
# others; then CPython 3.14 from Debian unstable, which needs a newer C
# library than the system's and brings its own.  Skips (77) when the Debian
# archive is not reachable.
set -eu

src=${OBJMEM_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
provision=$src/interpreters/provision
writer=$src/interpreters/write-definition
target=pypy2.7-bullseye

for tool in apt-get dpkg-deb python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skip: $tool not found (provision needs a Debian system)"
		exit 77
	fi
done
if [ "$(id -u)" -ne 0 ] && ! command -v patchelf >/dev/null 2>&1; then
	echo "skip: patchelf is missing and installing it needs root (apt-get install patchelf)"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

if ! "$provision" --prefix "$prefix" --check-archive >"$tmp/check.out" 2>&1; then
	echo "skip: the Debian archive is not reachable:"
	sed 's/^/    /' "$tmp/check.out"
	exit 77
fi

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 1. Provision the cheap target from nothing.
start=$(date +%s)
if ! "$provision" --prefix "$prefix" --jobs 2 "$target" >"$tmp/run1.out" 2>&1; then
	cat "$tmp/run1.out"
	echo "FAIL: provision $target exited non-zero"
	exit 1
fi
echo "provisioned $target in $(($(date +%s) - start)) s"
def=$prefix/interpreters/$target.json
[ -f "$def" ] || fail "no definition $def"
[ -f "$prefix/builds/$target/.objmem-stamp" ] || fail "no stamp file"
[ -s "$prefix/logs/$target.log" ] || fail "no build log"
"$writer" --validate "$def" || fail "definition does not validate"
# The stamp carries the identity of the recipe that made the build.
identity=$("$provision" --prefix "$prefix" --show "$target" | sed -n 's/^identity: //p')
grep -qx "identity=$identity" "$prefix/builds/$target/.objmem-stamp" ||
	fail "the stamp lacks the recipe's identity $identity"

# 2. The definition is JSON, names the target, and its argv runs.
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["name"] == sys.argv[2], d["name"]
assert d["provision"] == sys.argv[2]
assert d["argv"][0].startswith(sys.argv[3] + "/builds/"), d["argv"]
assert "pypy" in d["tags"], d["tags"]
for a in d["argv"]:
    print(a)
' "$def" "$target" "$prefix" >"$tmp/argv" || fail "definition content is wrong"
mapfile -t argv <"$tmp/argv"
if version=$(env -u LD_LIBRARY_PATH "${argv[@]}" -c 'import sys; print(sys.version)' 2>&1); then
	echo "interpreter says: $version"
	case $version in
	2.7.*PyPy*) ;;
	*) fail "unexpected version: $version" ;;
	esac
else
	fail "interpreter does not run: $version"
fi

# 3. A second run leaves it alone.
"$provision" --prefix "$prefix" "$target" >"$tmp/run2.out" 2>&1 || fail "second run exited non-zero"
grep -q "^$target  *up to date " "$tmp/run2.out" || {
	cat "$tmp/run2.out"
	fail "second run did not report '$target up to date'"
}

# 4. A target that fails (archive on a closed local port) is reported with
#    its reason and exit status 1, and the others go on.
set +e
OBJMEM_DEBIAN_ARCHIVE=http://127.0.0.1:9/debian \
	"$provision" --prefix "$prefix" pypy3.7-bullseye "$target" >"$tmp/run3.out" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "a failed target gave exit status $rc, not 1"
grep -q '^pypy3.7-bullseye  *failed ' "$tmp/run3.out" || fail "failure not in the summary"
grep -q 'FAILED after .*: ' "$tmp/run3.out" || fail "failure reason not printed"
grep -q "^$target  *up to date " "$tmp/run3.out" || fail "the other target did not go on"
if [ "$failures" -ne 0 ]; then
	cat "$tmp/run3.out"
fi

# 5. A build newer than this system's C library: Debian unstable's CPython
#    3.14 with sid's own libc6 (download, unpack, patchelf --set-interpreter:
#    about 10 s). Its interpreter runs from the root, with the root's loader.
if "$provision" --prefix "$prefix" cpython-3.14 >"$tmp/run4.out" 2>&1; then
	d314=$prefix/interpreters/cpython-3.14.json
	exe=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["argv"][0])' "$d314")
	v=$(env -u LD_LIBRARY_PATH "$exe" -c 'import sys, sysconfig; print(sys.version.split()[0], sys.prefix)' 2>&1) ||
		fail "cpython-3.14 does not run: $v"
	case $v in
	"3.14."*" $prefix/builds/cpython-3.14/root/usr") echo "cpython-3.14 says: $v" ;;
	*) fail "cpython-3.14: unexpected '$v'" ;;
	esac
	interp=$(patchelf --print-interpreter "$exe")
	case $interp in
	"$prefix/builds/cpython-3.14/root/"*) ;;
	*) fail "cpython-3.14 runs with the system's loader ($interp), not its root's" ;;
	esac
	grep -q "with its own C library" "$prefix/builds/cpython-3.14/.objmem-stamp" ||
		fail "the stamp does not say the build has its own C library"
else
	cat "$tmp/run4.out"
	fail "provision cpython-3.14 failed"
fi

if [ "$failures" -ne 0 ]; then
	echo "provision-cheap: $failures failure(s)"
	exit 1
fi
echo "provision-cheap: ok"
