#!/usr/bin/env bash
# A full disk is an error, and the previous results file is left intact.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
mnt=$TMP/small
mkdir -p "$mnt"
mount -t tmpfs -o size=256k tmpfs "$mnt" 2>/dev/null || skip "cannot mount a tmpfs here"
trap 'umount "$mnt" 2>/dev/null; cleanup' EXIT
out=$mnt/r.json
expect_exit 0 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o "$out" -q
cp "$out" "$TMP/before.json"
# fill the disk, leaving too little room for a new results file
dd if=/dev/zero of="$mnt/fill" bs=1k count=1024 2>/dev/null || true
expect_exit 2 "$OBJMEM" run -i python3 -w slots,point3d -n 1k,2k -r 2 -o "$out" -q
expect_err "No space left on device"
cmp -s "$out" "$TMP/before.json" || fail "the previous results file changed"
ls "$mnt" | grep -q '\.tmp\.' && fail "a temporary file was left behind"
pass "full disk: error, previous file intact, no temporary left"

expect_exit 2 "$OBJMEM" run -i python3 -w slots -n 1k -r 1 -o /proc/objmem/r.json -q
expect_err "cannot"
pass "unwritable output directory: clear error"
