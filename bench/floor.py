#!/usr/bin/env python3
"""objmem's time on a matrix against its floor, in one run on this machine.

    bench/floor.py [-w W,...] [-n COUNTS] [-r ROUNDS] [--before OBJMEM] INTERPRETER...

The matrix: the interpreters given (default: pyenv's 2.7, 3.8 and 3.12
where found, else python3) x four workloads x 10k, 100k, 1M, one
repetition. Printed: the wall time of `objmem run` at -j 1 and -j 2 (with
the views, as users run it, and -j 2 without them); the floor, which is
the sum of the fills alone (timed by the article's method,
bench/article_method.py, in the same interpreters) over 1 and 2 cores; the
article's method itself (one process per interpreter and workload, counts
in sequence, one after the other, and the same processes two at a time,
with the sum of their fills then: what two cores give the same fills on
this machine, against the floor's perfect halving); and each as a ratio
to its floor (the sequential fills), all
measured in each of ROUNDS rounds (default 3) and given as medians. The
machine is shared: quote the ratios. With --before, another objmem binary
(a build before a change) runs the same three lines in each round, next
to this one's (which goes first alternates by round), against the same
fills: a column of its own.

Between objmem's lines and the article's, the method objmem runs
(DESIGN: a fresh process per cell, garbage collected before `full`, the
container dropped and collected for `freed`) with no harness around it:
the same agent and child environment, each cell's child started, every
line answered at once, no sample read, one cell after the other, and then
two at a time (as -j 2). It is a baseline, not a floor: it starts nothing
ahead. Of its sequential run two windows are printed summed: base to full
(the fill and the collection before `full`, which objmem gives a cell to
itself: no child of its starts or exits meanwhile) and full to freed (the
drop and the collection). objmem's time over the baseline's is each
round's own ratio.
"""
import argparse
import concurrent.futures
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
OBJMEM = os.environ.get("OBJMEM", os.path.join(SRC, "objmem"))


def default_interpreters():
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found = []
    for v in ("2.7", "3.8", "3.12"):
        for exe in sorted(glob.glob(os.path.join(root, "versions", v + ".*", "bin", "python"))):
            found.append(os.path.realpath(exe))
            break
    return found or [os.path.realpath(sys.executable)]


def timed(cmd):
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    took = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit("bench/floor.py: %s exited %d:\n%s" % (" ".join(cmd), p.returncode, p.stderr))
    return took, p.stdout


