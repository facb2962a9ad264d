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
        print("%-22s %6s %6s %9s %9s %6s %12s %9s" % (
            "interpreter", "cells3", "cellsA", "r3 s", "auto s", "ratio", "max diff B", "max %"))
        tot3 = tota = 0.0
        worst = 0.0
        for py in a.interpreters:
            base = ["-p", a.preset, "-i", py, "-j", a.jobs]
            t3, d3 = run(base + ["-r", "3"], os.path.join(tmp, "r3.json"))
            ta, da = run(base + ["-r", "auto"], os.path.join(tmp, "ra.json"))
            page, m3, n3 = rows(d3)
            _, ma, na = rows(da)
            diff_b = diff_p = 0.0
            name = next(iter(m3), ("?",))[0]
            for k, v in m3.items():
                if k not in ma or v * k[2] < page:
                    continue
                diff_b = max(diff_b, abs(ma[k] - v))
                diff_p = max(diff_p, abs(ma[k] - v) / abs(v) * 100 if v else 0)
            worst = max(worst, diff_p)
            tot3 += t3
            tota += ta
            print("%-22s %6d %6d %9.1f %9.1f %6.2f %12.2f %9.3f" % (
                name, sum(n3.values()), sum(na.values()), t3, ta, ta / t3, diff_b, diff_p))
        print("%-22s %6s %6s %9.1f %9.1f %6.2f %12s %9.3f" % (
            "all", "", "", tot3, tota, tota / tot3 if tot3 else 0, "", worst))


if __name__ == "__main__":
    sys.exit(main())
