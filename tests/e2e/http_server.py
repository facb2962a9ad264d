#!/usr/bin/env python3
"""A small HTTP server for the end-to-end tests of objmem upload, compare and
trend with URLs. Standard library only; bound to 127.0.0.1 on a port the
kernel picks, printed as the first line of stdout. It exits by itself after
--lifetime seconds, so a test that dies cannot leave it behind for long.

usage: http_server.py MODE [--record FILE] [--file FILE] [--fail N]
                      [--status CODE] [--size BYTES] [--lifetime SECONDS]
                      [--tls CERT KEY]
modes:
  record       answer every request 202 "All result data saved successfully"
  flaky        answer the first --fail N requests (default 1) with 500, then as record
  status:CODE  answer every request with CODE and a short message (e.g. status:400)
  hang         accept connections and never answer
  serve        GET answers --file's bytes with 200; other paths 404
  garbage      GET answers 200 with a body that is not JSON
  echo         answer --status (default 200) with the request's Authorization
               header, its credential and, for Basic, the decoded user:password
               and password, in the first line of the body and in headers
               (X-Echo-Authorization, X-Echo-Credential, X-Echo-Basic): a
               server that repeats secrets. A GET's answer starts with the
               password, where a JSON parser's error quotes it
  reset        answer --status (default 200) with headers promising a
               100000-byte body, send 20 bytes of it, then reset the
               connection (RST)
  stall        the same, but then hold the connection open, sending nothing
  huge         answer --status (default 200) with a --size byte body (default
               64 MiB) and no Content-Length, written until the client stops
  huge-length  the same with a Content-Length header
  nothttp      after the request, write an SSH banner and binary bytes, close
  badstatus    after the request, write "HTTP/1.1 OKAY" and a blank line, close
  close        after the request, close the connection without a byte
  close-now    close each connection as soon as it is accepted, reading nothing
Every request that gets this far (all but hang and close-now) is appended to
--record as one JSON line: {"n", "method", "path", "headers" (lower-case
names), "body" (latin-1), "status"}. The record holds what the client sent,
secrets included: tests count and parse it, and never print it.
"""
import argparse
import base64
import binascii
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

GARBAGE = b"<html><body><h1>Welcome to nginx!</h1> (a page, not JSON)</body></html>\n"
RAW_MODES = ("reset", "stall", "nothttp", "badstatus", "close", "close-now")
MAX_REQUEST = 64 << 20


class Recorder:
    """Numbers the requests and appends each to --record."""

    def __init__(self, path):
        self.path = path
        self.n = 0
        self.lock = threading.Lock()

    def next(self):
        with self.lock:
            self.n += 1
            return self.n

    def write(self, n, method, path, headers, body, status):
        if not self.path:
            return
        rec = {
            "n": n,
            "method": method,
            "path": path,
            "headers": {k.lower(): v for k, v in headers},
            "body": body.decode("latin-1"),
            "status": status,
        }
        with self.lock, open(self.path, "a") as f:
            f.write(json.dumps(rec) + "\n")


def echo_parts(auth):
    """What an echoing server repeats: the header, its credential, Basic decoded."""
    parts = {"authorization": auth or "", "credential": "", "basic": "", "password": ""}
    if auth and " " in auth:
        scheme, cred = auth.split(" ", 1)
        parts["credential"] = cred
        if scheme.lower() == "basic":
            try:
                plain = base64.b64decode(cred, validate=True).decode("latin-1")
            except (binascii.Error, ValueError):
                plain = ""
            parts["basic"] = plain
            parts["password"] = plain.split(":", 1)[1] if ":" in plain else ""
    return parts


def echo_body(auth, first=""):
    p = echo_parts(auth)
    line = ("you sent Authorization: %s; credential %s; user:password %s; password %s"
            % (p["authorization"], p["credential"], p["basic"], p["password"]))
    return (first + line + "\n" + line + "\n").encode("latin-1", "replace"), p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode")
    ap.add_argument("--record")
    ap.add_argument("--file")
    ap.add_argument("--fail", type=int, default=1)
    ap.add_argument("--status", type=int, default=200)
    ap.add_argument("--size", type=int, default=64 << 20)
    ap.add_argument("--lifetime", type=float, default=60)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = ap.parse_args()

    # bounded lifetime, whatever happens to the test
    t = threading.Timer(args.lifetime, lambda: os._exit(0))
    t.daemon = True
    t.start()

    rec = Recorder(args.record)
    if args.mode == "hang":
        serve_hang(args)
    elif args.mode in RAW_MODES:
        serve_raw(args, rec)
    else:
        serve_http(args, rec)


