#!/usr/bin/env python3
"""gen-results.py N OUT.json [SEED] - a synthetic results file of N cells
(9 workloads x 5 counts x 3 repetitions per interpreter, as many
interpreters as N needs), with realistic samples, for bench/scale. Cells
are ok except one in 50 failed; the values vary a little per repetition."""
import json
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
workloads = ["point3d", "slots", "namedtuple", "record", "largeints", "dict", "tuple",
             "dataclass", "dataclass-slots"]
counts = [1000, 10000, 100000, 1000000, 10000000]
per_interp = len(workloads) * len(counts) * 3
n_interps = (n + per_interp - 1) // per_interp
interps, cells = [], []
for i in range(n_interps):
    name = "cpython-3.%d.%d-build%04d" % (6 + i % 8, i % 20, i)
    interps.append({"name": name, "argv": ["/opt/py%d/bin/python3" % i], "env": {},
                    "tags": ["cpython"], "origin": "PATH", "skipped": None,
                    "probe": {"implementation": "cpython", "version": "3.%d.%d" % (6 + i % 8, i % 20),
                              "pointer_bits": 64, "debug": False, "allocator": "pymalloc",
                              "gil_disabled": False, "compiler": "GCC 12.2.0"}})
    for w, wl in enumerate(workloads):
        per = 48 + 16 * w + (i % 5) * 8
        for count in counts:
            for rep in (1, 2, 3):
                if len(cells) >= n:
                    break
                start = 8_000_000 + rng.randrange(0, 40) * 4096
                base = start + 1_200_000 + 8 * count
                full = base + per * count + rng.randrange(0, 3) * 4096
                def s(u):
                    return {"rss": u + 3_000_000, "pss": u + 1_000_000, "uss": u,
                            "anon": u - 1_000_000, "swap": 0, "private_clean": 2_000_000}
                ok = rng.randrange(50) != 0
                cells.append({"interpreter": name, "workload": wl, "count": count, "repeat": rep,
                              "status": "ok" if ok else "failed",
                              "reason": None if ok else "timeout: no 'full' line within 600 s",
                              "getsizeof": 56, "container_bytes": 8 * count + 56,
                              "samples": {"start": s(start), "base": s(base),
                                          "full": s(full) if ok else None,
                                          "freed": s(base) if ok else None},
                              "peak": {"vm_hwm": full + 3_100_000, "rss_anon_max": full,
                                       "polls": 10} if ok else None,
                              "wall_s": 1.5, "pid": 1000 + len(cells), "warnings": [],
                              "stderr_tail": None, "note": None})
doc = {"schema": "objmem-results/1", "objmem_version": "0.1.0",
       "created": "2026-12-01T00:00:00Z", "label": None,
       "machine": {"hostname": "bench", "kernel": "6.1.0", "os": "Debian GNU/Linux 12",
                   "cpus": 2, "mem_total": 25769803776, "page_size": 4096},
       "config": {"counts": counts, "repeat": 3, "jobs": 2, "timeout_s": 600,
                  "workloads": workloads},
       "interpreters": interps, "cells": cells}
with open(out, "w") as f:
    json.dump(doc, f)
