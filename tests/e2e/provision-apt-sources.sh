#!/usr/bin/env bash
# provision-apt-sources.sh - interpreters/provision finds the Debian archive
# (URI and signed-by) in a machine's apt sources: one-line and deb822
# formats, options in brackets, disabled stanzas, cdrom entries, several
# files, no entry for the release.  Runs `provision --print-archive` on the
# fixtures of tests/fixtures/apt/ (OBJMEM_APT_ETC stands for /etc/apt,
# OBJMEM_OS_RELEASE for /etc/os-release); needs no network and no archive.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

provision=$SRC/interpreters/provision
fixtures=$SRC/tests/fixtures/apt
[ -d "$fixtures" ] || fail "no fixtures in $fixtures"
command -v awk >/dev/null 2>&1 || skip "awk not found"

# The keyring the private view uses when the entry names no key file that
# exists here.
default_keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$default_keyring" ] || default_keyring=

# print_archive CASE-DIR: run --print-archive on a fixture; output in $TMP/out.
print_archive() {
	OBJMEM_APT_ETC=$1/apt OBJMEM_OS_RELEASE=$1/os-release \
		"$provision" --print-archive >"$TMP/out" 2>"$TMP/err"
}
field() { sed -n "s/^$1=//p" "$TMP/out"; }

# CASE | URI | SIGNED-BY (as the entry gives it) | FILE the entry is in
expected='
oneline-signed-by|http://mirror.example.org/debian|/usr/share/keyrings/example-archive.gpg|sources.list
oneline-spaced-options|https://mirror.example.net/debian|/usr/share/keyrings/example-mirror.gpg|sources.list
deb822-disabled-first|http://deb.example.org/debian|/usr/share/keyrings/debian-archive-keyring.gpg|sources.list.d/debian.sources
deb822-inline-key|https://mirror.example.org/debian|inline|sources.list.d/mirror.sources
cdrom-first|http://ftp.example.net/debian||sources.list.d/debian.sources
trailing-slash|http://mirror.example.org/debian||sources.list
several-files|http://deb.example.org/debian|/usr/share/keyrings/debian-archive-keyring.gpg|sources.list.d/debian.sources
'
checked=' no-entry '
while IFS='|' read -r case uri key file; do
	[ -n "$case" ] || continue
	checked="$checked$case "
	dir=$fixtures/$case
	[ -d "$dir" ] || fail "$case: no fixture $dir"
	if ! print_archive "$dir"; then
		cat "$TMP/err"
		fail "$case: --print-archive failed"
	fi
	[ "$(field uri)" = "$uri" ] || fail "$case: uri '$(field uri)', expected '$uri'"
	[ "$(field signed-by)" = "$key" ] || fail "$case: signed-by '$(field signed-by)', expected '$key'"
	[ "$(field file)" = "$dir/apt/$file" ] || fail "$case: found in '$(field file)', expected $dir/apt/$file"
	# A key file that is not there (these are made up) or an inline key: the
	# private view checks with the stock keyring.
	want_keyring=$default_keyring
	if [ -n "$key" ] && [ -f "$key" ]; then want_keyring=$key; fi
	[ "$(field keyring)" = "$want_keyring" ] || fail "$case: keyring '$(field keyring)', expected '$want_keyring'"
	pass "$case: $uri${key:+ signed-by $key}"
done <<<"$expected"

# Every fixture has an expectation.
for dir in "$fixtures"/*/; do
	case=$(basename "$dir")
	case $checked in
	*" $case "*) ;;
	*) fail "fixture $case has no expectation in $0" ;;
	esac
done

# No entry for the release: exit 1, say why, print nothing on stdout.
if print_archive "$fixtures/no-entry"; then
	cat "$TMP/out"
	fail "no-entry: --print-archive found an archive"
fi
[ ! -s "$TMP/out" ] || fail "no-entry: printed $(cat "$TMP/out")"
grep -q "no 'deb' entry for 'bookworm main'" "$TMP/err" || { cat "$TMP/err"; fail "no-entry: no reason given"; }
grep -q "OBJMEM_DEBIAN_ARCHIVE" "$TMP/err" || fail "no-entry: the message does not name OBJMEM_DEBIAN_ARCHIVE"
pass "no-entry: exit 1 with a reason"

# OBJMEM_DEBIAN_ARCHIVE wins over the sources (trailing slash dropped).
OBJMEM_DEBIAN_ARCHIVE=http://override.example.org/debian/ print_archive "$fixtures/no-entry" ||
	fail "OBJMEM_DEBIAN_ARCHIVE: --print-archive failed"
[ "$(field uri)" = http://override.example.org/debian ] || fail "OBJMEM_DEBIAN_ARCHIVE: uri '$(field uri)'"
[ "$(field file)" = OBJMEM_DEBIAN_ARCHIVE ] || fail "OBJMEM_DEBIAN_ARCHIVE: file '$(field file)'"
pass "OBJMEM_DEBIAN_ARCHIVE overrides the sources"

# A signed-by key file that exists is the keyring the private view uses.
mkdir -p "$TMP/keyed/apt" "$TMP/keys"
: >"$TMP/keys/archive.gpg"
cp "$fixtures/oneline-signed-by/os-release" "$TMP/keyed/os-release"
printf 'deb [signed-by=%s] http://keyed.example.org/debian bookworm main\n' "$TMP/keys/archive.gpg" \
	>"$TMP/keyed/apt/sources.list"
print_archive "$TMP/keyed" || fail "keyed: --print-archive failed"
[ "$(field keyring)" = "$TMP/keys/archive.gpg" ] || fail "keyed: keyring '$(field keyring)', expected $TMP/keys/archive.gpg"
pass "an existing signed-by file is the keyring"

# No os-release, or one without VERSION_CODENAME: no archive, a reason.
mkdir -p "$TMP/nocodename"
cp -r "$fixtures/oneline-signed-by/apt" "$TMP/nocodename/apt"
printf 'ID=debian\n' >"$TMP/nocodename/os-release"
if print_archive "$TMP/nocodename"; then fail "nocodename: found an archive"; fi
grep -q 'VERSION_CODENAME' "$TMP/err" || { cat "$TMP/err"; fail "nocodename: no reason given"; }
rm "$TMP/nocodename/os-release"
if print_archive "$TMP/nocodename"; then fail "no os-release: found an archive"; fi
pass "no codename: exit 1 with a reason"

# An empty apt folder: no archive.
mkdir -p "$TMP/empty/apt"
cp "$fixtures/oneline-signed-by/os-release" "$TMP/empty/os-release"
if print_archive "$TMP/empty"; then fail "empty: found an archive"; fi
pass "no sources: exit 1"

echo "provision-apt-sources: ok"
