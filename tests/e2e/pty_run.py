#!/usr/bin/env python3
"""pty_run.py COLS OUT.json CMD... - run CMD on a pseudo-terminal COLS wide
(24 rows) and write what it printed, chunk by chunk with the time each came
(seconds since the start), to OUT.json as [[t, text], ...]. Exits with
CMD's status. TERM is what the environment says."""
import fcntl
import json
import os
import pty
import struct
import sys
import termios
import time

cols, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
t0 = time.monotonic()
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    os.execvp(cmd[0], cmd)
chunks = []
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    chunks.append([time.monotonic() - t0, data.decode("utf-8", "replace")])
_, status = os.waitpid(pid, 0)
json.dump(chunks, open(out, "w"))
sys.exit(os.waitstatus_to_exitcode(status))
