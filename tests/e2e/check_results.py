#!/usr/bin/env python3
"""Assertions on an objmem results file, for the end-to-end tests.

usage: check_results.py FILE CHECK [ARGS...]
checks:
  schema                      every field of README.md's "Results format" is there, with its type
  cells N                     the file holds N cells
  status WORKLOAD STATUS [REASON_FRAGMENT]
                              every cell of WORKLOAD has STATUS (and reason contains fragment)
  all-ok                      every cell is ok
  less W1 W2 COUNT            on every interpreter with both, W1 costs less per object than W2
  bpo INTERP W COUNT LO HI    the median bytes/object lies in [LO, HI]
  spread PCT                  for every summary row with n>1, (max-min)/median <= PCT %
  field PATH                  print the value at a dotted path (cells.0.status)
Exits 1 with a message naming what failed.
"""
import json
import sys


def die(msg):
    sys.stderr.write("check_results: %s\n" % msg)
    sys.exit(1)


def need(obj, key, types, where):
    if key not in obj:
        die("%s: missing '%s'" % (where, key))
    if types is not None and not isinstance(obj[key], types):
        die("%s.%s: expected %s, got %r" % (where, key, types, obj[key]))
    return obj[key]


NUM = (int, float)
OPT_NUM = (int, float, type(None))


def check_schema(doc):
    if doc.get("schema") != "objmem-results/1":
        die("schema is %r" % doc.get("schema"))
    need(doc, "objmem_version", str, "doc")
    need(doc, "created", str, "doc")
    m = need(doc, "machine", dict, "doc")
    for k in ("hostname", "kernel", "cpu_model", "cpus", "mem_total", "page_size", "thp_enabled", "glibc"):
        need(m, k, None, "machine")
    c = need(doc, "config", dict, "doc")
    need(c, "counts", list, "config")
    need(c, "repeat", int, "config")
    for i, it in enumerate(need(doc, "interpreters", list, "doc")):
        w = "interpreters[%d]" % i
        need(it, "name", str, w)
        need(it, "argv", list, w)
        need(it, "env", dict, w)
        p = it.get("probe")
        if p is not None:
            for k in ("implementation", "version", "pointer_bits", "debug", "allocator", "gil_disabled"):
                need(p, k, None, w + ".probe")
    for i, cell in enumerate(need(doc, "cells", list, "doc")):
        w = "cells[%d]" % i
        for k in ("interpreter", "workload"):
            need(cell, k, str, w)
        need(cell, "count", int, w)
        need(cell, "repeat", int, w)
        st = need(cell, "status", str, w)
        if st not in ("ok", "failed", "skipped", "pending"):
            die("%s.status: %r" % (w, st))
        need(cell, "reason", (str, type(None)), w)
        need(cell, "getsizeof", OPT_NUM, w)
        need(cell, "wall_s", NUM, w)
        s = need(cell, "samples", dict, w)
        for ph in ("start", "base", "full", "freed"):
            v = need(s, ph, (dict, type(None)), w + ".samples")
            if st == "ok":
                if v is None:
                    die("%s.samples.%s is null in an ok cell" % (w, ph))
                for k in ("rss", "pss", "uss", "anon", "swap"):
                    x = need(v, k, int, "%s.samples.%s" % (w, ph))
                    if x < 0:
                        die("%s.samples.%s.%s negative" % (w, ph, k))
                if not (v["uss"] <= v["rss"]):
                    die("%s.samples.%s: uss %d > rss %d" % (w, ph, v["uss"], v["rss"]))
        need(cell, "peak", (dict, type(None)), w)
        if st == "ok" and cell["peak"] is None:
            die("%s: ok cell without a peak" % w)
        if st != "ok" and not cell["reason"]:
            die("%s: %s cell without a reason" % (w, st))
    for i, row in enumerate(need(doc, "summary", list, "doc")):
        w = "summary[%d]" % i
        for k in ("interpreter", "workload"):
            need(row, k, str, w)
        need(row, "count", int, w)
        for k in ("bytes_per_object", "delta_bytes", "absolute_bytes"):
            v = need(row, k, (dict, type(None)), w)
            if v is not None:
                for kk in ("median", "min", "max"):
                    need(v, kk, NUM, "%s.%s" % (w, k))
    for i, f in enumerate(need(doc, "fits", list, "doc")):
        w = "fits[%d]" % i
        for k in ("interpreter", "workload"):
            need(f, k, str, w)
        for k in ("slope", "intercept", "r2"):
            need(f, k, OPT_NUM, w)


