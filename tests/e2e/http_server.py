#!/usr/bin/env python3
"""A small HTTP server for the end-to-end tests of objmem upload, compare and
trend with URLs. Standard library only; bound to 127.0.0.1 on a port the
kernel picks, printed as the first line of stdout. It exits by itself after
--lifetime seconds, so a test that dies cannot leave it behind for long.

usage: http_server.py MODE [--record FILE] [--file FILE] [--fail N]
                      [--lifetime SECONDS] [--tls CERT KEY]
modes:
  record       answer every request 202 "All result data saved successfully"
  flaky        answer the first --fail N requests (default 1) with 500, then as record
  status:CODE  answer every request with CODE and a short message (e.g. status:400)
  hang         accept connections and never answer
  serve        GET answers --file's bytes with 200; other paths 404
  garbage      GET answers 200 with a body that is not JSON
Every request that gets an answer (record, flaky, status, serve, garbage) is
appended to --record as one JSON line: {"n", "method", "path", "headers"
(lower-case names), "body" (latin-1), "status"}.
"""
import argparse
import json
import os
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

GARBAGE = b"<html><body><h1>Welcome to nginx!</h1> (a page, not JSON)</body></html>\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode")
    ap.add_argument("--record")
    ap.add_argument("--file")
    ap.add_argument("--fail", type=int, default=1)
    ap.add_argument("--lifetime", type=float, default=60)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = ap.parse_args()

    # bounded lifetime, whatever happens to the test
    t = threading.Timer(args.lifetime, lambda: os._exit(0))
    t.daemon = True
    t.start()

    if args.mode == "hang":
        serve_hang(args)
        return

    state = {"n": 0, "lock": threading.Lock()}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):
            pass

        def answer(self, status, body, ctype="text/plain"):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            n_len = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n_len) if n_len else b""
            with state["lock"]:
                state["n"] += 1
                n = state["n"]
            mode = args.mode
            if mode == "record" or (mode == "flaky" and n > args.fail):
                status, out = 202, b"All result data saved successfully"
            elif mode == "flaky":
                status, out = 500, b"Internal Server Error (try again)"
            elif mode.startswith("status:"):
                status = int(mode.split(":", 1)[1])
                out = b"Environment bench1 not found"
            elif mode == "serve":
                if self.command == "GET" and args.file and self.path.endswith(".json"):
                    with open(args.file, "rb") as f:
                        status, out = 200, f.read()
                else:
                    status, out = 404, b"no such file"
            elif mode == "garbage":
                status, out = 200, GARBAGE
            else:
                status, out = 500, b"unknown mode"
            if args.record:
                rec = {
                    "n": n,
                    "method": self.command,
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body.decode("latin-1"),
                    "status": status,
                }
                with state["lock"], open(args.record, "a") as f:
                    f.write(json.dumps(rec) + "\n")
            self.answer(status, out, "application/json" if mode == "serve" else "text/plain")

        do_GET = handle_any
        do_POST = handle_any
        do_PUT = handle_any

    srv = HTTPServer(("127.0.0.1", 0), Handler)
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


def serve_hang(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    print(s.getsockname()[1], flush=True)
    held = []
    while True:
        conn, _ = s.accept()
        held.append(conn)  # read nothing, answer nothing, keep it open
        if len(held) > 64:
            held.pop(0).close()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
