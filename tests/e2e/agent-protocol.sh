#!/usr/bin/env bash
# agent-protocol: workloads/agent.py speaks the protocol of docs/protocol.md
# on every interpreter this machine has: the system python3 always, pyenv
# builds and pypy3 when present (never required), plus any listed in
# $OBJMEM_TEST_PYTHONS (colon-separated paths).  For each, tests/e2e/
# drive_agent.py plays the driver: probe, list, prepare record, every
# workload at 1000 objects (protocol lines, phase order, getsizeof), prints
# going to stderr, skip/error lines, quit, argument errors, the protocol's
# JSON against json.dumps, the agent's compiled code kept in the cache (and
# compiled again when damaged or out of date), and on CPython the USS
# physics of `slots`; and here, that an exception message, skip
# reason or note of any length reaches the driver as one line, cut and marked.  One line per check; exit 77 only when no
# interpreter can run at all.
set -eu
. "$(dirname "$0")/lib.sh"
# Everything temporary stays under $TMP: drive_agent.py's scratch files and
# the working directory it gives the agents (tempfile follows TMPDIR), and
# the C compiler's temporaries when `prepare record` builds the extension.
export TMPDIR=$TMP
# As objmem gives its children: no .pyc written next to an interpreter's
# standard library (under ~/.pyenv, say) by the label and start-up checks.
export PYTHONDONTWRITEBYTECODE=1

DRIVER="$SRC/tests/e2e/drive_agent.py"
command -v python3 >/dev/null 2>&1 || skip "no python3 to run the driver"

# The record extension must build without a warning on every interpreter.
export OBJMEM_EXT_CFLAGS="-O2 -Werror -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings -Wshadow"

candidates() {
	if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3 || true; fi
	extra_interpreters
	local IFS=:
	for p in ${OBJMEM_TEST_PYTHONS:-}; do [ -n "$p" ] && echo "$p"; done
}

# One entry per real executable, in discovery order.
declare -A seen=()
interps=()
while read -r py; do
	[ -x "$py" ] || continue
	# The executable itself, not a wrapper or a pyenv shim.
	real=$("$py" -c 'import os, sys; print(os.path.realpath(sys.executable))' 2>/dev/null) ||
		real=$(readlink -f "$py")
	[ -n "${seen[$real]:-}" ] && continue
	seen[$real]=1
	interps+=("$py")
done < <(candidates)
[ ${#interps[@]} -gt 0 ] || skip "no Python interpreter found"

label_of() {
	"$1" -c 'import sys, platform
impl = getattr(sys, "implementation", None)
name = impl.name if impl else platform.python_implementation().lower()
print("%s-%d.%d.%d%s" % ((name,) + tuple(sys.version_info[:3]) + (getattr(sys, "abiflags", ""),)))' 2>/dev/null || basename "$1"
}

# A reason, skip reason or note of any length fits one protocol line (at most
# 65536 bytes): the agent cuts it to 4000 characters and says how long it was.
# Prints "ok   LABEL: ..." or "FAIL LABEL: ..." per workload; 1 when one failed.
long_texts() { # PY LABEL
	local py=$1 label=$2 wl=$SRC/tests/fixtures/workloads rc=0 w want
	for w in raises_long:error:reason:1000012 skips_long:skip:reason:300000 \
		 notes_long:phase:note:200000; do
		IFS=: read -r name verb key size <<<"$w"
		want="[truncated, $size bytes]"
		# the agent exits 1 after an error line: its status is not the check
		printf 'go\ngo\ngo\ngo\n' | "$py" "$SRC/workloads/agent.py" run "$wl/$name.py" 10 \
			>"$TMP/long.out" 2>/dev/null || true
		if python3 -c '
import json, sys
verb, key, want = sys.argv[1:4]
for line in open(sys.argv[4]):
    assert len(line) < 65536, "a line of %d bytes" % len(line)
    v, _, payload = line[len("OBJMEM/1 "):].partition(" ")
    msg = json.loads(payload)
    if v == verb and key in msg:
        text = msg[key]
        assert len(text) < 4100 and text.endswith(u"\u2026 " + want), text[-80:]
        sys.exit(0)
sys.exit("no %s line with a %s" % (verb, key))' "$verb" "$key" "$want" "$TMP/long.out"; then
			echo "ok   $label: a long $key ($name) cut to one line, marked '$want'"
		else
			echo "FAIL $label: a long $key ($name) is not one marked line"
			rc=1
		fi
	done
	return $rc
}

ran=0 failed=()
for py in "${interps[@]}"; do
	label="$(label_of "$py") ($py)"
	if ! "$py" -c 'pass' >/dev/null 2>&1; then
		echo "skip $label: does not start"
		continue
	fi
	ran=$((ran + 1))
	log="$TMP/$ran.log"
	set +e
	python3 "$DRIVER" --python "$py" --label "$label" all --count 1000 | tee "$log"
	rc=${PIPESTATUS[0]}
	long_texts "$py" "$label" | tee -a "$log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	set -e
	[ "$rc" -eq 0 ] || failed+=("$label")
done
[ "$ran" -gt 0 ] || skip "no interpreter could start"

echo
grep -h '^FAIL ' "$TMP"/*.log || true
echo "agent-protocol: $ran interpreters, ${#failed[@]} with failures${failed:+: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
