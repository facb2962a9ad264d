#!/usr/bin/env bash
# objmem upload, and results read from URLs (compare, trend), against a
# small HTTP server on 127.0.0.1 that this test starts and stops
# (tests/e2e/http_server.py, standard library only).
# Expected:
#  - codespeed: one POST, form-encoded, one field json holding the entries;
#    every field and value as computed here from the results file, names with
#    spaces, '&', '=', '+', '/' and non-ASCII text encoded and decoded intact;
#    the token only in the Authorization header;
#  - json: the results file's bytes, as application/json;
#  - 500 then 200: retried, exit 0; 500 always: 1 + --retries attempts, exit 1;
#    400: one attempt, exit 1 with the server's message; a refused connection
#    and a server that never answers: exit 1 with what happened, in bounded time;
#  - bad input exits 2 and sends nothing; a TLS certificate that cannot be
#    verified fails unless --insecure;
#  - compare and trend read a baseline from a URL; garbage or a 404 there
#    is exit 2 with a message naming the URL;
#  - secrets (the token, the Authorization value, the base64 of user:password,
#    a URL's password, with or without an unencoded '@') appear nowhere in
#    objmem's stdout, stderr or files, even from a server that echoes them in
#    its answer's body and headers, with --verbose and on every error path;
#  - a POST that got a 2xx is never sent again: a connection reset or a
#    stall in the answer's body, or an answer too large, is a success with a
#    warning (exit 0, one request); a 4xx then a reset is not retried; a GET
#    cut short is retried;
#  - an answer that is not HTTP (an SSH banner, a broken status line) or a
#    server that closes at once is exit 1 with what happened and what to do;
#  - every error says "error: objmem upload: " what failed and what to do.
# No secret is ever printed by this test: a failure names the secret by its
# number and the line where it appeared, and the server's records (which
# hold what was sent) are parsed, never shown.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
SERVER="$SRC/tests/e2e/http_server.py"
EDIT="python3 $SRC/tests/fixtures/compare/edit_results.py"
TOKEN="objmem-test-token-$$-s3cr3t"
export OBJMEM_UPLOAD_TOKEN=$TOKEN

SERVERS=()
stop_servers() {
	local p
	for p in "${SERVERS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	SERVERS=()
}
trap 'stop_servers; cleanup' EXIT

# start_server MODE [ARGS...]: a server in the background; sets PORT and REC.
nserver=0
start_server() {
	nserver=$((nserver + 1))
	REC=$TMP/requests-$nserver.jsonl
	: >"$REC"
	python3 "$SERVER" "$@" --record "$REC" --lifetime 120 \
		>"$TMP/port-$nserver" 2>"$TMP/server-$nserver.err" &
	SERVERS+=($!)
	local i
	for i in $(seq 100); do
		[ -s "$TMP/port-$nserver" ] && break
		sleep 0.1
	done
	PORT=$(head -n 1 "$TMP/port-$nserver")
	[ -n "$PORT" ] || fail "the test server did not start: $(cat "$TMP/server-$nserver.err")"
}

requests() { wc -l <"$REC" | tr -d ' '; }

# Every secret given to objmem in this test. None may appear in anything
# objmem prints or writes; a failure names it by number, never by text.
SECRETS=("$TOKEN")
no_secrets() {
	local f i lines
	# one grep for all (the patterns go through a pipe, never a file)
	grep -qsF -f <(printf '%s\n' "${SECRETS[@]}") -- "$@" || return 0
	for f in "$@"; do
		for i in "${!SECRETS[@]}"; do
			lines=$(grep -nF -- "${SECRETS[$i]}" "$f" | cut -d: -f1 | tr '\n' ' ' || true)
			[ -z "$lines" ] || fail "secret #$i (${#SECRETS[$i]} bytes) appeared in $f, line(s) $lines"
		done
	done
}

# run CODE ARGS...: objmem ARGS, which must exit CODE; its output is searched
# for every secret before anything of it is shown. Every output is kept.
: >"$TMP/all-output"
run() {
	local want=$1; shift
	set +e
	"$OBJMEM" "$@" >"$TMP/out" 2>"$TMP/err"
	local got=$?
	set -e
	cat "$TMP/out" "$TMP/err" >>"$TMP/all-output"
	no_secrets "$TMP/out" "$TMP/err"
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout"; cat "$TMP/out"; echo "--- stderr"; cat "$TMP/err"
		fail "'objmem $1' exited $got, expected $want"
	fi
}

