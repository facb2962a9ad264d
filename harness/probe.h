/*
 * probe.h - what an interpreter's probe (the agent's description of a
 * build, kept in the results as interp.probe) says, read in one place:
 * the name objmem gives a discovered build, a one-line summary, and the
 * order in which builds are listed everywhere (tables, figures, report).
 *
 * Owns: the probe's field names on the driver's side (the agent writes
 * them: docs/protocol.md).
 */
#ifndef OBJMEM_PROBE_H
#define OBJMEM_PROBE_H

#include <cjson/cJSON.h>

#include "results.h"

/* A string field of the probe, or NULL. */
const char *probe_str(const cJSON *probe, const char *key);
/* A boolean field: 1 when true. */
int probe_true(const cJSON *probe, const char *key);
/* The build's pointer size in bits (32 on wasm32), or 0 when not said. */
int probe_pointer_bits(const cJSON *probe);

/*
 * A name for a discovered build: "cpython-3.12.1", "cpython-3.13.0t"
 * (free-threaded), "cpython-3.11.2d" (debug), "pypy3.9-7.3.11",
 * "cpython-3.14.2-wasm32" (Pyodide).
 */
char *probe_name(const cJSON *probe);
/* One line: "cpython 3.12.1, 64-bit, pymalloc, debug". */
char *probe_summary(const cJSON *probe);

/*
 * The build as people name it: "CPython 3.12.1", "CPython 3.13.15
 * free-threaded", "CPython 3.11.2 debug", "PyPy 7.3.11 (3.9)",
 * "MicroPython 1.26.1"; what changes its memory is added: ", GIL on" (a
 * free-threaded build with the GIL turned back on), ", PYTHONMALLOC=malloc"
 * (env, the definition's environment, may be NULL), ", without pymalloc";
 * "Pyodide 314.0.8 (CPython 3.14.2, wasm32)".
 * NULL probe: NULL.
 */
char *probe_label(const cJSON *probe, const struct strvec *env);
/*
 * The labels of the interpreters names[0..n) of r, for figures and
 * reports: probe_label, or the name without a probe; where two would read
 * the same, each of them gets its definition's name added: "CPython
 * 3.13.15 (cpython-3.13-malloc)". Free with probe_labels_free.
 */
char **probe_labels(const struct results *r, const char *const *names, size_t n);
void probe_labels_free(char **labels, size_t n);

/*
 * Families of builds that share a colour in figures: 1 CPython, 2 PyPy,
 * 3 MicroPython, 4 CPython free-threaded, 5 CPython debug, 6 CPython with
 * another allocator, 7 anything else (Pyodide: CPython on wasm32).
 */
int probe_family(const cJSON *probe);

/* "3.10.13" against "3.9.18", numerically, part by part; NULL first. */
int version_cmp(const char *a, const char *b);

/*
 * The order builds are listed in: CPython, then PyPy, then the others,
 * each by version, then by name; builds without a probe last, in the
 * order given. Sorts names (interpreter names of r) in place.
 */
void probe_sort_names(const struct results *r, const char **names, size_t n);

#endif