def child_env():
    """The child's environment as objmem gives it (harness/catalog.c)."""
    cache = os.environ.get("OBJMEM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "objmem")
    env = {k: os.environ[k] for k in ("PATH", "HOME", "TMPDIR", "LD_LIBRARY_PATH", "CC")
           if k in os.environ}
    env.update(LC_ALL="C.UTF-8", OBJMEM_CACHE=cache, PYTHONHASHSEED="0",
               PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1")
    return env


def method_cell(py, workload, count, env):
    """One cell of the method by a minimal driver: (seconds from the answer to
    `base` to the `full` line, seconds from the answer to `full` to the
    `freed` line). A line is stamped as it is read, just before its answer
    is written: a bound."""
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen([py, os.path.join(SRC, "workloads", "agent.py"), "run",
                              workload, count], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=err, env=env)
        said, stamps = None, {}
        try:
            for line in p.stdout:
                verb, _, payload = line.decode("utf-8", "replace").partition(" ")[2].partition(" ")
                if verb == "done":
                    break
                if verb != "phase":
                    said = line.decode("utf-8", "replace").strip()
                    break
                stamps[json.loads(payload)["phase"]] = time.monotonic()
                p.stdin.write(b"go\n")
                p.stdin.flush()
        except BrokenPipeError:
            pass
        for f in (p.stdin, p.stdout):
            try:
                f.close()
            except BrokenPipeError:
                pass
        rc = p.wait()
        if said or rc != 0 or "freed" not in stamps:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            sys.exit("bench/floor.py: the agent on %s %s %s %s; its stderr ends:\n%s"
                     % (py, workload, count,
                        "said %r" % said if said else "exited %d" % rc if rc
                        else "ended before `freed`", "\n".join(tail) or "(nothing)"))
    return (stamps["full"] - stamps["base"], stamps["freed"] - stamps["full"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-w", "--workloads", default="point3d,slots,namedtuple,largeints",
                    help="names of workloads/, or paths of workload files")
    ap.add_argument("-n", "--counts", default="10000,100000,1000000")
    ap.add_argument("-r", "--rounds", type=int, default=3)
    ap.add_argument("--before", metavar="OBJMEM",
                    help="another objmem binary, timed in the same rounds")
    ap.add_argument("interpreters", nargs="*")
    a = ap.parse_args()
    interps = a.interpreters or default_interpreters()
    counts = a.counts.split(",")
    workloads = a.workloads.split(",")
    labels = ("objmem -j 1", "objmem -j 2", "objmem -j 2 --no-views")
    extras = (["-j", "1"], ["-j", "2"], ["-j", "2", "--no-views"])
    rounds = []   # per round: fills, article, and each objmem run; then ratios per round
    articles = [[py, os.path.join(HERE, "article_method.py"),
                 w if "/" in w else os.path.join(SRC, "workloads", w.replace("-", "_") + ".py")]
                + counts
                for py in interps for w in workloads]
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(a.rounds):
            fills = article = 0.0
            for cmd in articles:
                took, out = timed(cmd)
                article += took
                fills += sum(float(line.split()[1]) for line in out.splitlines())
            # the same processes two at a time: what two cores give these fills here
            t0 = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                outs = list(pool.map(lambda cmd: timed(cmd)[1], articles))
            article2 = time.monotonic() - t0
            fills2 = sum(float(line.split()[1]) for out in outs for line in out.splitlines())
            # the method with no harness: objmem's order (counts, workloads, builds)
            env = child_env()
            matrix = [(py, w, n) for n in counts for w in workloads for py in interps]
            t0 = time.monotonic()
            ran = [method_cell(py, w, n, env) for py, w, n in matrix]
            method = time.monotonic() - t0
            fills_window = sum(a for a, _ in ran)
            frees_window = sum(b for _, b in ran)
            # and two at a time, as -j 2 runs them
            t0 = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda cell: method_cell(*cell, env), matrix))
            method2 = time.monotonic() - t0
            runs, before = [], []
            pair = ((OBJMEM, runs), (a.before, before))
            if len(rounds) % 2:
                pair = pair[::-1]   # which goes first alternates by round
            for extra in extras:
                for binary, into in pair:
                    if not binary:
                        continue
                    cmd = [binary, "run", "-w", a.workloads, "-n", a.counts, "-r", "1", "-q",
                           "--no-table", "-o", os.path.join(tmp, "r.json")] + extra
                    for py in interps:
                        cmd += ["-i", py]
                    into.append(timed(cmd)[0])
            rounds.append((fills, article, runs, article2, fills2, before, method, fills_window, method2, frees_window))
    med = statistics.median
    cells = len(interps) * len(workloads) * len(counts)
    print("%d interpreters x %d workloads x %d counts = %d cells, one repetition; "
          "medians of %d rounds (the ratio is each round's own)"
          % (len(interps), len(workloads), len(counts), cells, a.rounds))
    print("%-34s %9s %14s%s" % ("", "seconds", "x its floor",
                                "   the build before (x floor)" if a.before else ""))
    print("%-34s %9.3f %14s" % ("floor, 1 core (the fills)", med(r[0] for r in rounds), ""))
    print("%-34s %9.3f %14s" % ("floor, 2 cores", med(r[0] for r in rounds) / 2, ""))
    for i, label in enumerate(labels):
        cores = 1 if "-j 1" in label else 2
        then = ""
        if a.before:
            then = "   %9.2f (%.2f); this / before %.3f" % (
                med(r[5][i] for r in rounds), med(r[5][i] / (r[0] / cores) for r in rounds),
                med(r[2][i] / r[5][i] for r in rounds))
        print("%-34s %9.3f %14.2f%s" % (label, med(r[2][i] for r in rounds),
                                        med(r[2][i] / (r[0] / cores) for r in rounds), then))
    print("%-34s %9.3f %14.2f" % ("the method, minimal driver", med(r[6] for r in rounds),
                                  med(r[6] / r[0] for r in rounds)))
    print("%-34s %9.3f %14.2f" % ("  its base-to-full windows", med(r[7] for r in rounds),
                                  med(r[7] / r[0] for r in rounds)))
    print("%-34s %9.3f %14.2f" % ("  its full-to-freed windows", med(r[9] for r in rounds),
                                  med(r[9] / r[0] for r in rounds)))
    print("%-34s %9.3f %14.2f" % ("the same, two at a time", med(r[8] for r in rounds),
                                  med(r[8] / (r[0] / 2) for r in rounds)))
    print("%-34s %9s %14.2f" % ("objmem -j 1 / minimal driver", "",
                                med(r[2][0] / r[6] for r in rounds)))
    print("%-34s %9s %14.2f" % ("objmem -j 2 / the same, two", "",
                                med(r[2][1] / r[8] for r in rounds)))
    print("%-34s %9.3f %14.2f" % ("article's method (sequential)", med(r[1] for r in rounds),
                                  med(r[1] / r[0] for r in rounds)))
    print("%-34s %9.3f %14.2f" % ("article's method, two at a time", med(r[3] for r in rounds),
                                  med(r[3] / (r[0] / 2) for r in rounds)))
    print("%-34s %9.3f %14.2f" % ("  its fills, summed", med(r[4] for r in rounds),
                                  med(r[4] / r[0] for r in rounds)))


if __name__ == "__main__":
    sys.exit(main())
