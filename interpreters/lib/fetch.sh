# shellcheck shell=bash
# lib/fetch.sh - how things are had: the running system's packages, the
# Debian archive that its apt is configured with, the private apt view of
# other suites, and source package downloads.  Sourced by
# interpreters/provision; recipes call these helpers.
#
# These helpers fetch and install; they do not decide what a build is (what
# they fetched is named on the stamp's source= line).  So they are not part of
# any recipe's identity: a change here rebuilds nothing.  A helper that shapes
# a build belongs to another file of lib/.
#
# Uses from the driver: prefix, run_id, force_update, aptv_view (the private
# view's "TYPE SUITE" lines, gathered from every recipe's APT_VIEW), note, fail.
# shellcheck disable=SC2154

# ---------------------------------------------------------------- the system
as_root() {
	if ((EUID == 0)); then
		"$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		fail "needs root for '$*': run as root, or install the packages first"
	fi
}

# Install Debian packages of the running system that are not installed yet.
sys_install() {
	local p missing=()
	for p in "$@"; do
		if [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) != installed ]]; then
			missing+=("$p")
		fi
	done
	((${#missing[@]})) || return 0
	note "apt-get install ${missing[*]}"
	local cmd=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q
		--no-install-recommends -o DPkg::Lock::Timeout=900 "${missing[@]}")
	if ! as_root "${cmd[@]}"; then
		note "install failed; apt-get update and one more try"
		as_root apt-get update -q -o DPkg::Lock::Timeout=900 ||
			fail "apt-get update failed: is the Debian archive reachable?"
		as_root "${cmd[@]}" || fail "apt-get install ${missing[*]} failed"
	fi
}

# The installed version of a Debian package (empty if not installed).
sys_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

# X.Y of the system's /usr/bin/python3.
debian_pyver() {
	/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' ||
		fail "/usr/bin/python3 does not run"
}

# ---------------------------------------------------------------- apt sources
# Where the system's apt configuration and os-release are read from; tests
# point these at fixtures (tests/fixtures/apt/).
apt_etc() { printf '%s' "${OBJMEM_APT_ETC:-/etc/apt}"; }
os_release() { printf '%s' "${OBJMEM_OS_RELEASE:-/etc/os-release}"; }

# The running release's codename (VERSION_CODENAME of os-release).
os_codename() {
	local f
	f=$(os_release)
	[[ -r $f ]] || return 1
	sed -n 's/^VERSION_CODENAME=//p' "$f" | head -n 1 | tr -d "\"' "
}

# The files apt reads its sources from, in apt's order: sources.list, then
# sources.list.d/*.list and *.sources in name order.
apt_source_files() {
	local etc f
	etc=$(apt_etc)
	[[ -f $etc/sources.list ]] && printf '%s\n' "$etc/sources.list"
	for f in "$etc"/sources.list.d/*; do
		[[ -f $f && ($f == *.list || $f == *.sources) ]] && printf '%s\n' "$f"
	done
	return 0
}

# The first entry of FILE (one-line or deb822 format) that is a 'deb' entry
# for suite CODENAME with component main, enabled and not a cdrom.  Prints
# "URI<TAB>SIGNED-BY" (SIGNED-BY as the entry gives it: a path, "inline" for
# a key block, or empty), nothing when there is none.
apt_entry_in() { # FILE CODENAME
	local f=$1 cn=$2
	if [[ $f == *.sources ]]; then
		# deb822: stanzas of "Field: value" lines separated by blank lines;
		# a line starting with a space or tab continues the field before it.
		awk -v cn="$cn" '
			function has(list, word) { return (" " list " ") ~ (" " word " ") }
			function flush(   n, u, i) {
				if (has(types, "deb") && has(suites, cn) && has(comps, "main") &&
				    tolower(enabled) != "no") {
					n = split(uris, u, " ")
					for (i = 1; i <= n; i++) {
						if (u[i] !~ /^cdrom:/) { printf "%s\t%s\n", u[i], key; found = 1; exit }
					}
				}
				types = uris = suites = comps = key = enabled = field = ""
			}
			/^#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[ \t]/ {
				val = $0; gsub(/[ \t]+/, " ", val)
				if (field == "signed-by") { if (key == "") key = "inline" }
				else if (field == "types") types = types val
				else if (field == "uris") uris = uris val
				else if (field == "suites") suites = suites val
				else if (field == "components") comps = comps val
				next
			}
			{
				field = tolower($0); sub(/:.*/, "", field)
				val = $0; sub(/^[^:]*:[ \t]*/, "", val); gsub(/[ \t]+/, " ", val); sub(/ $/, "", val)
				if (field == "types") types = val
				else if (field == "uris") uris = val
				else if (field == "suites") suites = val
				else if (field == "components") comps = val
				else if (field == "signed-by") key = val
				else if (field == "enabled") enabled = val
			}
			END { if (!found) flush() }' "$f"
	else
		# One-line format: deb [option=value ...] URI SUITE COMPONENT...
		awk -v cn="$cn" '
			{ sub(/#.*/, "") }
			$1 != "deb" { next }
			{
				i = 2; opts = ""
				if ($i ~ /^\[/) {
					while (i <= NF) { opts = opts " " $i; if ($i ~ /\]$/) { i++; break } i++ }
				}
				uri = $i; suite = $(i + 1)
				if (uri ~ /^cdrom:/ || suite != cn) next
				main = 0
				for (j = i + 2; j <= NF; j++) if ($j == "main") main = 1
				if (!main) next
				key = ""
				gsub(/[][]/, " ", opts)
				n = split(opts, o, " ")
				for (j = 1; j <= n; j++) if (o[j] ~ /^signed-by=/) key = substr(o[j], 11)
				printf "%s\t%s\n", uri, key
				exit
			}' "$f"
	fi
}

default_keyring() {
	local k=/usr/share/keyrings/debian-archive-keyring.gpg
	[[ -f $k ]] && printf '%s' "$k"
	return 0
}

# Where the archive of the running release comes from.  Sets archive_uri
# (no trailing slash), archive_signed_by (as the entry says), archive_keyring
# (what the private view checks signatures with: the entry's key file if it
# is one, else the stock keyring), archive_file (where it was found) and
# archive_codename.  Returns 1, with archive_error set, when there is none.
find_archive() {
	archive_uri='' archive_signed_by='' archive_keyring='' archive_file='' archive_error=''
	archive_codename=$(os_codename || true)
	if [[ -n ${OBJMEM_DEBIAN_ARCHIVE:-} ]]; then
		archive_uri=$OBJMEM_DEBIAN_ARCHIVE archive_file=OBJMEM_DEBIAN_ARCHIVE
	else
		if [[ -z $archive_codename ]]; then
			archive_error="no VERSION_CODENAME in $(os_release)"
			return 1
		fi
		local f found='' files=()
		mapfile -t files < <(apt_source_files)
		for f in ${files[@]+"${files[@]}"}; do
			found=$(apt_entry_in "$f" "$archive_codename")
			if [[ -n $found ]]; then archive_file=$f; break; fi
		done
		if [[ -z $found ]]; then
			archive_error="no 'deb' entry for '$archive_codename main' in $(apt_etc)/sources.list or $(apt_etc)/sources.list.d/"
			return 1
		fi
		IFS=$'\t' read -r archive_uri archive_signed_by <<<"$found"
	fi
	while [[ $archive_uri == */ ]]; do archive_uri=${archive_uri%/}; done
	if [[ -n $archive_signed_by && $archive_signed_by == /* && -f $archive_signed_by ]]; then
		archive_keyring=$archive_signed_by
	else
		archive_keyring=$(default_keyring)
	fi
}

# The archive URI of the running Debian release and the keyring to check it
# with: prints "URI KEYRING" (KEYRING may be empty).
debian_archive() {
	find_archive || return 1
	printf '%s %s\n' "$archive_uri" "$archive_keyring"
}

# provision --print-archive: what find_archive found, one key=value a line.
print_archive() {
	if ! find_archive; then
		printf 'error: %s: set OBJMEM_DEBIAN_ARCHIVE=URI\n' "$archive_error" >&2
		return 1
	fi
	printf 'uri=%s\nsigned-by=%s\nkeyring=%s\nfile=%s\ncodename=%s\n' "$archive_uri" \
		"$archive_signed_by" "$archive_keyring" "$archive_file" "$archive_codename"
}

# ---------------------------------------------------------------- private view
aptv_opts() {
	local v=$prefix/apt
	APTV=(-o "Dir::Etc::sourcelist=$v/sources.list" -o "Dir::Etc::sourceparts=$v/empty"
		-o "Dir::Etc::preferences=/dev/null" -o "Dir::Etc::preferencesparts=$v/empty"
		-o "Dir::State::Lists=$v/lists" -o "Dir::Cache=$v/cache"
		-o "Dir::State::status=$v/status" -o "Acquire::Languages=none"
		-o "APT::Get::AllowUnauthenticated=false")
	if ((EUID == 0)); then APTV+=(-o "APT::Sandbox::User=root"); fi
}

# The suites of the private view, for messages: "deb bullseye, deb-src sid".
aptv_suites() { local IFS=,; printf '%s' "${aptv_view[*]}" | sed 's/,/, /g'; }

# Write the private sources list (one line for each "TYPE SUITE" of
# aptv_view, component main) and run apt-get update on it (once a run).
aptv_setup() {
	local v=$prefix/apt archive uri key opt='' line type suite
	((${#aptv_view[@]})) || fail "no recipe names a suite of the private apt view (APT_VIEW)"
	archive=$(debian_archive) ||
		fail "cannot find the Debian archive in $(apt_etc) (no 'deb' entry for this release): set OBJMEM_DEBIAN_ARCHIVE=URI"
	read -r uri key <<<"$archive"
	[[ -n ${key:-} ]] && opt="[signed-by=$key] "
	mkdir -p "$v/lists/partial" "$v/cache/archives/partial" "$v/empty"
	[[ -f $v/status ]] || : >"$v/status"
	{
		printf '# private apt view of objmem provision; generated, do not edit\n'
		for line in "${aptv_view[@]}"; do
			read -r type suite <<<"$line"
			printf '%s %s%s %s main\n' "$type" "$opt" "$uri" "$suite"
		done
	} >"$v/sources.list.new"
	mv "$v/sources.list.new" "$v/sources.list"
	aptv_opts
	# Update once a run, and not again within 10 minutes for the same list.
	local sum last_run last_sum last_time
	sum=$(cksum <"$v/sources.list")
	if ((!force_update)) && [[ -f $v/updated ]] &&
		read -r last_run last_time last_sum <"$v/updated" &&
		[[ $last_sum == "${sum%% *}" && $last_time =~ ^[0-9]+$ ]] &&
		{ [[ $last_run == "$run_id" ]] || (($(date +%s) - last_time < 600)); }; then
		return 0
	fi
	note "apt-get update of the private view ($(aptv_suites) from $uri)"
	if apt-get "${APTV[@]}" -q --error-on=any update; then
		printf '%s %s %s\n' "$run_id" "$(date +%s)" "${sum%% *}" >"$v/updated"
		printf '%s\n' "$uri" >"$v/update-uri"
		rm -f "$v/update-failed"
	elif ((!force_update)) && compgen -G "$v/lists/*Packages*" >/dev/null; then
		note "apt-get update failed; using the lists of an earlier run"
		printf '%s\n' "$uri" >"$v/update-failed"
	else
		fail "apt-get update of the private view failed: is $uri reachable?"
	fi
}

# After a failed update of the private view: a hint for failure messages.
archive_hint() {
	local f=$prefix/apt/update-failed
	[[ -f $f ]] && printf ' (apt-get update of the private view failed: is %s reachable?)' "$(cat "$f")"
	return 0
}

# ---------------------------------------------------------------- downloads
# Download the newest version of source package PKG that the private view's
# deb-src suites still serve into PREFIX/sources/PKG (reusing one downloaded
# earlier), and print its Debian version.
fetch_source() {
	local pkg=$1 dir=$prefix/sources/$1 v
	mkdir -p "$dir"
	# A download that completed left .complete-VERSION (newest wins).
	v=$(find "$dir" -maxdepth 1 -name '.complete-*' -printf '%f\n' | sed 's/^\.complete-//' | sort -V | tail -n 1)
	if [[ -n $v ]]; then
		note "reusing source package $pkg $v downloaded earlier"
		printf '%s\n' "$v"
		return 0
	fi
	aptv_setup >&2
	local versions
	versions=$(apt-cache "${APTV[@]}" showsrc "$pkg" 2>/dev/null |
		sed -n 's/^Version: //p' | sort -u -V -r)
	[[ -n $versions ]] || fail "no source package '$pkg' in the private view ($(aptv_suites))$(archive_hint)"
	for v in $versions; do
		note "apt-get source --download-only $pkg=$v"
		if (cd "$dir" && apt-get "${APTV[@]}" -q source --download-only "$pkg=$v") >&2; then
			: >"$dir/.complete-$v"
			printf '%s\n' "$v"
			return 0
		fi
	done
	fail "no version of source package '$pkg' could be downloaded (tried: ${versions//$'\n'/ })$(archive_hint)"
}

# The orig tarball of PKG at Debian VERSION.
orig_tarball() {
	local pkg=$1 v=$2 up f
	v=${v#*:}
	up=${v%-*}
	for f in "$prefix/sources/$pkg/${pkg}_${up}.orig.tar."*; do
		[[ $f == *.asc ]] && continue
		[[ -f $f ]] && { printf '%s\n' "$f"; return 0; }
	done
	fail "orig tarball of $pkg $v not found in $prefix/sources/$pkg"
}

# Download binary packages PKG... of SUITE from the private view into the
# current folder.
fetch_debs() { # SUITE PKG...
	local suite=$1 p pkgs=()
	shift
	for p in "$@"; do pkgs+=("$p/$suite"); done
	aptv_setup >&2
	note "apt-get download $* ($suite)"
	apt-get "${APTV[@]}" -q download "${pkgs[@]}" >&2
}
