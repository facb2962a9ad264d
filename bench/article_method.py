# The article's method (seeds/002), for bench/floor.py: one process per
# interpreter and workload, the counts in sequence. For each count: the
# container, a fill with the collector off, the resident set read from
# /proc/self/status before and after. Prints one line per count:
#   COUNT FILL_SECONDS RSS_DELTA_BYTES
# Runs on CPython 2.7 and later; the workload is a file of workloads/.
#   python article_method.py WORKLOAD_FILE COUNT...
import gc
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[1])))


def rss():
    f = open('/proc/self/status')
    try:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    finally:
        f.close()
    return 0


def main():
    path = sys.argv[1]
    ns = {'__name__': 'bench_workload', '__file__': path}
    f = open(path, 'rb')
    try:
        exec(compile(f.read(), path, 'exec'), ns)
    finally:
        f.close()
    made = ns['setup']()
    make = made[0] if isinstance(made, tuple) else made
    clock = getattr(time, 'perf_counter', time.time)
    for arg in sys.argv[2:]:
        count = int(arg)
        container = [None] * count
        gc.collect()
        before = rss()
        gc.disable()
        t0 = clock()
        i = 0
        while i < count:
            container[i] = make(i)
            i += 1
        took = clock() - t0
        gc.enable()
        after = rss()
        sys.stdout.write('%d %.6f %d\n' % (count, took, after - before))
        container = None
        gc.collect()


main()
