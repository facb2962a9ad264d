/*
 * probecache.h - probes and views kept across runs. A probe (the agent's
 * description of a build, results.h's interp.probe) and a workload's views
 * (views.h) each cost a start of the interpreter and of the agent; a build
 * that has not changed says the same again.
 *
 * Owns: when a kept answer still holds and where they are kept
 * (CACHE/probes/, CACHE as config_cache_dir). A probe is kept for an
 * interpreter whose argv[0] is an ELF executable, keyed by its argv, its
 * definition's environment, LD_LIBRARY_PATH, the executable's identity
 * (device, inode, size, modification and change times: a rebuilt or
 * reinstalled build is probed again), the same identity of every file its
 * argv names by absolute path (a script it runs, such as Pyodide's
 * python.mjs under node) and the agent's own text. A script
 * (a shim, a wrapper) is probed every time: what it starts is not its own.
 * Views are kept under the probe's key, the workload's file, the helper
 * modules and extension sources of workloads/ and the --param values.
 */
#ifndef OBJMEM_PROBECACHE_H
#define OBJMEM_PROBECACHE_H

#include <cjson/cJSON.h>

#include "catalog.h"
#include "results.h"

/* The key of in's probe, or NULL when it is not kept (not an ELF executable). */
char *probecache_key(const struct catalog *cat, const struct interp *in);
/*
 * The key of the views of workload (its file, path) on in, with the
 * run's parameters (params, "NAME=VALUE" each); NULL when not kept.
 */
char *probecache_views_key(const struct catalog *cat, const struct interp *in, const char *path,
			   const struct strvec *params);
/* The probe kept under key, or NULL. */
cJSON *probecache_get(const char *key);
/* Keep probe under key; a failure is silent (the build is probed next time). */
void probecache_put(const char *key, const cJSON *probe);

#endif
