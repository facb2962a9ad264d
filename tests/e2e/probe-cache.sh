#!/usr/bin/env bash
# Probes kept across runs (probecache.h), keyed by the executable's identity.
# Expected, with a copy of the system python3 as the build:
#  - the first run keeps its probe under CACHE/probes/; a second run takes
#    the kept probe (a mark written into the kept file reaches the results)
#    without starting the interpreter for it;
#  - the executable touched (as a rebuild or reinstall would): probed again,
#    the mark gone (what else changes the key: tests/unit/test_probecache.c);
#  - a shell script standing for python (a wrapper) is probed every run
#    and nothing is kept for it;
#  - a kept file that is not JSON is ignored: the build is probed again.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
cd "$TMP"
real=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
# the system python3 where there is one: its stdlib is found from /usr
[ -x /usr/bin/python3 ] && real=$(readlink -f /usr/bin/python3)
cp "$real" py
P=$TMP/py
export OBJMEM_CACHE=$TMP/cache
run() { expect_exit 0 "$OBJMEM" run -i "$@" -w slots -n 1k -r 1 -q --no-table --no-views -o r.json; }
probe_field() { python3 -c 'import json, sys; print(json.load(open("r.json"))["interpreters"][0]["probe"].get(sys.argv[1]))' "$1"; }

run "$P"
[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "the first run (nothing kept yet) said something with -q"; }
kept=$(ls cache/probes/*.json 2>/dev/null | wc -l)
[ "$kept" -eq 1 ] || fail "$kept probes kept after the first run, not 1"
f=$(ls cache/probes/*.json)
python3 - "$f" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["value"]["kept_mark"] = "from the cache"
json.dump(d, open(sys.argv[1], "w"))
PY
run "$P"
[ "$(probe_field kept_mark)" = "from the cache" ] || fail "the second run did not take the kept probe"
pass "a probe is kept and taken again by the next run of the same executable"

sleep 0.01; touch py
run "$P"
[ "$(probe_field kept_mark)" = "None" ] || fail "a touched executable kept its old probe"
pass "the executable touched: probed again"

echo '{ "probe": ' >"$f"
for g in cache/probes/*.json; do echo 'not json' >"$g"; done
run "$P"
[ "$(probe_field version)" != "None" ] || fail "a broken kept probe was not replaced by a fresh one"
pass "a kept probe that is not JSON is ignored"

printf '#!/bin/sh\nexec %s "$@"\n' "$P" >wrap
chmod +x wrap
before=$(ls cache/probes | wc -l)
run "$TMP/wrap"
[ "$(ls cache/probes | wc -l)" -eq "$before" ] || fail "a probe was kept for a shell script"
pass "a wrapper script is probed every run, nothing kept for it"

# views: kept under the probe's key, the workload's file and the --param values
cp "$SRC/workloads/slots.py" myslots.py
vrun() { expect_exit 0 "$OBJMEM" run -i "$P" -w "$TMP/myslots.py" -n 1k -r 1 -q --no-table -o v.json "$@"; }
view_field() { python3 -c 'import json, sys; print(json.load(open("v.json"))["views"][0].get(sys.argv[1]))' "$1"; }
rm -rf cache
vrun
[ "$(ls cache/probes | wc -l)" -eq 2 ] || fail "not a probe and a view kept after a run with views"
python3 - <<'PY'
import glob, json
for f in glob.glob("cache/probes/*.json"):
    d = json.load(open(f))
    if "views of" in d["key"]:
        d["value"]["kept_mark"] = "from the cache"
        json.dump(d, open(f, "w"))
PY
vrun
[ "$(view_field kept_mark)" = "from the cache" ] || fail "the second run did not take the kept views"
[ "$(view_field workload)" = "myslots" ] || fail "a kept view does not name the run's workload"
echo "# edited" >>myslots.py
vrun
[ "$(view_field kept_mark)" = "None" ] || fail "an edited workload kept its old views"
pass "views kept and taken again; an edited workload file is asked again"
