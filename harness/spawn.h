/*
 * spawn.h - child processes without a shell.
 *
 * Owns: fork/exec of one child with an explicit argv and environment, its
 * three pipes, the conditions it starts under (own process group, parent
 * death signal, transparent huge pages off, CPU pinning, address-space cap,
 * its own cgroup and memory limit), killing it with everything it started,
 * and reaping it.
 *
 * Containment (c->contain): the child gets a cgroup of its own (cgroup.h),
 * joined before exec, so that everything it starts is in it, detached or
 * not; killing it kills the cgroup. Where objmem cannot make one, the
 * child's process group is killed, a kill walks the child's process tree
 * (reaper_kill_tree: a grandchild that called setsid is still a
 * descendant), and objmem becomes a subreaper whose orphans reaper.c kills
 * once they can only come from a child that has ended. Without contain,
 * the process group is all (gnuplot).
 *
 * File descriptors: after child_start the caller owns c->in_fd (write end of
 * the child's stdin), c->out_fd and c->err_fd (read ends of its stdout and
 * stderr), all close-on-exec and non-blocking for reading; child_release
 * closes whichever are still open. The child gets nothing else: every fd
 * objmem opens is O_CLOEXEC.
 *
 * Steps: child_init, fill argv/env and options, child_start, talk, then
 * child_wait (or child_kill + child_wait), child_release (which also kills
 * what a contained child left behind).
 */
#ifndef OBJMEM_SPAWN_H
#define OBJMEM_SPAWN_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "util.h"

struct child {
	/* set by the caller */
	struct strvec argv;   /* argv[0] must be an absolute or relative path */
	struct strvec env;    /* the whole environment, "K=V" */
	int thp_disable;      /* prctl(PR_SET_THP_DISABLE) in the child */
	int fixed_layout;     /* personality(ADDR_NO_RANDOMIZE): the same addresses each run */
	int cpu;              /* pin to this CPU, or -1 */
	uint64_t as_limit;    /* RLIMIT_AS in bytes, 0 for none */
	int contain;          /* a cgroup of its own, else group, tree and orphan kills */
	uint64_t mem_limit;   /* the cgroup's memory limit in bytes, 0 for none */

	/* set by child_start */
	pid_t pid;
	int in_fd, out_fd, err_fd;
	int reaped;
	int wait_status;      /* raw waitpid status once reaped */
	struct cgroup cg;     /* active when the child has one; cg.memory: what holds mem_limit */
	char *no_cgroup;      /* contained without a cgroup: why (malloc'ed), else NULL */
	double watched_at;    /* child_watch's last look */
};

void child_init(struct child *c);
/*
 * Start the child. Returns 0, or -1 with a message in *why (malloc'ed) that
 * says what failed, e.g. "cannot run '/x/python': No such file or directory".
 * An exec failure is reported through a close-on-exec pipe, so it is seen
 * here, not as an odd exit status later.
 */
int child_start(struct child *c, char **why);
/*
 * Call now and then while the child runs: a contained child without a
 * cgroup has what left its process group registered with the guard
 * (reaper_watch), at most every quarter second; otherwise nothing.
 */
void child_watch(struct child *c);
/* Send sig to the child's process group (the child and anything it forked). */
void child_signal_group(struct child *c, int sig);
/*
 * SIGKILL the child and what it started (its cgroup; else its process
 * group, and for a contained child its whole process tree), then reap it.
 */
void child_kill(struct child *c);
/*
 * Reap the child, waiting at most timeout_s seconds (negative: forever).
 * Returns 1 when reaped, 0 on timeout, -1 on error.
 */
int child_wait(struct child *c, double timeout_s);
/* The same, but give up (0) once *stop is set (seen within 0.1 s, at once when a
 * signal interrupts the wait in this thread). */
int child_wait_or_stop(struct child *c, double timeout_s, const volatile sig_atomic_t *stop);
/* 1: wait by sleeping (0.1 ms, doubling to 5 ms), as where there is no
 * pidfd_open (Linux before 5.3); for the tests of that path. */
extern int child_wait_no_pidfd;
/* "exited with status 3", "killed by signal 9 (Killed)" for a reaped child. */
char *child_describe_exit(const struct child *c);
/*
 * Kill what a contained child left behind (its cgroup, removed; or the
 * orphans that can only be its), close the pipes, free argv/env. The child
 * must have been reaped.
 */
void child_release(struct child *c);

/* Resolve a command name on PATH (or keep a path with a slash); NULL if none. */
/*
 * Whether a child can start with address randomization off (fixed_layout):
 * 1, or 0 with *why (malloc'ed) where personality() is refused, as some
 * container sandboxes do.
 */
int spawn_fixed_layout_ok(char **why);

char *spawn_which(const char *cmd, const char *path_env);

#endif
