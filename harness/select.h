/*
 * select.h - which interpreters a run measures: the -i arguments resolved
 * (definition name, discovered name, path or command on PATH), or by default
 * every definition plus every interpreter discovered; each probed once, the
 * probe kept; duplicates (same executable, arguments and environment)
 * reported and dropped; what cannot run kept with a skip reason that says
 * how to get it.
 */
#ifndef OBJMEM_SELECT_H
#define OBJMEM_SELECT_H

#include "catalog.h"
#include "results.h"

struct select_opts {
	const struct strvec *names;   /* -i arguments; empty: all */
	int include_missing;          /* keep not-installed definitions as skipped */
	int quiet;
	double probe_timeout_s;
};

/*
 * Append the selected interpreters to r->interps, probed. Returns 0, or -1
 * when a -i argument names nothing (message printed, with a suggestion).
 */
int select_interpreters(const struct catalog *cat, const struct select_opts *opts,
			struct results *r);

/* The key that makes two interpreters the same build: executable, args, env. */
char *select_identity(const struct interp *in);

/*
 * Whether a and b are one build: the same identity, and the same facts in
 * their probes (implementation, versions, debug, allocator, GIL, pointer
 * size, ABI flags, configure arguments, compiler). When not, *why says
 * what differs ("version "2.7.18" then "3.12.1""); free it.
 */
int select_same_build(const struct interp *a, const struct interp *b, char **why);

#endif
