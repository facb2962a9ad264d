#!/usr/bin/env bash
# provision-recipes.sh - the recipes of interpreters/recipes/ and the
# driver's recipe identity: every recipe parses and sets what a recipe must,
# --list and --show name every recipe, and the identity in a build's stamp
# follows what decides the build (the recipe's build values and build steps,
# the shared helpers they reach) and nothing else, so that a changed recipe
# is rebuilt and a reworded one is not.  Works on a copy of interpreters/ and
# a temporary prefix, with --dry-run, fake builds and a fake recipe: no
# network, no root, no real build.
set -euo pipefail
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "python3 is needed to write definitions"
interp=$SRC/interpreters
[ -x "$interp/provision" ] || fail "no $interp/provision"

# The targets there are today (more may come).
targets='debian-python3 debian-python3-malloc debian-python3-dbg pypy3
pypy2.7-bullseye pypy3.7-bullseye micropython cpython-3.13 cpython-3.13-malloc
cpython-3.13-ft cpython-3.13-ft-gil cpython-3.13-dbg cpython-3.13-nopymalloc'
for n in $targets; do
	[ -f "$interp/recipes/$n.recipe" ] || fail "no recipe for $n"
done

# ---- 1. every recipe parses and sets the required variables (checked here
#         on its own, apart from the driver's checks)
check_recipe() { # FILE: prints what is wrong
	local f=$1
	bash -n "$f" 2>&1 || return 0
	(
		set +e
		for v in KIND WHAT HOW EST ORDER BASE TAGS ENV ARGV APT_VIEW CONFIGURE; do unset "$v"; done
		# shellcheck source=/dev/null
		source "$f" || echo "sourcing fails"
		for v in KIND WHAT HOW EST ORDER; do
			[ -n "${!v:-}" ] || echo "$v is not set"
		done
		[[ ${ORDER:-x} =~ ^[0-9]+$ ]] || echo "ORDER is not a number"
		[[ ${EST:-x} =~ ^[0-9]+(s|m|min|h)$ ]] || echo "EST '${EST:-}' is not a time like 30s or 9m"
		[[ $(declare -p TAGS 2>/dev/null) == "declare -a"* ]] || echo "TAGS is not an array"
		if [ "${KIND:-}" = env ]; then
			[ -n "${BASE:-}" ] || echo "BASE is not set"
			[ -f "$(dirname "$f")/${BASE:-none}.recipe" ] || echo "BASE '${BASE:-}' has no recipe"
			[[ $(declare -p ENV 2>/dev/null) == "declare -a"* ]] && ((${#ENV[@]})) || echo "ENV is not set"
			if declare -F recipe_build >/dev/null; then echo "defines recipe_build"; fi
		else
			[[ $(declare -p ARGV 2>/dev/null) == "declare -a"* ]] && [ -n "${ARGV[0]:-}" ] || echo "ARGV is not set"
			declare -F recipe_build >/dev/null || echo "recipe_build is not defined"
		fi
	)
}
count=0
for f in "$interp"/recipes/*.recipe; do
	problems=$(check_recipe "$f")
	[ -z "$problems" ] || fail "recipe $(basename "$f"): $problems"
	count=$((count + 1))
done
pass "$count recipes parse and set KIND, WHAT, HOW, EST, ORDER, TAGS and ARGV+recipe_build or BASE+ENV"

# ---- 2. --list says for every recipe what it is, how it is had, how long
prefix=$TMP/prefix
"$interp/provision" --prefix "$prefix" --list >"$TMP/list" 2>"$TMP/err" || { cat "$TMP/err"; fail "--list failed"; }
for f in "$interp"/recipes/*.recipe; do
	n=$(basename "$f" .recipe)
	# shellcheck source=/dev/null disable=SC2153
	fields=$(set +u; source "$f"; printf '%s\n%s\n%s' "$EST" "$HOW" "$WHAT")
	{ read -r est; read -r how; read -r what; } <<<"$fields"
	line=$(grep "^$n " "$TMP/list") || { cat "$TMP/list"; fail "--list does not list $n"; }
	for want in "$est" "$how" "$what"; do
		[[ $line == *"$want"* ]] || fail "--list line of $n lacks '$want': $line"
	done
done
pass "--list lists every recipe with its time, how and what"

# --show: every recipe, with an identity
"$interp/provision" --prefix "$prefix" --show >"$TMP/show" 2>"$TMP/err" || { cat "$TMP/err"; fail "--show failed"; }
[ "$(grep -c '^name: ' "$TMP/show")" -eq "$count" ] || fail "--show does not show all $count recipes"
[ "$(grep -cE '^identity: [0-9a-f]{64}$' "$TMP/show")" -eq "$count" ] || fail "--show lacks identities"

# ---- 3. identities, on a copy of interpreters/
cp -r "$interp" "$TMP/interp"
P=$TMP/interp/provision
id_of() { "$P" --prefix "$prefix" --show "$1" | sed -n 's/^identity: //p'; }
ids() { # the identity of each target, "NAME ID" a line
	"$P" --prefix "$prefix" --show | awk '/^name: / { n = $2 } /^identity: / { print n, $2 }'
}
ids >"$TMP/ids.orig"
"$interp/provision" --prefix "$prefix" --show | awk '/^name: / { n = $2 } /^identity: / { print n, $2 }' |
	cmp -s - "$TMP/ids.orig" || fail "identities depend on where the checkout is"
mkdir "$TMP/recipes-only"
cp "$interp"/recipes/*.recipe "$TMP/recipes-only/"
OBJMEM_RECIPES=$TMP/recipes-only "$interp/provision" --prefix "$prefix" --show |
	awk '/^name: / { n = $2 } /^identity: / { print n, $2 }' | cmp -s - "$TMP/ids.orig" ||
	fail "OBJMEM_RECIPES: a copy of the recipes has other identities"
# Nothing of the environment passes for a recipe field.
if ! KIND=env BASE=debian-python3 CONFIGURE=--x "$P" --prefix "$prefix" --show cpython-3.13 >"$TMP/out" 2>"$TMP/err"; then
	cat "$TMP/err"
	fail "KIND, BASE or CONFIGURE of the environment pass for a recipe's"
fi
grep -q '^kind: source$' "$TMP/out" || fail "KIND of the environment leaks into a recipe"
if grep -q '^base:' "$TMP/out"; then fail "BASE of the environment leaks into a recipe"; fi
[ "$(sed -n 's/^identity: //p' "$TMP/out")" = "$(grep '^cpython-3.13 ' "$TMP/ids.orig" | cut -d' ' -f2)" ] ||
	fail "CONFIGURE of the environment changes an identity"
pass "identities do not depend on the checkout's place, OBJMEM_RECIPES or the environment"

declare -A orig_id=()
while read -r n id; do orig_id[$n]=$id; done <"$TMP/ids.orig"
# changed NAME...: exactly these targets have another identity than in ids.orig
changed() {
	local want=" $* " n id
	ids >"$TMP/ids.now"
	while read -r n id; do
		if [[ $want == *" $n "* ]]; then
			[ "$id" != "${orig_id[$n]}" ] || fail "$what: the identity of $n did not change"
		else
			[ "$id" = "${orig_id[$n]}" ] || fail "$what: the identity of $n changed"
		fi
	done <"$TMP/ids.now"
}
restore() { rm -rf "$TMP/interp/lib" "$TMP/interp/recipes"; cp -r "$interp/lib" "$interp/recipes" "$TMP/interp/"; }
cpythons='cpython-3.13 cpython-3.13-ft cpython-3.13-dbg cpython-3.13-nopymalloc'

what="rewording WHAT, HOW, EST, TAGS and comments"
sed -i -e 's/^WHAT="/WHAT="reworded: /' -e 's/^EST=.*/EST=99m/' -e 's/^HOW="/HOW="reworded: /' \
	-e 's/^TAGS=(/TAGS=(reworded /' -e 's/^# /# reworded: /' "$TMP"/interp/recipes/*.recipe
changed
pass "$what changes no identity"
restore
what="changing CONFIGURE of cpython-3.13-ft"
sed -i 's/^CONFIGURE=(/CONFIGURE=(--with-lto /' "$TMP/interp/recipes/cpython-3.13-ft.recipe"
changed cpython-3.13-ft
pass "$what changes its identity only"
restore
what="changing the build steps of micropython"
sed -i 's/^recipe_build() {$/recipe_build() {\n\tnote "one more step"/' "$TMP/interp/recipes/micropython.recipe"
changed micropython
pass "$what changes its identity only"
restore
what="a comment in lib/cpython.sh"
sed -i 's/^\(cpython_build() {.*\)$/\1\n\t# a new comment/' "$TMP/interp/lib/cpython.sh"
changed
pass "$what changes no identity"
restore
what="changing cpython_build in lib/cpython.sh"
sed -i 's/^\(cpython_build() {.*\)$/\1\n\tnote "one more step"/' "$TMP/interp/lib/cpython.sh"
# shellcheck disable=SC2086
changed $cpythons
pass "$what changes the identities of the CPython builds only"
restore
what="changing set_runpaths in lib/debs.sh (called by unpack_debs)"
sed -i 's/^\(set_runpaths() {.*\)$/\1\n\tnote "one more step"/' "$TMP/interp/lib/debs.sh"
# unpack_debs and unpack_debs_own_libc share unpack_into_root, which calls it
changed pypy2.7-bullseye pypy3.7-bullseye cpython-3.14 cpython-3.14-dbg pypy3.11-sid pypy3.11-trixie
pass "$what changes the identities of the unpacked builds only"
restore
what="changing the Pyodide shim (pyodide/python.mjs, copied into its build)"
printf '// one more line\n' >>"$TMP/interp/pyodide/python.mjs"
changed pyodide
pass "$what changes the identity of pyodide only"
cp "$interp/pyodide/python.mjs" "$TMP/interp/pyodide/python.mjs"
restore
what="changing fetch_source in lib/fetch.sh (fetching, not building)"
sed -i 's/^\(fetch_source() {.*\)$/\1\n\tnote "one more step"/' "$TMP/interp/lib/fetch.sh"
changed
pass "$what changes no identity"
restore

# ---- 4. the stamp decides: a fake cpython-3.13 build made by the recipe as
#         it is, then the recipe changed (--dry-run: nothing is built)
fake_build() { # NAME EXE
	local d=$prefix/builds/$1
	mkdir -p "$d/bin"
	printf '#!/bin/sh\necho "3.13.99 (fake %s)"\n' "$1" >"$d/bin/$2"
	chmod +x "$d/bin/$2"
	printf 'target=%s\nidentity=%s\nexe=%s\nsource=a fake build\n' "$1" "$(id_of "$1")" "$2" \
		>"$d/.objmem-stamp"
}
summary() { grep -E "^$1 +" "$TMP/out" | head -n 1; }
fake_build cpython-3.13 python3.13
"$P" --prefix "$prefix" --dry-run cpython-3.13 >"$TMP/out" || { cat "$TMP/out"; fail "dry run failed"; }
[[ $(summary cpython-3.13) == *"up to date"* ]] || { cat "$TMP/out"; fail "a build by the recipe as it is is not up to date"; }
"$P" --prefix "$prefix" --list >"$TMP/out"
[[ $(summary cpython-3.13) == *" built "* ]] || fail "--list does not say built: $(summary cpython-3.13)"
pass "a build whose stamp has the recipe's identity is up to date"

# A real run over it: nothing is built, the variant's definition is written.
"$P" --prefix "$prefix" cpython-3.13-malloc >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "run over a fake build failed"; }
[[ $(summary cpython-3.13) == *"up to date"* ]] || { cat "$TMP/out"; fail "run: cpython-3.13 not up to date"; }
[[ $(summary cpython-3.13-malloc) == *defined* ]] || { cat "$TMP/out"; fail "run: cpython-3.13-malloc not defined"; }
python3 - "$prefix" <<'EOF' || fail "definition of cpython-3.13-malloc is wrong"
import json, sys
p = sys.argv[1]
d = json.load(open(p + "/interpreters/cpython-3.13-malloc.json"))
assert d["argv"] == [p + "/builds/cpython-3.13/bin/python3.13"], d["argv"]
assert d["env"] == {"PYTHONMALLOC": "malloc"}, d["env"]
assert d["tags"] == ["cpython", "source-build", "malloc"], d["tags"]
assert d["description"].endswith("; from a fake build"), d["description"]
EOF
pass "a run over an up-to-date build defines its variant (ARGV {exe} from the stamp, ENV, TAGS)"

sed -i 's/^WHAT="/WHAT="reworded: /' "$TMP/interp/recipes/cpython-3.13.recipe"
"$P" --prefix "$prefix" --dry-run cpython-3.13 >"$TMP/out"
[[ $(summary cpython-3.13) == *"up to date"* ]] || { cat "$TMP/out"; fail "a reworded recipe is not up to date"; }
sed -i 's/^CONFIGURE=(/CONFIGURE=(--with-lto /' "$TMP/interp/recipes/cpython-3.13.recipe"
"$P" --prefix "$prefix" --dry-run cpython-3.13 >"$TMP/out"
[[ $(summary cpython-3.13) == *"would build"* ]] || { cat "$TMP/out"; fail "a changed recipe is still up to date"; }
grep -q 'because the recipe changed since the last build' "$TMP/out" || { cat "$TMP/out"; fail "no reason for the rebuild"; }
"$P" --prefix "$prefix" --list >"$TMP/out"
[[ $(summary cpython-3.13) == *" outdated "* ]] || fail "--list does not say outdated: $(summary cpython-3.13)"
restore
pass "a changed recipe makes its build out of date (dry run: would build, --list: outdated)"

# A stamp from before identities (recipe=v1 ...): rebuilt once, and said so.
sed -i -e '/^identity=/d' -e '1a recipe=v1 configure --without-ensurepip' "$prefix/builds/cpython-3.13/.objmem-stamp"
"$P" --prefix "$prefix" --dry-run cpython-3.13 >"$TMP/out"
[[ $(summary cpython-3.13) == *"would build"* ]] || { cat "$TMP/out"; fail "a stamp without identity is up to date"; }
grep -q 'its stamp has no recipe identity' "$TMP/out" || { cat "$TMP/out"; fail "no reason for rebuilding an old stamp"; }
pass "a stamp without an identity (an older provision's) is out of date"

# A system target: the stamp of debian-python3 as a build would write it.
if [ -x /usr/bin/python3 ]; then
	mkdir -p "$prefix/builds/debian-python3"
	printf 'target=debian-python3\nidentity=%s\npyver=3\nsource=Debian python3\n' "$(id_of debian-python3)" \
		>"$prefix/builds/debian-python3/.objmem-stamp"
	"$P" --prefix "$prefix" --dry-run debian-python3-malloc >"$TMP/out"
	[[ $(summary debian-python3) == *"up to date"* ]] || { cat "$TMP/out"; fail "debian-python3 not up to date"; }
	[[ $(summary debian-python3-malloc) == *"would define"* ]] || { cat "$TMP/out"; fail "variant not defined"; }
	sed -i 's/^recipe_build() {$/recipe_build() {\n\tsys_install python3-venv/' "$TMP/interp/recipes/debian-python3.recipe"
	"$P" --prefix "$prefix" --dry-run debian-python3 >"$TMP/out"
	[[ $(summary debian-python3) == *"would build"* ]] || { cat "$TMP/out"; fail "changed debian-python3 still up to date"; }
	restore
	pass "a system target with changed build steps is out of date"
fi

# ---- 5. a fake recipe, built for real: built, up to date, changed and
#         rebuilt; a failing recipe is reported and the others go on
cat >"$TMP/interp/recipes/fake.recipe" <<'EOF'
WHAT="a fake interpreter of the tests"
HOW="a shell script"
KIND=script
EST=0s
ORDER=900
TAGS=(fake)
ARGV=(bin/fakepy -X fast)
ENV=(FAKE=base OTHER=kept)
CONFIGURE=(--answer=42)

recipe_build() {
	mkdir -p "$dest/bin"
	printf '#!/bin/sh\necho "3.99.0 (fake %s)"\n' "${CONFIGURE[*]}" >"$dest/bin/fakepy"
	chmod +x "$dest/bin/fakepy"
	stamp_add source "the fake recipe"
}
EOF
cat >"$TMP/interp/recipes/fake-env.recipe" <<'EOF'
WHAT="the fake interpreter with FAKE=variant"
HOW="definition: FAKE=variant"
KIND=env
BASE=fake
EST=0s
ORDER=901
TAGS=(fake variant)
ENV=(FAKE=variant)
EOF
cat >"$TMP/interp/recipes/fake-broken.recipe" <<'EOF'
WHAT="a recipe whose build fails"
HOW="nothing"
KIND=script
EST=0s
ORDER=902
TAGS=(fake)
ARGV=(bin/none)

recipe_build() {
	fail "this recipe cannot be had here"
}
EOF
stamp=$prefix/builds/fake/.objmem-stamp
"$P" --prefix "$prefix" fake-env >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "fake build failed"; }
[[ $(summary fake) == *" built "* ]] || { cat "$TMP/out"; fail "fake not built"; }
[[ $(summary fake-env) == *" defined "* ]] || { cat "$TMP/out"; fail "fake-env not defined"; }
id1=$(id_of fake)
grep -qx "identity=$id1" "$stamp" || fail "the stamp has not the recipe's identity: $(cat "$stamp")"
grep -qx "source=the fake recipe" "$stamp" || fail "stamp_add did not reach the stamp"
grep -qx "version=3.99.0 (fake --answer=42)" "$stamp" || fail "no version in the stamp"
python3 - "$prefix" <<'EOF' || fail "fake definitions are wrong"
import json, sys
p = sys.argv[1]
d = json.load(open(p + "/interpreters/fake.json"))
assert d["argv"] == [p + "/builds/fake/bin/fakepy", "-X", "fast"], d["argv"]
assert d["env"] == {"FAKE": "base", "OTHER": "kept"}, d["env"]
v = json.load(open(p + "/interpreters/fake-env.json"))
assert v["argv"] == d["argv"], v["argv"]
assert v["env"] == {"FAKE": "variant", "OTHER": "kept"}, v["env"]
assert v["tags"] == ["fake", "variant"], v["tags"]
EOF
"$P" --prefix "$prefix" fake-env >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "second fake run failed"; }
[[ $(summary fake) == *"up to date"* ]] || { cat "$TMP/out"; fail "fake not up to date on the second run"; }
[[ $(summary fake-env) == *"up to date"* ]] || { cat "$TMP/out"; fail "fake-env not up to date on the second run"; }
sed -i 's/--answer=42/--answer=43/' "$TMP/interp/recipes/fake.recipe"
"$P" --prefix "$prefix" fake >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "third fake run failed"; }
[[ $(summary fake) == *" built "* ]] || { cat "$TMP/out"; fail "the changed fake recipe was not rebuilt"; }
grep -q 'because the recipe changed' "$TMP/out" || fail "the rebuild does not say why"
id2=$(id_of fake)
[ "$id2" != "$id1" ] || fail "the changed fake recipe has the same identity"
grep -qx "identity=$id2" "$stamp" || fail "the new stamp has not the new identity"
grep -qx "version=3.99.0 (fake --answer=43)" "$stamp" || fail "the rebuild did not use the changed recipe"
pass "a fake recipe: built, up to date, changed and rebuilt; its stamp carries its identity"

set +e
"$P" --prefix "$prefix" fake fake-broken >"$TMP/out" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat "$TMP/out"; fail "a failing recipe gave exit status $rc, not 1"; }
[[ $(summary fake-broken) == *"failed"*"this recipe cannot be had here"* ]] || { cat "$TMP/out"; fail "no reason for the failure"; }
[[ $(summary fake) == *"up to date"* ]] || { cat "$TMP/out"; fail "the other target did not go on"; }
[ ! -e "$prefix/builds/fake-broken/.objmem-stamp" ] || fail "a failed build has a stamp"
pass "a failing recipe is reported with its reason; the others go on"