# upload_errors: the last command printed at least one error, and every
# error line says it is objmem upload's.
upload_errors() {
	grep -q '^error: ' "$TMP/err" || { cat "$TMP/err"; fail "no error message"; }
	if grep '^error: ' "$TMP/err" | grep -qv '^error: objmem upload: '; then
		cat "$TMP/err"; fail "an error line without 'error: objmem upload: '"
	fi
}

# HOME inside TMP, so files objmem might write there are searched too.
export HOME=$TMP/home
mkdir -p "$HOME"

# A results file whose names need encoding: the fixture small.json with an
# interpreter renamed.
res=$TMP/results.json
ODD='cpython 3.12+dbg&x=1/é'
$EDIT rename "$SRC/tests/fixtures/results/small.json" "$res" cpython-3.12 "$ODD"

# ---- codespeed: fields, values, encoding -----------------------------

start_server record
run 0 upload "$res" --url "http://127.0.0.1:$PORT/result/add/json/" --project 'CPython ü' \
	--branch 'main/feature a&b' --environment 'bench 1' --commitid 0123abc
[ "$(requests)" -eq 1 ] || fail "expected 1 request, the server saw $(requests)"
grep -q "uploaded 8 entries to 'http://127.0.0.1:$PORT/result/add/json/': HTTP 202" "$TMP/err" \
	|| { cat "$TMP/err"; fail "no success message"; }
python3 - "$REC" "$res" "$TOKEN" "$ODD" <<'EOF' || fail "codespeed payload"
import json, re, statistics, sys, urllib.parse
rec = json.loads(open(sys.argv[1]).readline())
doc = json.load(open(sys.argv[2]))
token, odd = sys.argv[3], sys.argv[4]
h = rec["headers"]
assert rec["method"] == "POST" and rec["path"] == "/result/add/json/", rec["path"]
assert h["content-type"] == "application/x-www-form-urlencoded", h["content-type"]
assert h["authorization"] == "Token " + token, "Authorization header"
assert "expect" not in h, "Expect: 100-continue sent"
body = rec["body"]
# one field, strictly percent-encoded: nothing but unreserved bytes and %XX
assert body.startswith("json="), body[:20]
assert re.fullmatch(r"[A-Za-z0-9._~%-]*", body[5:]), "unencoded bytes in the form"
assert int(h["content-length"]) == len(body.encode("latin-1"))
form = urllib.parse.parse_qs(body, strict_parsing=True, keep_blank_values=True)
assert list(form) == ["json"] and len(form["json"]) == 1, list(form)
entries = json.loads(form["json"][0])
assert token not in body

# expected, computed here from the cells
def owned(s):
    return s["uss"] - s.get("private_clean", 0)
rows = {}
for c in doc["cells"]:
    if c["status"] == "ok":
        k = (c["interpreter"], c["workload"], c["count"])
        rows.setdefault(k, []).append((owned(c["samples"]["full"]) - owned(c["samples"]["base"])) / c["count"])
