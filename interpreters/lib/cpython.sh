# shellcheck shell=bash
# lib/cpython.sh - build CPython from the upstream tarball inside a Debian
# source package (Debian's patches are not applied): configure out of tree,
# make, make install.  Sourced by interpreters/provision; recipes call
# cpython_build.  These functions shape the build, so they are part of the
# identity of every recipe that calls them (keep their data inside them).
#
# Uses from the driver: prefix, jobs, dest, work (the target's build and
# staging folders), note, fail, stamp_add; from lib/fetch.sh: sys_install,
# fetch_source, orig_tarball.
# shellcheck disable=SC2154

# Unpack the source of PKG (python3.X) once into PREFIX/src/PKG-VERSION,
# shared by every build of it, and print that folder.  Adds source=.
cpython_source() { # PKG
	local pkg=$1 v tarball src
	v=$(fetch_source "$pkg")
	tarball=$(orig_tarball "$pkg" "$v")
	src=$prefix/src/$pkg-${v#*:}
	if [[ ! -f $src/configure ]]; then
		note "unpacking $(basename "$tarball")"
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		tar -xf "$tarball" -C "$src.tmp" --strip-components=1
		mv "$src.tmp" "$src"
	fi
	stamp_add source "Debian source package $pkg $v ($(basename "$tarball"), Debian patches not applied)"
	printf '%s\n' "$src"
}

# Build CPython from source package PKG (python3.X) in the staging folder
# with ./configure --prefix=DEST FLAG..., make and make install into DEST.
# Adds exe= (the installed bin/python3.X with its ABI flags: python3.13t,
# python3.13d) and configure= to the stamp.
cpython_build() { # PKG CONFIGURE-FLAG...
	local pkg=$1
	shift
	local deps=(build-essential pkg-config xz-utils libssl-dev zlib1g-dev libffi-dev
		libbz2-dev liblzma-dev libsqlite3-dev libreadline-dev libncurses-dev
		uuid-dev libgdbm-dev libgdbm-compat-dev libexpat1-dev)
	sys_install "${deps[@]}"
	local src
	src=$(cpython_source "$pkg")
	rm -rf "$work" "$dest"
	mkdir -p "$work"
	note "configure --prefix=$dest $*"
	(cd "$work" && "$src/configure" --prefix="$dest" "$@")
	note "make -j$jobs"
	make -C "$work" -j"$jobs"
	note "make install"
	make -C "$work" install
	local abi exe
	abi=$("$work/python" -c 'import sys; print(getattr(sys, "abiflags", ""))')
	exe=$pkg$abi
	[[ -x $dest/bin/$exe ]] || exe=$pkg
	[[ -x $dest/bin/$exe ]] || fail "make install left no $dest/bin/$pkg$abi"
	stamp_add exe "$exe"
	stamp_add configure "--prefix=PREFIX $*"
	rm -rf "$work"
}
