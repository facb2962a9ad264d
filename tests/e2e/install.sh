#!/usr/bin/env bash
# make install puts everything objmem needs under PREFIX (the binary, the
# workloads, the templates, the interpreter definitions, the provisioning
# tools), and the installed objmem works from there alone: no source tree,
# no OBJMEM_SRCDIR.
. "$(dirname "$0")/lib.sh"
root=$TMP/root
make -s -C "$SRC" install INSTALL_BIN="$OBJMEM" DESTDIR="$root" PREFIX=/opt/objmem >"$TMP/make.log" 2>&1 \
	|| { cat "$TMP/make.log"; fail "make install failed"; }
share=$root/opt/objmem/share/objmem
for f in bin/objmem share/objmem/workloads/agent.py share/objmem/workloads/slots.py \
	share/objmem/workloads/ext/objmem_record.c share/objmem/plots/common.gp \
	share/objmem/plots/hbars.gp share/objmem/docs/layout.md share/objmem/interpreters/python3.json \
	share/objmem/interpreters/provision share/objmem/interpreters/write-definition \
	share/objmem/workloads/_views.py share/objmem/workloads/trie_mapped.py \
	share/doc/objmem/LICENSE share/doc/objmem/README.md; do
	[ -e "$root/opt/objmem/$f" ] || fail "make install did not install $f"
done
[ -x "$share/interpreters/provision" ] || fail "provision is not executable"
ls "$share"/interpreters/recipes/*.recipe >/dev/null 2>&1 || fail "no provisioning recipes installed"
for f in share/man/man1/objmem.1 share/bash-completion/completions/objmem share/zsh/site-functions/_objmem; do
	[ -s "$root/opt/objmem/$f" ] || fail "make install did not install $f"
done
pass "make install: binary, workloads, templates, docs/layout.md, definitions, provisioning tools, man page, completion"

# man objmem: every line of every command's --help is in the page, as printed
man_dir=$root/opt/objmem/share/man
if command -v man >/dev/null && command -v col >/dev/null; then
	MANWIDTH=160 LC_ALL=C man -M "$man_dir" objmem 2>"$TMP/man.err" | col -bx >"$TMP/man.txt" \
		|| { cat "$TMP/man.err"; fail "man -M PREFIX/share/man objmem failed"; }
	for cmd in "" run show list interpreters plot report compare merge trend upload; do
		# shellcheck disable=SC2086
		"$OBJMEM" $cmd --help >"$TMP/help.txt"
		python3 - "$TMP/help.txt" "$TMP/man.txt" "${cmd:-objmem}" <<'PY' || fail "man objmem lacks lines of '${cmd:-objmem} --help'"
import sys
page = {ln.strip() for ln in open(sys.argv[2])}
missing = [ln for ln in open(sys.argv[1]) if ln.strip() and ln.strip() not in page
           and not ln.startswith("usage: objmem <command>")]
if missing:
    sys.exit("%s: %d lines missing, first: %r" % (sys.argv[3], len(missing), missing[0].strip()))
PY
	done
	pass "man objmem renders, and holds every line of every --help"
else
	echo "skip: no man or col here (Debian: man-db, bsdextrautils): the man page was not rendered"
fi

# bash completion: commands, options, choices, and names from the installed objmem
comp() {   # comp WORD... : what TAB offers for the last word
	(unset OBJMEM_SRCDIR
	 # shellcheck disable=SC1090,SC1091
	 . "$root/opt/objmem/share/bash-completion/completions/objmem"
	 COMP_WORDS=("$bin" "$@"); COMP_CWORD=$#
	 _objmem; printf '%s\n' "${COMPREPLY[@]}")
}
bin=$root/opt/objmem/bin/objmem
check_comp() {   # check_comp WANT WORD...
	local want=$1; shift
	comp "$@" | grep -qxF -- "$want" || { comp "$@"; fail "completing '$*' does not offer '$want'"; }
}
check_comp run ru
check_comp --timeout run --ti
check_comp --replay run --rep
check_comp point3d run -w poi
check_comp point3d,slots run -w point3d,sl
check_comp python3 run -i pyth
check_comp versions run -p ver
check_comp pyperf show -f py
check_comp interpreters list int
check_comp --names list --na
pass "bash completion: commands, options, -w/-i names from objmem list --names, -p and -f choices"
if command -v zsh >/dev/null; then
	zsh -n "$root/opt/objmem/share/zsh/site-functions/_objmem" || fail "_objmem is not valid zsh"
	got=$(zsh -f -c "fpath=($root/opt/objmem/share/zsh/site-functions \$fpath); autoload -U compinit; compinit -u -d $TMP/zcomp; print -r -- \${_comps[objmem]}")
	[ "$got" = _objmem ] || fail "zsh's compinit does not take _objmem for objmem (got '$got')"
	pass "zsh completion: valid, and compinit registers _objmem for objmem"
fi

# the installed objmem, away from the source tree
bin=$root/opt/objmem/bin/objmem
cd "$TMP"
(unset OBJMEM_SRCDIR; "$bin" list workloads) >"$TMP/out" || fail "installed objmem cannot list workloads"
grep -q '^slots ' "$TMP/out" || fail "installed objmem does not find its workloads"
(unset OBJMEM_SRCDIR; "$bin" list interpreters) >"$TMP/out" || fail "installed objmem cannot list interpreters"
grep -q '^python3-malloc ' "$TMP/out" || fail "installed objmem does not read its definitions"
(unset OBJMEM_SRCDIR; "$bin" run -i python3 -w slots -n 1k -r 1 -o "$TMP/r.json" -q --no-table) \
	|| fail "installed objmem cannot run"
if command -v gnuplot >/dev/null; then
	(unset OBJMEM_SRCDIR; "$bin" plot "$TMP/r.json" -o "$TMP/fig" -q) || fail "installed objmem cannot plot"
	[ -s "$TMP/fig/versions.png" ] || fail "installed objmem drew no figure"
	# the report quotes the installed docs/layout.md where it has the build
	(unset OBJMEM_SRCDIR; "$bin" report "$TMP/r.json" -o "$TMP/rep" -q --no-figures) ||
		fail "installed objmem cannot write a report"
	grep -q "its account is quoted" "$TMP/rep/report.md" || fail "the installed report does not find docs/layout.md"
fi
(unset OBJMEM_SRCDIR; "$share/interpreters/provision" --list) >"$TMP/out" 2>&1 \
	|| { cat "$TMP/out"; fail "installed provision --list failed"; }
grep -q 'cpython-3.13' "$TMP/out" || fail "installed provision lists no recipes"
pass "the installed objmem lists, runs and plots without the source tree; provision --list works"

# a step that fails stops make install, loudly
mkdir -p "$TMP/ro" && chmod 555 "$TMP/ro"
if [ "$(id -u)" -eq 0 ]; then
	# root writes anywhere: use a file where a directory must go
	: >"$TMP/notadir"
	dest=$TMP/notadir
else
	dest=$TMP/ro
fi
set +e
make -s -C "$SRC" install INSTALL_BIN="$OBJMEM" DESTDIR="$dest" PREFIX=/x >"$TMP/make.log" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || { cat "$TMP/make.log"; fail "make install into an unwritable place succeeded"; }
pass "a failing install step fails make install (exit $rc)"