def bench(w, n):
    for div, suf in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if n >= div and n % div == 0:
            return "%s@%d%s" % (w, n // div, suf)
    return "%s@%d" % (w, n)
want = {(i, bench(w, n)): v for (i, w, n), v in rows.items()}
got = {(e["executable"], e["benchmark"]): e for e in entries}
assert set(got) == set(want), (sorted(got), sorted(want))
assert any(e["executable"] == odd for e in entries), "the odd name did not survive"
close = lambda a, b: abs(a - b) <= 1e-9 * max(1, abs(b))
for k, e in got.items():
    v = want[k]
    assert e["environment"] == "bench 1" and e["project"] == "CPython ü", e
    assert e["branch"] == "main/feature a&b" and e["commitid"] == "0123abc", e
    assert close(e["result_value"], statistics.median(v)), (k, e["result_value"])
    assert close(e["min"], min(v)) and close(e["max"], max(v)), k
    sd = statistics.stdev(v) if len(v) > 1 else 0
    assert close(e["std_dev"], sd), (k, e["std_dev"], sd)
    assert e["units"] == "bytes" and e["units_title"] == "Memory" and e["lessisbetter"] is True
    assert e["result_date"] == "2026-11-22 03:04:05", e["result_date"]
    assert "revision_date" not in e
EOF
pass "codespeed: one form field json, every entry's fields and values, encoding, token header"

# defaults: environment = the run's hostname, commitid = its label
run 0 upload "$res" --url "http://127.0.0.1:$PORT/result/add/json/" -q
python3 - "$REC" <<'EOF' || fail "codespeed defaults"
import json, sys, urllib.parse
rec = json.loads(open(sys.argv[1]).readlines()[-1])
e = json.loads(urllib.parse.parse_qs(rec["body"])["json"][0])[0]
assert (e["environment"], e["commitid"], e["project"], e["branch"]) == ("bench1", "rev-abc123", "objmem", "default"), e
EOF
[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "--quiet printed something"; }
pass "codespeed defaults: environment from the run's hostname, commitid from its label"

# json: the file as it is
run 0 upload "$res" --url "http://127.0.0.1:$PORT/objmem/" --format json
python3 - "$REC" "$res" "$TOKEN" <<'EOF' || fail "json upload"
import json, sys
rec = json.loads(open(sys.argv[1]).readlines()[-1])
assert rec["path"] == "/objmem/" and rec["headers"]["content-type"] == "application/json"
assert rec["headers"]["authorization"] == "Token " + sys.argv[3]
assert rec["body"].encode("latin-1") == open(sys.argv[2], "rb").read(), "body is not the file"
EOF
pass "json: the results document as it is, application/json"

# --auth bearer and basic, --token-env
SECRETS+=("user:pa ss" "$(printf 'user:pa ss' | base64)")
OTHER_TOKEN="user:pa ss" run 0 upload "$res" --url "http://127.0.0.1:$PORT/x" --token-env OTHER_TOKEN --auth basic
python3 - "$REC" <<'EOF' || fail "basic auth"
import base64, json, sys
rec = json.loads(open(sys.argv[1]).readlines()[-1])
assert rec["headers"]["authorization"] == "Basic " + base64.b64encode(b"user:pa ss").decode()
EOF
run 0 upload "$res" --url "http://127.0.0.1:$PORT/x" --auth bearer
tail -n 1 "$REC" | grep -qF "\"authorization\": \"Bearer $TOKEN\"" || fail "bearer"
OBJMEM_UPLOAD_TOKEN= run 0 upload "$res" --url "http://127.0.0.1:$PORT/x"
tail -n 1 "$REC" | grep -q '"authorization"' && fail "an empty token was sent"
expect_err "OBJMEM_UPLOAD_TOKEN is not set: sending without a token"
pass "--auth token|bearer|basic, --token-env, no header without a token"
stop_servers

# ---- retries ------------------------------------------------------------

start_server flaky --fail 1
run 0 upload "$res" --url "http://127.0.0.1:$PORT/result/add/json/" --retries 2 --retry-delay 0.1
[ "$(requests)" -eq 2 ] || fail "500 then 200: expected 2 requests, got $(requests)"
expect_err "attempt 1 of 3 failed: the server answered HTTP 500"
expect_err "HTTP 202"
python3 - "$REC" <<'EOF' || fail "the retry sent something else"
import json, sys
a, b = [json.loads(l) for l in open(sys.argv[1])]
assert a["body"] == b["body"] and a["headers"]["authorization"] == b["headers"]["authorization"]
EOF
pass "500 then 200: retried with back-off, exit 0"
stop_servers

start_server status:503
run 1 upload "$res" --url "http://127.0.0.1:$PORT/x" --retries 2 --retry-delay 0.05
[ "$(requests)" -eq 3 ] || fail "503 always: expected 3 requests, got $(requests)"
expect_err "refused the upload: the server answered HTTP 503 (Environment bench1 not found) (after 3 attempts)"
upload_errors
pass "5xx every time: 1 + --retries attempts, exit 1"
stop_servers

start_server status:400
SECRETS+=(hunter2)
run 1 upload "$res" --url "http://user:hunter2@127.0.0.1:$PORT/result/add/json/?key=abc" --retries 3 --retry-delay 0.05
[ "$(requests)" -eq 1 ] || fail "400: expected 1 request (no retry), got $(requests)"
expect_err "error: objmem upload: 'http://***@127.0.0.1:$PORT/result/add/json/?***' refused the upload: the server answered HTTP 400 (Environment bench1 not found); not retried"
upload_errors
pass "4xx: one attempt, the server's message, exit 1; credentials in the URL not printed"
stop_servers

# nothing listens on a port the kernel just handed out and took back
free_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
start=$(date +%s)
run 1 upload "$res" --url "http://127.0.0.1:$free_port/x" --retries 1 --retry-delay 0.1
expect_err "cannot upload to 'http://127.0.0.1:$free_port/x': cannot connect"
expect_err "(after 2 attempts)"
upload_errors
[ $(( $(date +%s) - start )) -lt 10 ] || fail "a refused connection took too long"
pass "refused connection: exit 1, says so"

start_server hang
start=$(date +%s)
run 1 upload "$res" --url "http://127.0.0.1:$PORT/x" --timeout 1 --retries 1 --retry-delay 0.1
secs=$(( $(date +%s) - start ))
expect_err "no complete answer within 1 s"
expect_err "(after 2 attempts)"
upload_errors
[ "$secs" -lt 10 ] || fail "a server that never answers held objmem ${secs}s"
pass "a server that never answers: timeout, exit 1 in ${secs}s"
stop_servers

# ---- bad input: exit 2, nothing sent -------------------------------------

start_server record
run 2 upload "$res"
expect_err "give the server with --url URL"
upload_errors
run 2 upload "$res" --url "ftp://127.0.0.1:$PORT/x"
expect_err "--url takes an http:// or https:// URL"
run 2 upload "$res" --url "http://127.0.0.1:$PORT/x" --token-env OBJMEM_TEST_UNSET_VARIABLE
expect_err "the environment variable 'OBJMEM_TEST_UNSET_VARIABLE' (--token-env) is not set"
upload_errors
OBJMEM_UPLOAD_TOKEN="$TOKEN"$'\r\nX-Evil: 1' run 2 upload "$res" --url "http://127.0.0.1:$PORT/x"
expect_err "holds a line break or another control character"
upload_errors
run 2 upload "$res" --url "http://127.0.0.1:$PORT/x" --token-env "$TOKEN=x"
nolabel=$TMP/nolabel.json
$EDIT set "$res" "$nolabel" label null
run 2 upload "$nolabel" --url "http://127.0.0.1:$PORT/x"
expect_err "has no revision label: give --commitid ID"
upload_errors
echo garbage >"$TMP/garbage.json"
run 2 upload "$TMP/garbage.json" --url "http://127.0.0.1:$PORT/x"
expect_err "garbage.json:1:1: invalid JSON"
upload_errors
run 2 upload "$TMP/missing.json" --url "http://127.0.0.1:$PORT/x"
expect_err "missing.json"
upload_errors
run 2 upload "$res" --url "http://127.0.0.1:$PORT/x" --executable one
expect_err "--executable names one executable, but"
upload_errors
run 2 upload "$res" --url "http://127.0.0.1:$PORT/x" --retries lots
[ "$(requests)" -eq 0 ] || fail "bad input still sent $(requests) requests"
run 0 upload "$res" --dry-run
grep -q '"benchmark":	"point3d@100k"' "$TMP/out" || fail "--dry-run does not show the entries"
grep -q "Authorization: (from the environment, not shown)" "$TMP/out" || fail "--dry-run and the token"
run 0 upload --help
grep -q "example:" "$TMP/out" || fail "upload --help has no example"
pass "bad input: exit 2, nothing sent; --dry-run shows the payload without the token"
stop_servers

# ---- TLS ---------------------------------------------------------------

if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
		-days 1 -subj "/CN=127.0.0.1" >/dev/null 2>&1 || fail "openssl could not make a certificate"
	start_server record --tls "$TMP/cert.pem" "$TMP/key.pem"
	start=$(date +%s)
	run 1 upload "$res" --url "https://127.0.0.1:$PORT/x" --retries 3 --retry-delay 1
	expect_err "certificate cannot be verified"
	expect_err "--insecure"
	[ $(( $(date +%s) - start )) -lt 3 ] || fail "a certificate error was retried"
	[ "$(requests)" -eq 0 ] || fail "a request went to an unverified server"
	run 0 upload "$res" --url "https://127.0.0.1:$PORT/x" --insecure
	[ "$(requests)" -eq 1 ] || fail "--insecure: nothing arrived"
	stop_servers
	pass "TLS: an unverifiable certificate fails (no retry) unless --insecure"
else
	echo "note: no openssl: the TLS part is left out"
fi

# ---- results from URLs ------------------------------------------------------

start_server serve --file "$res"
run 0 compare "http://127.0.0.1:$PORT/baseline.json" "$res"
grep -q "^base: http://127.0.0.1:$PORT/baseline.json (created 2026-11-22T03:04:05Z, label rev-abc123" "$TMP/out" \
	|| { cat "$TMP/out"; fail "compare with a URL baseline"; }
grep -q " 0 LARGER, 0 smaller, 8 same" "$TMP/out" || fail "compare with a URL baseline: not all same"
new=$TMP/new.json
$EDIT scale "$res" "$new" pypy3.10 point3d 100000 1.5
run 1 compare "http://127.0.0.1:$PORT/baseline.json" "$new"
grep -q "^LARGER: pypy3.10 point3d 100k" "$TMP/out" || fail "compare with a URL baseline: LARGER"
run 0 trend "http://127.0.0.1:$PORT/baseline.json" "$res" --format csv
grep -q "http://127.0.0.1:$PORT/baseline.json" "$TMP/out" || fail "trend with a URL"
run 2 compare "http://127.0.0.1:$PORT/missing" "$res" --timeout 5
expect_err "cannot fetch 'http://127.0.0.1:$PORT/missing': the server answered HTTP 404 (no such file)"
stop_servers
pass "compare and trend read a baseline from a URL; a 404 is exit 2 naming the URL"

start_server garbage
run 2 compare "http://127.0.0.1:$PORT/baseline.json" "$res"
expect_err "error: http://127.0.0.1:$PORT/baseline.json:1:1: invalid JSON"
run 2 trend "$res" "http://127.0.0.1:$PORT/baseline.json"
expect_err "http://127.0.0.1:$PORT/baseline.json:1:1: invalid JSON"
[ "$(requests)" -eq 2 ] || fail "garbage: expected 2 requests, got $(requests)"
stop_servers
pass "a baseline URL that returns garbage: exit 2 naming the URL"

# ---- servers that echo secrets ----------------------------------------------
# The echo server repeats the Authorization header, its credential and, for
# Basic, the decoded user:password and password, in the first line of its
# answer (which objmem quotes) and in headers.

BASIC="bench-user:pa ss-$$-Q"
BASIC_B64=$(printf '%s' "$BASIC" | base64)
URL_PW="p@ss-$$-w0rd"                    # sent in a URL as p%40ss-...
URL_PW_ENC="p%40ss-$$-w0rd"
URL_B64=$(printf 'bench:%s' "$URL_PW" | base64)
RAW_PW="p@ss-$$-x7"                      # written into a URL with its '@' as it is
SECRETS+=("$BASIC" "pa ss-$$-Q" "$BASIC_B64" "$URL_PW" "$URL_PW_ENC" "$URL_B64"
	"$RAW_PW" "ss-$$-x7")

# the secret reached the server (so the echo had something to repeat)
sent_auth() {
	python3 - "$REC" "$1" <<'PY' || fail "the server did not get the expected Authorization header"
import json, sys
rec = json.loads(open(sys.argv[1]).readlines()[-1])
assert rec["headers"].get("authorization") == sys.argv[2]
PY
}

start_server echo
run 0 upload "$res" --url "http://127.0.0.1:$PORT/result/add/json/" --verbose
sent_auth "Token $TOKEN"
expect_err "HTTP 200 (you sent Authorization: ***; credential ***"
run 0 upload "$res" --url "http://127.0.0.1:$PORT/x" --auth bearer -v
sent_auth "Bearer $TOKEN"
OBJMEM_BASIC=$BASIC run 0 upload "$res" --url "http://127.0.0.1:$PORT/x" --token-env OBJMEM_BASIC \
	--auth basic -v
sent_auth "Basic $BASIC_B64"
expect_err "user:password ***; password ***"
OBJMEM_UPLOAD_TOKEN= run 0 upload "$res" --url "http://bench:$URL_PW_ENC@127.0.0.1:$PORT/x" -v
sent_auth "Basic $URL_B64"
expect_err "to 'http://***@127.0.0.1:$PORT/x': HTTP 200 (you sent Authorization: Basic ***; credential ***; user:password ***; password ***"
# a baseline URL whose server answers with the password first: the parse
# error quotes the start of the answer, with the password as ***
run 2 compare "http://bench:$URL_PW_ENC@127.0.0.1:$PORT/base.json" "$res"
sent_auth "Basic $URL_B64"
expect_err "http://***@127.0.0.1:$PORT/base.json:1:1: invalid JSON: expected a value, at '***; you sent"
stop_servers
pass "a 2xx that echoes the token, Bearer, Basic, a URL's user:password (upload, compare): shown as ***"

start_server echo --status 403
run 1 upload "$res" --url "http://127.0.0.1:$PORT/x" -v --retries 2 --retry-delay 0.05
expect_err "the server answered HTTP 403 (you sent Authorization: ***"
upload_errors
OBJMEM_UPLOAD_TOKEN= run 1 upload "$res" --url "http://bench:$URL_PW_ENC@127.0.0.1:$PORT/x" -v
upload_errors
[ "$(requests)" -eq 2 ] || fail "403: expected 2 requests (no retry), got $(requests)"
stop_servers
start_server echo --status 500
OBJMEM_BASIC=$BASIC run 1 upload "$res" --url "http://bench:$URL_PW_ENC@127.0.0.1:$PORT/x" \
	--token-env OBJMEM_BASIC --auth basic -v --retries 2 --retry-delay 0.05
expect_err "note: attempt 1 of 3 failed: the server answered HTTP 500 (you sent Authorization: ***"
expect_err "(after 3 attempts)"
upload_errors
stop_servers
pass "a 4xx or 5xx that echoes the secrets, with --verbose and retries: shown as ***"

# a password with an '@' written as it is: refused before anything is sent,
# and no part of it shown
start_server record
run 2 upload "$res" --url "http://bench:$RAW_PW@127.0.0.1:$PORT/x"
expect_err "'http://***@127.0.0.1:$PORT/x'"
expect_err "%40"
upload_errors
run 2 upload "$res" --url "http://bench:$RAW_PW@127.0.0.1:$PORT/x" --dry-run
upload_errors
run 2 compare "http://bench:$RAW_PW@127.0.0.1:$PORT/base.json" "$res"
expect_err "'http://***@127.0.0.1:$PORT/base.json'"
[ "$(requests)" -eq 0 ] || fail "a URL with an unencoded '@' sent $(requests) requests"
stop_servers
pass "a password with an unencoded '@': exit 2, nothing sent, all of it redacted"

# ---- answers that break after a 2xx ----------------------------------------

start_server reset
start=$(date +%s)
run 0 upload "$res" --url "http://127.0.0.1:$PORT/x" --retries 2 --retry-delay 0.05
[ "$(requests)" -eq 1 ] || fail "2xx then a reset: expected 1 request (no retry), got $(requests)"
grep -q "^warning: objmem upload: .*HTTP 200.*not sent again" "$TMP/err" \
	|| { cat "$TMP/err"; fail "2xx then a reset: no warning"; }
expect_err "uploaded 8 entries to 'http://127.0.0.1:$PORT/x': HTTP 200"
grep -q '^error' "$TMP/err" && fail "2xx then a reset: an error was printed"
stop_servers
start_server reset --status 400
run 1 upload "$res" --url "http://127.0.0.1:$PORT/x" --retries 2 --retry-delay 0.05
[ "$(requests)" -eq 1 ] || fail "4xx then a reset: expected 1 request, got $(requests)"
expect_err "HTTP 400"
upload_errors
stop_servers
start_server reset --status 502
run 1 upload "$res" --url "http://127.0.0.1:$PORT/x" --retries 2 --retry-delay 0.05
[ "$(requests)" -eq 3 ] || fail "5xx then a reset: expected 3 requests, got $(requests)"
expect_err "HTTP 502"
upload_errors
stop_servers
start_server stall
run 0 upload "$res" --url "http://127.0.0.1:$PORT/x" --timeout 1 --retries 2 --retry-delay 0.05
[ "$(requests)" -eq 1 ] || fail "2xx then a stall: expected 1 request (no retry), got $(requests)"
grep -q "^warning: objmem upload: .*HTTP 200.*did not arrive whole within 1 s.*not sent again" "$TMP/err" \
	|| { cat "$TMP/err"; fail "2xx then a stall: no warning"; }
stop_servers
# a GET may be repeated: a 2xx cut short is retried, then an error
start_server reset
run 2 compare "http://127.0.0.1:$PORT/base.json" "$res" --timeout 5
[ "$(requests)" -eq 3 ] || fail "GET, 2xx then a reset: expected 3 requests, got $(requests)"
expect_err "cannot fetch 'http://127.0.0.1:$PORT/base.json'"
stop_servers
[ $(( $(date +%s) - start )) -lt 30 ] || fail "resets took too long"
pass "2xx then a reset or a stall: POST not sent again, exit 0 with a warning; 4xx not retried; 5xx and GET retried"

for mode in huge huge-length; do
	start_server "$mode" --size $((16 << 20))
	start=$(date +%s)
	run 0 upload "$res" --url "http://127.0.0.1:$PORT/x" --retries 2 --retry-delay 0.05
	[ "$(requests)" -eq 1 ] || fail "$mode: expected 1 request, got $(requests)"
	grep -q "^warning: objmem upload: .*HTTP 200.*larger than" "$TMP/err" \
		|| { cat "$TMP/err"; fail "$mode: no warning about the answer's size"; }
	expect_err "uploaded 8 entries to 'http://127.0.0.1:$PORT/x': HTTP 200"
	[ $(( $(date +%s) - start )) -lt 10 ] || fail "$mode: took too long"
	stop_servers
done
pass "a 2xx with an answer too large (with and without Content-Length): exit 0, a warning, one request"

# ---- answers that are not HTTP ----------------------------------------------

for mode in nothttp badstatus; do
	start_server "$mode"
	start=$(date +%s)
	run 1 upload "$res" --url "http://127.0.0.1:$PORT/x" --retries 2 --retry-delay 0.05
	[ "$(requests)" -eq 1 ] || fail "$mode: expected 1 request (no retry), got $(requests)"
	expect_err "error: objmem upload: cannot upload to 'http://127.0.0.1:$PORT/x': the answer is not HTTP"
	expect_err "check that the URL's host and port are the HTTP server's"
	upload_errors
	[ $(( $(date +%s) - start )) -lt 10 ] || fail "$mode: took too long"
	stop_servers
done
pass "an answer that is not HTTP: exit 1, says so and what to check, not retried"

start_server close
run 1 upload "$res" --url "http://127.0.0.1:$PORT/x" --retries 1 --retry-delay 0.05
[ "$(requests)" -eq 2 ] || fail "close: expected 2 requests, got $(requests)"
expect_err "the server closed the connection without answering"
expect_err "(after 2 attempts)"
upload_errors
stop_servers
start_server close-now
run 1 upload "$res" --url "http://127.0.0.1:$PORT/x" --retries 1 --retry-delay 0.05
# a close before the request arrived reads as an empty answer, one after it as a reset
grep -qE "before any answer|closed the connection without answering" "$TMP/err" \
	|| { cat "$TMP/err"; fail "close-now: no message saying what happened"; }
expect_err "check the URL"
upload_errors
stop_servers
pass "a server that closes the connection at once: exit 1, what happened and what to check"

# ---- the secrets, everywhere ------------------------------------------------

run 0 upload "$res" --url "http://127.0.0.1:1/x" --dry-run --verbose
no_secrets "$TMP/all-output"
# files: everything under TMP but the server's records of what it received
mapfile -d '' files < <(find "$TMP" -type f ! -name 'requests-*.jsonl' -print0)
[ "${#files[@]}" -gt 3 ] || fail "the search for secrets in files found no files"
no_secrets "${files[@]}"
pass "no secret in objmem's stdout or stderr, nor in any file here (HOME included)"