def serve_http(args, rec):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):
            pass

        def answer(self, status, body, ctype="text/plain", extra=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def stream(self, status, size, with_length):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            if with_length:
                self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b"All result data saved successfully, and more. " * 1400
            sent = 0
            try:
                while sent < size:
                    piece = chunk[: size - sent]
                    self.wfile.write(piece)
                    sent += len(piece)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: what this mode is for
            self.close_connection = True

        def handle_any(self):
            n_len = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n_len) if n_len else b""
            n = rec.next()
            mode = args.mode
            extra, ctype = (), "text/plain"
            if mode == "record" or (mode == "flaky" and n > args.fail):
                status, out = 202, b"All result data saved successfully"
            elif mode == "flaky":
                status, out = 500, b"Internal Server Error (try again)"
            elif mode.startswith("status:"):
                status = int(mode.split(":", 1)[1])
                out = b"Environment bench1 not found"
            elif mode == "serve":
                ctype = "application/json"
                if self.command == "GET" and args.file and self.path.endswith(".json"):
                    with open(args.file, "rb") as f:
                        status, out = 200, f.read()
                else:
                    status, out = 404, b"no such file"
            elif mode == "garbage":
                status, out = 200, GARBAGE
            elif mode == "echo":
                status = args.status
                auth = self.headers.get("Authorization")
                first = echo_parts(auth)["password"] + "; " if self.command == "GET" else ""
                out, p = echo_body(auth, first)
                extra = [("X-Echo-Authorization", p["authorization"]),
                         ("X-Echo-Credential", p["credential"]),
                         ("X-Echo-Basic", p["basic"]), ("X-Echo-Password", p["password"])]
            elif mode in ("huge", "huge-length"):
                rec.write(n, self.command, self.path, self.headers.items(), body, args.status)
                self.stream(args.status, args.size, mode == "huge-length")
                return
            else:
                status, out = 500, b"unknown mode"
            rec.write(n, self.command, self.path, self.headers.items(), body, status)
            self.answer(status, out, ctype, extra)

        do_GET = handle_any
        do_POST = handle_any
        do_PUT = handle_any

    srv = HTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


def read_request(conn):
    """(method, path, headers, body) of one HTTP/1.x request, or None."""
    conn.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece or len(data) > MAX_REQUEST:
            return None
        data += piece
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    method, path = (lines[0].split(" ") + ["", ""])[:2]
    headers = [tuple(x.strip() for x in l.split(":", 1)) for l in lines[1:] if ":" in l]
    length = int(dict((k.lower(), v) for k, v in headers).get("content-length") or 0)
    while len(body) < length:
        piece = conn.recv(65536)
        if not piece:
            break
        body += piece
    return method, path, headers, body


def misbehave(args, rec, conn):
    """Read one request, record it, then answer as the mode says."""
    req = read_request(conn)
    if req is None:
        return
    n = rec.next()
    answers = args.mode in ("reset", "stall")
    rec.write(n, req[0], req[1], req[2], req[3], args.status if answers else 0)
    if answers:
        conn.sendall(b"HTTP/1.1 %d Answer\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 100000\r\n\r\nAll result data save" % args.status)
    if args.mode == "reset":
        # SO_LINGER with a zero timeout: close() sends RST, not FIN
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    elif args.mode == "stall":
        time.sleep(args.lifetime)
    elif args.mode == "nothttp":
        conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\x00\x00\x01\x14\x0a\x14\xde\xad\xbe\xef")
    elif args.mode == "badstatus":
        conn.sendall(b"HTTP/1.1 OKAY\r\n\r\n")


def serve_raw(args, rec):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    print(s.getsockname()[1], flush=True)

    def one(conn):
        try:
            if args.mode != "close-now":
                misbehave(args, rec, conn)
        except OSError:
            pass
        finally:
            conn.close()

    while True:
        conn, _ = s.accept()
        threading.Thread(target=one, args=(conn,), daemon=True).start()


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
