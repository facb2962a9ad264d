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
	unpack_into_root system "$@"
}

# The same for binaries built against a newer C library than this system's
# (Debian sid's or trixie's, glibc 2.38 and later): that release's libc6 is
# unpacked with them, every executable is given the root's loader
# (patchelf --set-interpreter: an absolute path, so the root stays where it
# was made) and every ELF file a RUNPATH into the root, which the root's
# loader then follows for the C library and the rest.
unpack_debs_own_libc() { # SUITE DEST PKG...
	unpack_into_root own "$1" "$2" "${@:3}" libc6
}

# Both: LOADER is "system" (the system's loader finds the root's libraries
# through RUNPATHs, ldd checks) or "own" (the root's loader, from its libc6).
# Libraries still missing are fetched from SUITE, up to four rounds.
unpack_into_root() { # LOADER SUITE DEST PKG...
	local mode=$1 suite=$2 dest=$3
	shift 3
	local root=$dest/root debs=$dest/debs
	sys_install patchelf
	rm -rf "$dest"
	mkdir -p "$root" "$debs"
	(cd "$debs" && fetch_debs "$suite" "$@") ||
		fail "apt-get download $* from $suite failed$(archive_hint)"
	local d
	for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$root"; done
	fix_symlinks "$root"
	local loader=
	if [[ $mode == own ]]; then
		loader=$(find "$root" -name 'ld-linux-*.so.*' -type f -print -quit)
		[[ -n $loader ]] || fail "no loader (ld-linux-*.so.*) in $suite's libc6"
	fi
	local round missing
	for round in 1 2 3 4; do
		if [[ $mode == own ]]; then
			own_libc_paths "$root" "$loader"
			missing=$(missing_libs_with "$root" "$loader")
		else
			set_runpaths "$root"
			missing=$(missing_libs "$root")
		fi
		[[ -z $missing ]] && break
		((round < 4)) || fail "libraries still not found: $missing"
		local pkgs=() so
		for so in $missing; do pkgs+=("$(soname_package "$so")"); done
		note "the loader finds no $missing"
		(cd "$debs" && fetch_debs "$suite" "${pkgs[@]}") ||
			fail "libraries not found ($missing) and no $suite package ${pkgs[*]}"
		for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$root"; done
		fix_symlinks "$root"
	done
	local list
	# shellcheck disable=SC2016
	list=$(for d in "$debs"/*.deb; do dpkg-deb --showformat='${Package}=${Version}\n' -W "$d"; done | sort | paste -sd' ' -)
	stamp_add source "Debian $suite $list${loader:+, with its own C library}"
	rm -rf "$debs"
}

# Every ELF file of the root: a RUNPATH into the root's lib folders, and
# for those with a program interpreter, the root's loader.
own_libc_paths() { # ROOT LOADER
	local root=$1 loader=$2 f d ours dirs=()
	for d in "$root/usr/lib" "$root/lib" "$root"/usr/lib/*-linux-* "$root"/lib/*-linux-*; do
		[[ -d $d && ! -L $d ]] && dirs+=("$d")
	done
	while IFS= read -r -d '' f; do
		is_elf "$f" || continue
		[[ $f == "$loader" ]] && continue
		ours=
		for d in "${dirs[@]}"; do
			ours+="\$ORIGIN/$(realpath -m --relative-to="$(dirname "$f")" "$d"):"
		done
		patchelf --set-rpath "${ours%:}" "$f"
		if patchelf --print-interpreter "$f" >/dev/null 2>&1; then
			patchelf --set-interpreter "$loader" "$f"
		fi
	done < <(elf_candidates "$root")
}

# Sonames that some ELF file of the root cannot find through the root's loader.
missing_libs_with() { # ROOT LOADER
	local root=$1 loader=$2 f
	while IFS= read -r -d '' f; do
		is_elf "$f" || continue
		[[ $f == "$loader" ]] && continue
		"$loader" --list "$f" 2>/dev/null | awk '/not found/ { print $1 }'
	done < <(elf_candidates "$root") | sort -u | tr '\n' ' ' | sed 's/ *$//'
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
# gconv modules are left as they come: glibc loads them by path, and they
# find their own helpers (libKSC.so, libJIS.so) through an $ORIGIN RUNPATH.
elf_candidates() {
	find "$1" \( -path "$1/usr/share" -prune \) -o \( -type d -name gconv -prune \) -o -type f \
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
