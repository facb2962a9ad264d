/*
 * agent.h - the driver's short calls into workloads/agent.py: building a
 * child's command line and environment for any agent mode, and the one-shot
 * modes probe (describe an interpreter), prepare (build what a workload
 * needs, e.g. the record C extension), views (what the interpreter says one
 * object costs) and list (workloads available on an interpreter). The measured cells themselves are runner.c's.
 *
 * A one-shot child has a cgroup of its own where objmem can make one (spawn
 * contains it), and is killed with what it started on a timeout. Each call
 * gives up within a tenth of a second once runner_stop_signal is set
 * (SIGINT, SIGTERM): the reason is "interrupted" (prepare: no reason).
 */
#ifndef OBJMEM_AGENT_H
#define OBJMEM_AGENT_H

#include <cjson/cJSON.h>

#include "catalog.h"
#include "results.h"
#include "spawn.h"

/* Conditions a child starts under; recorded in the results' config. */
struct child_opts {
	int thp_disable;
	int cpu;                  /* -1: not pinned */
	const char *arena_max;    /* MALLOC_ARENA_MAX value, or NULL */
	int fixed_layout;         /* address randomization off (spawn.h) */
};

/*
 * Fill c (child_init'ed) to run INTERP_ARGV... agent.py args... with the
 * child environment of config_child_env and the options.
 */
void agent_child_setup(struct child *c, const struct catalog *cat, const struct interp *in,
		       const char *const *args, const struct child_opts *opts);

/*
 * Probe: run the agent in probe mode (timeout_s seconds at most). On success
 * returns 0 and sets in->probe. On failure returns -1 and *why (malloc'ed)
 * says what happened, with the last stderr line.
 */
int agent_probe(const struct catalog *cat, struct interp *in, double timeout_s, char **why);

/*
 * Prepare a workload for an interpreter (timeout_s seconds at most); 0, or
 * -1 with *why (not fatal; NULL when stopped by a signal).
 */
int agent_prepare(const struct catalog *cat, const struct interp *in, const char *workload,
		  double timeout_s, char **why);

/*
 * The interpreter's own views of one object of workload (agent.py views,
 * views.h): the agent's "views" payload, a new cJSON object. NULL with *why
 * on failure (a workload that skips: its reason).
 */
cJSON *agent_views(const struct catalog *cat, const struct interp *in, const char *workload,
		   double timeout_s, char **why);

/*
 * List the workloads as the interpreter sees them: a cJSON array of the
 * agent's "workload" payloads (name, description, and when the agent says
 * so, available/reason). NULL with *why on failure.
 */
cJSON *agent_list(const struct catalog *cat, const struct interp *in, double timeout_s, char **why);

#endif