def summary(doc, interp, wl, count):
    for row in doc["summary"]:
        if row["interpreter"] == interp and row["workload"] == wl and row["count"] == count:
            return row
    return None


def main():
    if len(sys.argv) < 3:
        die(__doc__)
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    check, args = sys.argv[2], sys.argv[3:]
    if check == "schema":
        check_schema(doc)
    elif check == "cells":
        if len(doc["cells"]) != int(args[0]):
            die("%d cells, expected %s" % (len(doc["cells"]), args[0]))
    elif check == "all-ok":
        bad = [c for c in doc["cells"] if c["status"] != "ok"]
        if bad:
            die("not ok: %s" % ["%s/%s/%d: %s %s" % (c["interpreter"], c["workload"], c["count"], c["status"], c["reason"]) for c in bad])
    elif check == "status":
        wl, want = args[0], args[1]
        frag = args[2] if len(args) > 2 else None
        cells = [c for c in doc["cells"] if c["workload"] == wl]
        if not cells:
            die("no cell of workload %s" % wl)
        for c in cells:
            if c["status"] != want:
                die("%s/%s: status %s (%s), expected %s" % (c["interpreter"], wl, c["status"], c["reason"], want))
            if frag and frag not in (c["reason"] or "") + (c.get("stderr_tail") or ""):
                die("%s/%s: reason %r lacks %r" % (c["interpreter"], wl, c["reason"], frag))
    elif check == "less":
        w1, w2, count = args[0], args[1], int(args[2])
        n = 0
        for it in doc["interpreters"]:
            a, b = summary(doc, it["name"], w1, count), summary(doc, it["name"], w2, count)
            if not a or not b or not a["bytes_per_object"] or not b["bytes_per_object"]:
                continue
            x, y = a["bytes_per_object"]["median"], b["bytes_per_object"]["median"]
            print("%s: %s %.1f, %s %.1f bytes/object" % (it["name"], w1, x, w2, y))
            if not x < y:
                die("%s: %s (%.1f) is not less than %s (%.1f)" % (it["name"], w1, x, w2, y))
            n += 1
        if n == 0:
            die("no interpreter has both %s and %s at %d" % (w1, w2, count))
    elif check == "bpo":
        interp, wl, count, lo, hi = args[0], args[1], int(args[2]), float(args[3]), float(args[4])
        row = summary(doc, interp, wl, count)
        if not row or not row["bytes_per_object"]:
            die("no bytes_per_object for %s/%s/%d" % (interp, wl, count))
        v = row["bytes_per_object"]["median"]
        print("%s/%s/%d: %.2f bytes/object" % (interp, wl, count, v))
        if not lo <= v <= hi:
            die("%s/%s/%d: %.2f bytes/object outside [%g, %g]" % (interp, wl, count, v, lo, hi))
    elif check == "spread":
        limit = float(args[0])
        for row in doc["summary"]:
            b = row["bytes_per_object"]
            if b and b.get("n", 0) > 1 and b["median"]:
                sp = (b["max"] - b["min"]) / b["median"] * 100
                if sp > limit:
                    die("%s/%s/%d: spread %.3f%% > %g%%" % (row["interpreter"], row["workload"], row["count"], sp, limit))
    elif check == "field":
        v = doc
        for part in args[0].split("."):
            v = v[int(part)] if isinstance(v, list) else v[part]
        print(json.dumps(v) if not isinstance(v, str) else v)
    else:
        die("unknown check %r" % check)


if __name__ == "__main__":
    main()