# ---- 6. bad recipes are refused with a reason (exit 2); the loader
#         reports every bad recipe of the folder before it stops
rm -rf "$TMP/bad"
mkdir "$TMP/bad"
cp "$interp/recipes/debian-python3.recipe" "$TMP/bad/"
ok_head='WHAT="x"
HOW="y"
EST=1s
ORDER=5
TAGS=(t)'
bad_recipe() { printf '%s\n' "$2" >"$TMP/bad/$1.recipe"; }
bad_recipe no-what 'KIND=system
HOW="y"
EST=1s
ORDER=5
TAGS=(t)
ARGV=(/bin/true)
recipe_build() { :; }'
bad_recipe no-build "KIND=system
$ok_head
ARGV=(/bin/true)"
bad_recipe env-no-base "KIND=env
$ok_head
ENV=(A=1)"
bad_recipe lowercase "KIND=system
$ok_head
ver=3
ARGV=(/bin/true)
recipe_build() { :; }"
bad_recipe helper "KIND=system
$ok_head
ARGV=(/bin/true)
helper() { :; }
recipe_build() { helper; }"
bad_recipe argv-scalar "KIND=system
$ok_head
ARGV=/bin/true
recipe_build() { :; }"
bad_recipe bad-env "KIND=system
$ok_head
ARGV=(/bin/true)
ENV=(NOVALUE)
recipe_build() { :; }"
refused() { # FOLDER: run --list on it; exit 2 expected, stderr in $TMP/err
	set +e
	OBJMEM_RECIPES=$1 "$interp/provision" --prefix "$prefix" --list >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	set -e
	[ "$rc" -eq 2 ] || { cat "$TMP/err"; fail "bad recipes: exit status $rc, not 2"; }
}
refused "$TMP/bad"
for want in "no-what.recipe: WHAT is not set" "no-build.recipe: recipe_build is not defined" \
	"env-no-base.recipe: KIND=env needs BASE" "lowercase.recipe: sets 'ver'" \
	"helper.recipe: defines 'helper'" "argv-scalar.recipe: ARGV must be an array" \
	"bad-env.recipe: ENV entry 'NOVALUE' is not KEY=VALUE"; do
	grep -qF -- "$want" "$TMP/err" || { cat "$TMP/err"; fail "bad recipes: no '$want'"; }
done
if grep -q 'debian-python3.recipe' "$TMP/err"; then fail "a good recipe is called bad"; fi
# Checks across recipes: a base that has no recipe, a variant before its base.
rm "$TMP"/bad/[!d]*.recipe
bad_recipe x "KIND=env
$ok_head
BASE=nothing
ENV=(A=1)"
refused "$TMP/bad"
grep -qF "BASE 'nothing' has no recipe" "$TMP/err" || { cat "$TMP/err"; fail "a missing base is not refused"; }
bad_recipe x "KIND=env
$ok_head
ORDER=1
BASE=debian-python3
ENV=(A=1)"
refused "$TMP/bad"
grep -qF "must be above its base's" "$TMP/err" || { cat "$TMP/err"; fail "a variant before its base is not refused"; }
pass "bad recipes are refused with a reason (exit 2)"

echo "provision-recipes: ok"
