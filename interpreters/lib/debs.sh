# shellcheck shell=bash
# lib/debs.sh - run binary packages of another Debian suite from a private
# root: download them, unpack them with dpkg-deb -x, and give every ELF file
# that would miss a library an $ORIGIN-relative RUNPATH into the root
# (patchelf), fetching the package of any library still missing.  Sourced by
# interpreters/provision; recipes call unpack_debs.  These functions shape the
# build, so they are part of the identity of every recipe that calls them.
#
# Uses from the driver: note, fail, stamp_add; from lib/fetch.sh: sys_install,
# fetch_debs, archive_hint.

# Download PKG... of SUITE, unpack them into a fresh DEST/root and make the
# ELF files find the root's libraries.  Adds source= to the stamp.
unpack_debs() { # SUITE DEST PKG...
	local suite=$1 dest=$2
	shift 2
	local root=$dest/root debs=$dest/debs
	sys_install patchelf
	rm -rf "$dest"
	mkdir -p "$root" "$debs"
	(cd "$debs" && fetch_debs "$suite" "$@") ||
		fail "apt-get download $* from $suite failed$(archive_hint)"
	local d
	for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$root"; done
	fix_symlinks "$root"
	local round missing
	for round in 1 2 3 4; do
		set_runpaths "$root"
		missing=$(missing_libs "$root")
		[[ -z $missing ]] && break
		((round < 4)) || fail "libraries still not found: $missing"
		local pkgs=() so
		for so in $missing; do pkgs+=("$(soname_package "$so")"); done
		note "ldd finds no $missing"
		(cd "$debs" && fetch_debs "$suite" "${pkgs[@]}") ||
			fail "libraries not found ($missing) and no $suite package ${pkgs[*]}"
		for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$root"; done
		fix_symlinks "$root"
	done
	local list
	# shellcheck disable=SC2016
	list=$(for d in "$debs"/*.deb; do dpkg-deb --showformat='${Package}=${Version}\n' -W "$d"; done | sort | paste -sd' ' -)
	stamp_add source "Debian $suite $list"
	rm -rf "$debs"
}

is_elf() {
	[[ -f $1 && ! -L $1 ]] || return 1
	[[ $(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n') == 7f454c46 ]]
}

# Absolute symlinks inside the root point out of it: make them relative.
fix_symlinks() {
	local root=$1 l target rel
	while IFS= read -r -d '' l; do
		target=$(readlink "$l")
		[[ $target == /* ]] || continue
		rel=$(realpath -m --relative-to="$(dirname "$l")" "$root$target")
		ln -sfn "$rel" "$l"
	done < <(find "$root" -type l -print0)
}

# Files of the root that may be ELF objects (shared objects, executables).
elf_candidates() {
	find "$1" \( -path "$1/usr/share" -prune \) -o -type f \
		\( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) -print0
}

# Give every ELF file of the root that the system loader cannot complete a
# RUNPATH ($ORIGIN-relative, so the root can move) to the root's lib folders.
set_runpaths() {
	local root=$1 f d ours old out dirs=()
	for d in "$root/usr/lib" "$root/lib" "$root"/usr/lib/*-linux-* "$root"/lib/*-linux-*; do
		[[ -d $d && ! -L $d ]] && dirs+=("$d")
	done
	while IFS= read -r -d '' f; do
		is_elf "$f" || continue
		# (not "ldd | grep -q": with pipefail, grep quitting early fails ldd)
		out=$(LD_LIBRARY_PATH='' ldd "$f" 2>/dev/null || true)
		[[ $out == *"not found"* ]] || continue
		ours=
		for d in "${dirs[@]}"; do
			ours+="\$ORIGIN/$(realpath -m --relative-to="$(dirname "$f")" "$d"):"
		done
		ours=${ours%:}
		old=$(patchelf --print-rpath "$f" 2>/dev/null || true)
		[[ $old == *"$ours"* ]] && continue
		patchelf --set-rpath "${old:+$old:}$ours" "$f"
	done < <(elf_candidates "$root")
}

# Sonames that some ELF file of the root still cannot find.
missing_libs() {
	local root=$1 f
	while IFS= read -r -d '' f; do
		is_elf "$f" || continue
		LD_LIBRARY_PATH='' ldd "$f" 2>/dev/null | awk '/not found/ { print $1 }'
	done < <(elf_candidates "$root") | sort -u | tr '\n' ' ' | sed 's/ *$//'
}

# Debian's library package name for a soname: libfoo.so.7 -> libfoo7,
# libsqlite3.so.0 -> libsqlite3-0; libcrypto/libssl are both in libsslN.
soname_package() {
	local so=$1 base ver
	base=${so%%.so.*}
	ver=${so#*.so.}
	[[ $base == libcrypto ]] && base=libssl
	if [[ $base =~ [0-9]$ ]]; then printf '%s-%s' "$base" "$ver"; else printf '%s%s' "$base" "$ver"; fi
}
