#!/usr/bin/env python3
"""Adaptive repetitions against a fixed -r 3, in one run on this machine.

    bench/adaptive.py [-p PRESET] [-j JOBS] INTERPRETER...

Runs the preset's matrix (default: the default preset) on the interpreters
given, once with -r 3 and once with -r auto, and prints per build the cells
run, the wall time of each run and their ratio, and the largest difference
between the two runs' bytes-per-object medians, in bytes and in per cent of
the -r 3 figure, counting only rows whose objects own at least one page in
all (smaller rows move by a whole page over the count). The machine is
shared: quote the ratios.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OBJMEM = os.environ.get("OBJMEM", os.path.join(HERE, "..", "objmem"))


def run(args, out):
    t0 = time.monotonic()
    subprocess.run([OBJMEM, "run", *args, "-o", out, "-q", "--no-table"], check=False)
    return time.monotonic() - t0, json.load(open(out))


def rows(doc):
    page = doc["machine"]["page_size"]
    got = {}
    for c in doc["cells"]:
        if c["status"] != "ok":
            continue
        s = c["samples"]
        own = lambda p: s[p]["uss"] - s[p]["private_clean"]
        got.setdefault((c["interpreter"], c["workload"], c["count"]), []).append(
            (own("full") - own("base")) / c["count"])
    return page, {k: statistics.median(v) for k, v in got.items()}, \
        {k: len(v) for k, v in got.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-p", "--preset", default="default")
    ap.add_argument("-j", "--jobs", default="2")
    ap.add_argument("interpreters", nargs="+")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("%-22s %6s %6s %8s %8s %6s  %s" % (
            "interpreter", "cells3", "cellsA", "r3 s", "auto s", "ratio",
            "largest |auto - r3| of a row's median, per count: B/object (%)"))
        tot3 = tota = 0.0
        worst = {}
        for py in a.interpreters:
            base = ["-p", a.preset, "-i", py, "-j", a.jobs]
            i = a.interpreters.index(py)
            t3, d3 = run(base + ["-r", "3"], os.path.join(tmp, "r3-%d.json" % i))
            ta, da = run(base + ["-r", "auto"], os.path.join(tmp, "ra-%d.json" % i))
            page, m3, n3 = rows(d3)
            _, ma, na = rows(da)
            per = {}
            name = next(iter(m3), ("?",))[0]
            for k, v in m3.items():
                if k not in ma or v * k[2] < page:
                    continue
                d = abs(ma[k] - v)
                if d >= per.get(k[2], (-1, 0))[0]:
                    per[k[2]] = (d, d / abs(v) * 100 if v else 0)
                worst[k[2]] = max(worst.get(k[2], 0), per[k[2]][1])
            tot3 += t3
            tota += ta
            print("%-22s %6d %6d %8.1f %8.1f %6.2f  %s" % (
                name, sum(n3.values()), sum(na.values()), t3, ta, ta / t3,
                "  ".join("%s: %.2f (%.3f%%)" % (n, per[n][0], per[n][1]) for n in sorted(per))))
        print("%-22s %6s %6s %8.1f %8.1f %6.2f  %s" % (
            "all", "", "", tot3, tota, tota / tot3 if tot3 else 0,
            "  ".join("%s: (%.3f%%)" % (n, worst[n]) for n in sorted(worst))))


if __name__ == "__main__":
    sys.exit(main())
