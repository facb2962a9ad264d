#!/usr/bin/env python3
"""scale.py - what results files of 1k, 10k and 100k cells cost objmem.

Prints two tables, measured in one run (the machine is shared: quote ratios):
  1. writing: milliseconds per cell a run spends keeping its results on
     disk, at each size (build/.../bench/bench_store: the journal append
     and fsync per cell, and the one fold into the document at the end);
  2. reading: wall time and peak memory (max RSS, as bench/peak_rss
     counts it) of `show`, `compare` (the file with itself), `merge` (the
     file with itself), `plot --scripts-only` and `report --no-figures`,
     and the peak as a multiple of the input's size.
The files are synthetic (bench/gen-results.py): 9 workloads x 5 counts x 3
repetitions per interpreter, as many interpreters as the size needs, then
written by objmem itself (`objmem merge` of the one file), so they hold the
summary and fits and have the layout a run gives. Each time is the
median of 5 runs (3 at 100k cells and more), started from here; the peak
is that of one more run, forked by bench/peak_rss.

With BASE=/path/to/another/objmem (an earlier build, say), every reading
is also taken with it, interleaved with the first in the same run, and the
table gains its time and the ratio of the two (the machine is shared:
ratios measured side by side are what to quote).

usage: bench/scale.py [SIZES...]     (default 1000 10000 100000)
env:   OBJMEM (default ./objmem), BUILD (default build/default), BASE
"""
import statistics
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OBJMEM = os.environ.get("OBJMEM", os.path.join(ROOT, "objmem"))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build", "default"))


PEAK_RSS = os.path.join(BUILD, "bench", "peak_rss")


def run(argv):
    """Run one child; exit with its message if it failed (1 is a verdict, not a failure)."""
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        sys.exit("%s failed:\n%s" % (" ".join(argv), p.stderr.decode(errors="replace")))


def wall(argv):
    """Wall seconds of one child, started from here."""
    t0 = time.monotonic()
    run(argv)
    return time.monotonic() - t0


def peak(argv):
    """Peak RSS in bytes of one child, as bench/peak_rss counts it.

    A child forked from this Python process would count Python's own 15 MB
    as its peak (ru_maxrss keeps the memory of the process that called
    exec); peak_rss forks the command itself. A run of its own, so the
    times above have no extra process in them.
    """
    out = os.path.join(tempfile.gettempdir(), "objmem-scale-peak.%d" % os.getpid())
    run([PEAK_RSS, out] + argv)
    with open(out) as f:
        kb = int(f.read())
    os.unlink(out)
    return kb * 1024


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [1000, 10000, 100000]
    if not os.access(PEAK_RSS, os.X_OK):
        sys.exit("no %s: run 'make %s' first" % (PEAK_RSS, PEAK_RSS))
    tmp = tempfile.mkdtemp(prefix="objmem-scale-")
    files = {}
    for n in sizes:
        files[n] = os.path.join(tmp, "r%d.json" % n)
        raw = files[n] + ".raw"
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen-results.py"), str(n),
                        raw], check=True)
        subprocess.run([OBJMEM, "merge", "-q", "-o", files[n], raw], check=True)
        os.unlink(raw)
    store = os.path.join(BUILD, "bench", "bench_store")
    print("== 1. keeping the results on disk, per cell (%s)" % store)
    print("%8s %10s %14s %14s %12s" % ("cells", "file MB", "append ms/cell", "fold s", "ms/cell"))
    for n in sizes:
        out = subprocess.run([store, files[n], os.path.join(tmp, "w%d.json" % n)],
                             capture_output=True, text=True, check=True).stdout.split()
        append_ms, fold_s = float(out[0]), float(out[1])
        print("%8d %10.1f %14.3f %14.3f %12.3f" % (n, os.path.getsize(files[n]) / 1e6, append_ms,
                                                    fold_s, append_ms + fold_s * 1000 / n))
    print()
    print("== 2. reading (wall s as a median, peak MB, peak / input size)")
    base = os.environ.get("BASE")
    cmds = {
        "show": lambda o, f: [o, "show", f],
        "compare": lambda o, f: [o, "compare", f, f],
        "merge": lambda o, f: [o, "merge", f, f, "--keep-first", "-q", "-o", f + ".m.json"],
        "plot": lambda o, f: [o, "plot", f, "--scripts-only", "-q", "-o", f + ".fig"],
        "report": lambda o, f: [o, "report", f, "--no-figures", "-q", "-o", f + ".rep"],
    }
    head = "%8s %10s %9s %9s %7s" % ("cells", "command", "wall s", "peak MB", "x input")
    print(head + ("%10s %7s" % ("base s", "ratio") if base else ""))
    for n in sizes:
        runs = 5 if n < 100000 else 3
        for name, argv in cmds.items():
            inputs = 2 if name in ("compare", "merge") else 1
            walls, base_walls = [], []
            for _ in range(runs):
                walls.append(wall(argv(OBJMEM, files[n])))
                if base:
                    base_walls.append(wall(argv(base, files[n])))
            pk = peak(argv(OBJMEM, files[n]))
            line = "%8d %10s %9.3f %9.1f %7.1f" % (n, name, statistics.median(walls), pk / 1e6,
                                                   pk / (os.path.getsize(files[n]) * inputs))
            if base:
                bw = statistics.median(base_walls)
                line += "%10.3f %7.2f" % (bw, statistics.median(walls) / bw)
            print(line)
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
